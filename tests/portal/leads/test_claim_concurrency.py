"""32 partners race for the same 200 leads on PostgreSQL: each lead gets exactly one claimant.

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
from partners.models import AuditEntry, Organization, Partnership, User
from partners.roles import OrgKind, Role
from partners.sharing import AccessLevel
from partners.sharing.models import Audience, GranteeKind, SharingRule
from partners.sharing.rules import Grantee
from portal.leads.models import Lead
from portal.leads.service import ALREADY_CLAIMED, NOT_CLAIMABLE, claim_lead

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
        delete(SharingRule).where(SharingRule.owner_org_id.in_(org_ids)),
        delete(Audience).where(
            or_(Audience.organization_id.in_(org_ids), Audience.relative_to_org_id.in_(org_ids))
        ),
        delete(AuditEntry).where(
            or_(
                AuditEntry.actor_org_id.in_(org_ids),
                AuditEntry.subject_org_id.in_(org_ids),
                AuditEntry.actor_user_id.in_(users),
            )
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
