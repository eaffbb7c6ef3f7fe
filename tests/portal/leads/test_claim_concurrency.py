"""32 partners race for the same 200 leads on PostgreSQL: each lead gets exactly one claimant;
concurrent claims and assignments never take a partner past its cap.

PostgreSQL only because SQLite serialises writers, so there is no race to lose there. The data
is committed (each thread needs its own connection and transaction) and deleted afterwards.
"""

import threading
from collections import Counter

import pytest
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from partners.context import NotFound, ServiceError
from partners.db import make_engine, unit_of_work
from partners.events import Event
from partners.models import AuditEntry, Organization, Partnership, User
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, shares
from partners.sharing.models import Audience, ExplicitShare, GranteeKind, SharingRule
from partners.sharing.rules import Grantee
from portal.leads import assignment, policy
from portal.leads.models import Lead, LeadRoutingSettings, LeadStatus
from portal.leads.service import ALREADY_CLAIMED, NOT_CLAIMABLE, claim_lead
from portal.leads.sharing import LEADS as LEAD_KIND

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user

THREADS, LEADS = 32, 200


@pytest.fixture
def race(postgresql_engine):
    engine = make_engine(
        postgresql_engine.url.render_as_string(hide_password=False),
        pool_size=THREADS,
        max_overflow=0,
    )
    factory = lambda: Session(engine, expire_on_commit=False)  # noqa: E731
    with unit_of_work(factory) as db:
        vendor = create_org(db, OrgKind.vendor)
        owner = create_user(db, vendor, Role.manager)
        partners = [create_org(db) for _ in range(THREADS)]
        for partner in partners:
            create_partnership(db, vendor, partner)
        create_rule(db, owner, Grantee(GranteeKind.all_partners), AccessLevel.claim)
        lead_ids = [create_lead(db, owner).id for _ in range(LEADS)]
        claimers = [create_user(db, partner).id for partner in partners]
        org_ids = [vendor.id, *(p.id for p in partners)]
    try:
        yield engine, claimers, lead_ids
    finally:
        with unit_of_work(factory) as db:
            _delete_everything_of(db, org_ids)
        engine.dispose()


def _delete_everything_of(db: Session, org_ids: list[int]) -> None:
    users = select(User.id).where(User.organization_id.in_(org_ids))
    for statement in (
        delete(Lead).where(Lead.owner_org_id.in_(org_ids)),  # grants cascade
        delete(ExplicitShare).where(ExplicitShare.owner_org_id.in_(org_ids)),
        delete(LeadRoutingSettings).where(LeadRoutingSettings.owner_org_id.in_(org_ids)),
        delete(SharingRule).where(SharingRule.owner_org_id.in_(org_ids)),
        delete(Audience).where(
            or_(Audience.organization_id.in_(org_ids), Audience.relative_to_org_id.in_(org_ids))
        ),
        *(
            delete(trail).where(
                or_(
                    trail.actor_org_id.in_(org_ids),
                    trail.subject_org_id.in_(org_ids),
                    trail.actor_user_id.in_(users),
                )
            )
            for trail in (AuditEntry, Event)
        ),
        delete(Partnership).where(Partnership.parent_id.in_(org_ids)),
        delete(User).where(User.organization_id.in_(org_ids)),
        delete(Organization).where(Organization.id.in_(org_ids)),
    ):
        db.execute(statement.execution_options(synchronize_session=False))


def test_each_lead_ends_with_exactly_one_claimant(race):
    engine, claimers, lead_ids = race
    start = threading.Barrier(THREADS)
    outcomes: list[Counter] = [Counter() for _ in claimers]
    failures: list[BaseException] = []

    def claim_all(index: int) -> None:
        try:
            with engine.connect() as connection:
                db = Session(bind=connection, expire_on_commit=False)
                user = db.get(User, claimers[index])
                start.wait()
                for lead_id in lead_ids:
                    try:
                        claim_lead(context(db, user), lead_id)
                        db.commit()
                        outcomes[index]["won"] += 1
                    except (ServiceError, NotFound) as refused:
                        db.rollback()
                        kind = "not found" if isinstance(refused, NotFound) else "error"
                        outcomes[index][(kind, str(refused))] += 1
        except BaseException as error:  # surfaced in the main thread
            failures.append(error)

    threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures

    total = sum(outcomes, Counter())
    assert total["won"] == LEADS
    assert set(total) <= {"won", ("error", ALREADY_CLAIMED), ("not found", NOT_CLAIMABLE)}
    assert (
        total["won"] + total[("error", ALREADY_CLAIMED)] + total[("not found", NOT_CLAIMABLE)]
        == THREADS * LEADS
    )
    with Session(engine) as db:
        claimants = db.execute(
            select(Lead.status, Lead.claimed_by_org_id).where(Lead.id.in_(lead_ids))
        ).all()
        claimer_orgs = set(db.scalars(select(User.organization_id).where(User.id.in_(claimers))))
    assert len(claimants) == LEADS
    assert all(status == "claimed" and org in claimer_orgs for status, org in claimants)


CAP = 3


def _cap_everyone_at(db: Session, owner: User, cap: int) -> None:
    """The owner's settings: every tier may hold ``cap`` open claims; routing weights 1."""
    partners = {
        p.id: policy.PartnerRouting(weight=1)
        for p in db.scalars(
            select(Partnership).where(Partnership.parent_id == owner.organization_id)
        )
    }
    policy.save_settings(
        context(db, owner),
        sla_hours={tier.value: 24 for tier in Tier},
        max_open_claims={tier.value: cap for tier in Tier},
        min_tier=Tier.registered,
        partners=partners,
    )


def _run_together(*work) -> list[BaseException]:
    """Each callable in its own thread, started at once; the errors they raised."""
    start, failures = threading.Barrier(len(work)), []

    def run(task) -> None:
        try:
            start.wait()
            task()
        except BaseException as error:  # surfaced in the main thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(task,)) for task in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def _claimer(engine, user_id: int, lead_ids: list[int], outcomes: Counter):
    def claim() -> None:
        with Session(engine, expire_on_commit=False) as db:
            user = db.get_one(User, user_id)
            for lead_id in lead_ids:
                try:
                    claim_lead(context(db, user), lead_id)
                    db.commit()
                    outcomes["won"] += 1
                except ServiceError as refused:
                    db.rollback()
                    outcomes[str(refused)[:40]] += 1

    return claim


def _held(engine, org_id: int) -> int:
    with Session(engine) as db:
        return len(
            db.scalars(
                select(Lead.id).where(
                    Lead.claimed_by_org_id == org_id, Lead.status == LeadStatus.claimed
                )
            ).all()
        )


@pytest.fixture
def capped(postgresql_engine):
    """A vendor capping open claims at CAP, and cleanup of what the test commits."""
    engine = make_engine(
        postgresql_engine.url.render_as_string(hide_password=False), pool_size=12, max_overflow=0
    )
    factory = lambda: Session(engine, expire_on_commit=False)  # noqa: E731
    org_ids: list[int] = []
    try:
        yield engine, factory, org_ids
    finally:
        with unit_of_work(factory) as db:
            _delete_everything_of(db, org_ids)
        engine.dispose()


def test_a_claimant_reached_only_through_shares_cannot_pass_its_cap(capped):
    engine, factory, org_ids = capped
    with unit_of_work(factory) as db:
        vendor, stranger = create_org(db, OrgKind.vendor), create_org(db)
        org_ids += [vendor.id, stranger.id]
        owner = create_user(db, vendor, Role.manager)
        _cap_everyone_at(db, owner, CAP)
        leads = [create_lead(db, owner).id for _ in range(24)]
        for lead_id in leads:
            shares.share_record(
                context(db, owner),
                LEAD_KIND,
                lead_id,
                organization=stranger,
                level=AccessLevel.claim,
            )
        users = [create_user(db, stranger).id for _ in range(8)]
    outcomes = Counter()
    failures = _run_together(
        *(_claimer(engine, user, leads[i::8], outcomes) for i, user in enumerate(users))
    )
    assert not failures, failures
    assert _held(engine, stranger.id) == outcomes["won"] == CAP


def test_claims_and_an_assignment_together_stay_within_the_cap(capped):
    engine, factory, org_ids = capped
    with unit_of_work(factory) as db:
        vendor, partner = create_org(db, OrgKind.vendor), create_org(db)
        org_ids += [vendor.id, partner.id]
        owner = create_user(db, vendor, Role.manager)
        create_partnership(db, vendor, partner)
        create_rule(db, owner, Grantee(GranteeKind.all_partners), AccessLevel.claim)
        _cap_everyone_at(db, owner, CAP)
        pooled = [create_lead(db, owner).id for _ in range(16)]
        routed = [create_lead(db, owner, publish=False).id for _ in range(CAP)]
        users = [create_user(db, partner).id for _ in range(4)]
        owner_id = owner.id

    def assign() -> None:
        with unit_of_work(factory) as db:
            assignment.assign_leads(context(db, db.get_one(User, owner_id)), routed)

    outcomes = Counter()
    failures = _run_together(
        assign, *(_claimer(engine, user, pooled[i::4], outcomes) for i, user in enumerate(users))
    )
    assert not failures, failures
    assert _held(engine, partner.id) == CAP
