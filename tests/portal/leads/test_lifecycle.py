"""A claim is a lease: accept within the SLA (business hours, the partner's timezone) or the lead
goes back and the claimant is never offered it again. Declining does the same at once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cli import main as concord
from partners.business_hours import (
    add_business_hours,
    business_time_between,
    in_business_hours,
)
from partners.context import NotFound, ServiceError
from partners.models import AuditEntry, Partnership
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, explain
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads.models import ActivityKind, Lead, LeadActivity, LeadStatus
from portal.leads.policy import Deadline
from portal.leads.service import (
    accept_lead,
    advance_lead,
    claim_lead,
    decline_lead,
    expire_claims,
    log_activity,
)
from portal.leads.sharing import get_lead, lead_inbox

from factories import context as base_context
from factories import (
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
    lead_settings,
)

BERLIN_FRIDAY_1630 = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 16:30 CET
BERLIN_MONDAY_1630 = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def context(db, actor=None, *, clock):
    """A service context reading the test's clock, as the app's services do."""
    ctx = base_context(db, actor)
    ctx.clock = clock
    return ctx


@pytest.mark.parametrize(
    ("start", "hours", "zone", "deadline"),
    [
        # Friday 16:30 in Berlin, 8 business hours: half an hour on Friday, 7.5 on Monday.
        (BERLIN_FRIDAY_1630, 8, "Europe/Berlin", BERLIN_MONDAY_1630),
        # The same instant is 10:30 in New York: 6.5 hours on Friday, 1.5 on Monday.
        (BERLIN_FRIDAY_1630, 8, "America/New_York", datetime(2026, 11, 23, 15, 30, tzinfo=UTC)),
        # 07:00 in New York: the clock starts at 09:00 and the day holds all 8 hours.
        (
            datetime(2026, 11, 20, 12, tzinfo=UTC),
            8,
            "America/New_York",
            datetime(2026, 11, 20, 22, tzinfo=UTC),
        ),
        # Claimed on Saturday: Monday 09:00 to 17:00 local.
        (
            datetime(2026, 11, 21, 10, tzinfo=UTC),
            8,
            "Europe/Berlin",
            datetime(2026, 11, 23, 16, tzinfo=UTC),
        ),
        # 48 hours are six working days: Wednesday 12:00 → next Thursday 12:00 (Berlin).
        (
            datetime(2026, 11, 18, 11, tzinfo=UTC),
            48,
            "Europe/Berlin",
            datetime(2026, 11, 26, 11, tzinfo=UTC),
        ),
        # Summer time starts on Sunday 29 March: Monday 16:30 is CEST, 14:30 UTC.
        (
            datetime(2026, 3, 27, 15, 30, tzinfo=UTC),
            8,
            "Europe/Berlin",
            datetime(2026, 3, 30, 14, 30, tzinfo=UTC),
        ),
    ],
)
def test_business_hours_skip_nights_and_weekends_in_the_partners_timezone(
    start, hours, zone, deadline
):
    assert add_business_hours(start, hours, zone) == deadline
    # And back: the business time from the claim to its deadline is the whole SLA.
    assert business_time_between(start, deadline, zone) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("now", "left", "urgency", "running"),
    [
        (datetime(2026, 11, 20, 15, 30, tzinfo=UTC), "8 business hours left", "soon", True),
        (datetime(2026, 11, 20, 8, tzinfo=UTC), "15 business hours left", "ok", True),
        (datetime(2026, 11, 21, 12, tzinfo=UTC), "7 business hours left", "soon", False),
        (datetime(2026, 11, 23, 14, 15, tzinfo=UTC), "1 business hour left", "urgent", True),
        (datetime(2026, 11, 23, 15, 20, tzinfo=UTC), "10 business minutes left", "urgent", True),
        (datetime(2026, 11, 23, 15, 30, tzinfo=UTC), "time is up", "overdue", True),
    ],
)
def test_a_deadline_says_the_business_time_left_on_the_partners_clock(now, left, urgency, running):
    """Due Monday 16:30 in Berlin; over the weekend the clock stops (7.5 hours on Monday)."""
    due = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
    deadline = Deadline(
        due, "Europe/Berlin", business_time_between(now, due, "Europe/Berlin"), running
    )
    assert deadline.describe_left() == left
    assert deadline.urgency == urgency
    assert in_business_hours(now, "Europe/Berlin") is running
    assert deadline.local.strftime("%a %H:%M %Z") == "Mon 16:30 CET"


@pytest.fixture
def pool(db):
    """A vendor sharing every lead at claim level with a platinum partner in Berlin (8 business
    hours to accept), a gold partner in New York (16) and a silver one (24)."""
    vendor = create_org(db, OrgKind.vendor, "Acme")
    owner = create_user(db, vendor, Role.manager)
    berlin, new_york, silver = create_org(db), create_org(db), create_org(db)
    create_partnership(db, vendor, berlin, tier=Tier.platinum)
    create_partnership(db, vendor, new_york, tier=Tier.gold).timezone = "America/New_York"
    create_partnership(db, vendor, silver, tier=Tier.silver)
    create_rule(db, owner, Grantee(GranteeKind.all_partners), AccessLevel.claim)
    return {
        "owner": owner,
        "berlin": create_user(db, berlin),
        "new_york": create_user(db, new_york),
        "silver": create_user(db, silver),
    }


def inbox_ids(db, user) -> set[int]:
    return {lead.id for lead in db.scalars(lead_inbox(user))}


def returns(db, lead) -> list[AuditEntry]:
    return list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "lead.returned", AuditEntry.target_id == str(lead.id))
            .order_by(AuditEntry.id)
        )
    )


def assert_excluded(db, user, lead) -> None:
    """The organization cannot see the lead, find it in its inbox, or claim it."""
    assert lead.id not in inbox_ids(db, user)
    with pytest.raises(NotFound):
        get_lead(db, user, lead.id)
    with pytest.raises(NotFound):
        claim_lead(base_context(db, user), lead.id)


def test_a_claim_not_accepted_in_time_goes_back_to_the_pool_without_the_claimant(db, pool, clock):
    owner, berlin, silver = pool["owner"], pool["berlin"], pool["silver"]
    lead = create_lead(db, owner)
    clock.set(BERLIN_FRIDAY_1630)
    claim_lead(context(db, berlin, clock=clock), lead.id)
    assert lead.claim_expires_at == BERLIN_MONDAY_1630
    assert lead.id not in inbox_ids(db, silver)

    clock.set(BERLIN_MONDAY_1630)  # the last minute of the lease still counts
    assert expire_claims(context(db, clock=clock)) == 0
    assert lead.status == LeadStatus.claimed

    clock.set(BERLIN_MONDAY_1630 + MINUTE)
    assert expire_claims(context(db, clock=clock)) == 1
    db.expire_all()
    assert (lead.status, lead.claimed_by_org_id, lead.claim_expires_at) == (
        LeadStatus.available,
        None,
        None,
    )
    assert lead.id in inbox_ids(db, silver)
    assert lead.id in inbox_ids(db, pool["new_york"])
    assert_excluded(db, berlin, lead)
    # The explainer tells the truth: Berlin is no longer among those who can reach it.
    reached = {reason.organization_id for reason in explain(db, owner, lead)}
    assert berlin.organization_id not in reached and silver.organization_id in reached

    (entry,) = returns(db, lead)
    assert entry.after["reason"] == "claim_expired"
    assert entry.after["excluded_org_id"] == berlin.organization_id
    assert entry.subject_org_id == berlin.organization_id and entry.actor_user_id is None
    assert "before its deadline" in entry.summary
    assert expire_claims(context(db, clock=clock)) == 0  # nothing left to expire

    # Another partner claims it and gets a lease of its own.
    claim_lead(context(db, silver, clock=clock), lead.id)
    assert lead.claim_expires_at == add_business_hours(clock(), 24, "Europe/Berlin")


def test_a_new_york_partner_counts_new_york_business_hours(db, pool, clock):
    lead = create_lead(db, pool["owner"])
    clock.set(datetime(2026, 11, 20, 12, tzinfo=UTC))  # Friday 07:00 in New York
    claim_lead(context(db, pool["new_york"], clock=clock), lead.id)
    # Gold: 16 business hours, Friday 09:00–17:00 and Monday 09:00–17:00 New York time.
    deadline = datetime(2026, 11, 23, 22, tzinfo=UTC)
    assert lead.claim_expires_at == deadline
    clock.set(deadline)
    assert expire_claims(context(db, clock=clock)) == 0
    clock.set(deadline + MINUTE)
    assert expire_claims(context(db, clock=clock)) == 1
    assert_excluded(db, pool["new_york"], lead)


def test_the_owners_sla_table_sets_the_lease(db, pool, clock):
    lead_settings(db, pool["owner"].organization, sla_hours={"silver": 2})
    lead = create_lead(db, pool["owner"])
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))  # Monday 09:00 Berlin
    claim_lead(context(db, pool["silver"], clock=clock), lead.id)
    assert lead.claim_expires_at == datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_declining_sends_the_lead_back_at_once_with_the_reason(db, pool, clock):
    owner, berlin = pool["owner"], pool["berlin"]
    lead = create_lead(db, owner)
    clock.set(BERLIN_FRIDAY_1630)
    claim_lead(context(db, berlin, clock=clock), lead.id)
    with pytest.raises(ServiceError, match="Say why"):
        decline_lead(context(db, berlin, clock=clock), lead.id, "  ")
    with pytest.raises(NotFound):  # only the claimant may decline
        decline_lead(context(db, pool["silver"], clock=clock), lead.id, "not ours")

    decline_lead(context(db, berlin, clock=clock), lead.id, "Outside our territory")
    assert lead.status == LeadStatus.available
    assert lead.id in inbox_ids(db, pool["silver"])
    assert_excluded(db, berlin, lead)
    (entry,) = returns(db, lead)
    assert entry.after["reason"] == "declined"
    assert entry.after["detail"] == "Outside our territory"
    assert entry.actor_org_id == berlin.organization_id


def test_accepting_needs_a_first_activity_and_ends_the_lease(db, pool, clock):
    berlin = pool["berlin"]
    lead = create_lead(db, pool["owner"])
    clock.set(BERLIN_FRIDAY_1630)
    claim_lead(context(db, berlin, clock=clock), lead.id)
    with pytest.raises(ServiceError, match="Describe the contact"):
        accept_lead(context(db, berlin, clock=clock), lead.id, ActivityKind.call, "")
    with pytest.raises(ServiceError, match="Accept the lead first"):
        log_activity(context(db, berlin, clock=clock), lead.id, ActivityKind.note, "hello")
    assert lead.status == LeadStatus.claimed

    clock.set(BERLIN_FRIDAY_1630 + timedelta(minutes=20))
    accept_lead(context(db, berlin, clock=clock), lead.id, ActivityKind.call, "Spoke to the CTO")
    assert (lead.status, lead.claim_expires_at) == (LeadStatus.accepted, None)
    assert lead.accepted_at == clock()
    clock.set(BERLIN_MONDAY_1630 + timedelta(days=7))
    assert expire_claims(context(db, clock=clock)) == 0
    assert lead.status == LeadStatus.accepted and returns(db, lead) == []

    log_activity(context(db, berlin, clock=clock), lead.id, ActivityKind.email, "Sent a quote")
    assert lead.status == LeadStatus.working
    advance_lead(context(db, berlin, clock=clock), lead.id, LeadStatus.qualified)
    with pytest.raises(ServiceError, match="cannot become"):
        advance_lead(context(db, berlin, clock=clock), lead.id, LeadStatus.accepted)
    timeline = db.scalars(
        select(LeadActivity).where(LeadActivity.lead_id == lead.id).order_by(LeadActivity.at)
    ).all()
    assert [(a.kind, a.body) for a in timeline] == [
        (ActivityKind.call, "Spoke to the CTO"),
        (ActivityKind.email, "Sent a quote"),
    ]


def test_a_lapsed_lease_cannot_be_accepted_even_before_the_job_runs(db, pool, clock):
    lead = create_lead(db, pool["owner"])
    clock.set(BERLIN_FRIDAY_1630)
    claim_lead(context(db, pool["berlin"], clock=clock), lead.id)
    clock.set(BERLIN_MONDAY_1630 + MINUTE)
    with pytest.raises(ServiceError, match="expired"):
        accept_lead(context(db, pool["berlin"], clock=clock), lead.id, ActivityKind.note, "late")


def test_the_cap_on_open_claims_refuses_the_next_claim(db, pool, clock):
    owner, silver = pool["owner"], pool["silver"]
    leads = [create_lead(db, owner) for _ in range(7)]
    clock.set(BERLIN_FRIDAY_1630)
    # Until the owner saves settings, claims are not capped.
    for lead in leads[:6]:
        claim_lead(context(db, silver, clock=clock), lead.id)
    for lead in leads[:6]:
        decline_lead(context(db, silver, clock=clock), lead.id, "testing")
    fresh = [create_lead(db, owner) for _ in range(7)]
    lead_settings(db, owner.organization)  # silver: at most 5 open claims
    for lead in fresh[:5]:
        claim_lead(context(db, silver, clock=clock), lead.id)
    with pytest.raises(ServiceError, match=r"already holds 5 open claims.*\(5\)"):
        claim_lead(context(db, silver, clock=clock), fresh[5].id)
    assert db.get(Lead, fresh[5].id).status == LeadStatus.available
    # Accepting one frees a place.
    accept_lead(context(db, silver, clock=clock), fresh[0].id, ActivityKind.note, "Qualified")
    claim_lead(context(db, silver, clock=clock), fresh[5].id)
    # Other partners have their own count.
    claim_lead(context(db, pool["berlin"], clock=clock), fresh[6].id)


def test_concord_leads_expire_sends_back_lapsed_claims(app, db, pool, clock):
    lead = create_lead(db, pool["owner"])
    clock.set(BERLIN_FRIDAY_1630)
    claim_lead(context(db, pool["berlin"], clock=clock), lead.id)
    clock.set(BERLIN_MONDAY_1630 + MINUTE)
    result = app.test_cli_runner().invoke(concord, ["leads", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 claim(s) expired." in result.output
    db.expire_all()
    assert db.get(Lead, lead.id).status == LeadStatus.available
    assert returns(db, lead)[0].after["reason"] == "claim_expired"


# The lead page ------------------------------------------------------------------------------


def test_accept_decline_and_log_activity_on_the_lead_page(client, db, pool, clock):
    owner, berlin = pool["owner"], pool["berlin"]
    first, second = create_lead(db, owner), create_lead(db, owner)
    clock.set(BERLIN_FRIDAY_1630)
    client.login(berlin.email)
    for lead in (first, second):
        assert client.post(f"/leads/{lead.id}/claim").status_code == 302
    page = client.get(f"/leads/{first.id}").get_data(as_text=True)
    assert "Accept lead" in page and "Decline lead" in page
    # Monday 16:30 on the partner's Berlin clock: the 8 business hours, all of them left.
    assert "Mon 23 Nov 2026, 16:30 CET" in page and "8 business hours left" in page
    assert 'class="deadline deadline-soon"' in page

    refused = client.post(f"/leads/{first.id}/accept", {"kind": "call", "body": ""})
    assert refused.status_code == 422
    assert "first contact" in refused.get_data(as_text=True).lower()
    accepted = client.post(f"/leads/{first.id}/accept", {"kind": "call", "body": "Called Ana"})
    assert accepted.status_code == 302
    logged = client.post(f"/leads/{first.id}/activity", {"kind": "email", "body": "Sent deck"})
    assert logged.status_code == 302
    page = client.get(f"/leads/{first.id}").get_data(as_text=True)
    assert "Called Ana" in page and "Sent deck" in page
    db.expire_all()
    assert db.get(Lead, first.id).status == LeadStatus.working

    assert client.post(f"/leads/{second.id}/decline", {"reason": ""}).status_code == 422
    declined = client.post(f"/leads/{second.id}/decline", {"reason": "No capacity"})
    assert declined.status_code == 302 and declined.location.endswith("/leads/mine")
    landed = client.get(declined.location).get_data(as_text=True)
    assert "went back to its owner and will not be offered to you again" in landed
    assert client.get(f"/leads/{second.id}").status_code == 404
    db.expire_all()
    assert db.get(Lead, second.id).status == LeadStatus.available

    client.logout()
    client.login(pool["silver"].email)  # not the claimant
    assert (
        client.post(f"/leads/{first.id}/activity", {"kind": "note", "body": "x"}).status_code == 404
    )

    client.logout()
    client.login(owner.email)  # the owner sees the timeline and who the lead left
    page = client.get(f"/leads/{first.id}").get_data(as_text=True)
    assert "Called Ana" in page and "Sent deck" in page
    page = client.get(f"/leads/{second.id}").get_data(as_text=True)
    assert "No longer offered to" in page and "No capacity" in page


def test_owner_saves_settings_and_assigns_from_the_manage_list(client, db, pool, clock):
    owner = pool["owner"]
    vendor = owner.organization
    clock.set(BERLIN_FRIDAY_1630)
    client.login(owner.email)
    page = client.get("/leads/settings").get_data(as_text=True)
    assert 'value="48"' in page and 'value="20"' in page  # the defaults
    partnerships = {p.child_id: p for p in db.query(Partnership).filter_by(parent_id=vendor.id)}
    form = {"min_tier": "registered"}
    for tier, hours, cap in (("registered", 48, 3), ("silver", 24, 5), ("gold", 16, 10)):
        form |= {f"sla_{tier}": str(hours), f"max_{tier}": str(cap)}
    form |= {"sla_platinum": "8", "max_platinum": "20"}
    weights = {pool["berlin"]: 2, pool["new_york"]: 1, pool["silver"]: 0}
    for user, weight in weights.items():
        pid = partnerships[user.organization_id].id
        form |= {f"weight_{pid}": str(weight), f"industries_{pid}": "", f"product_lines_{pid}": ""}
    assert client.post("/leads/settings", {**form, "sla_gold": "-1"}).status_code == 422
    assert client.post("/leads/settings", form).status_code == 302

    leads = [create_lead(db, owner, publish=False) for _ in range(4)]
    page = client.get("/leads/manage").get_data(as_text=True)
    assert "Assign all new leads" in page and "Lead settings" in page
    picked = client.post("/leads/assign", {"lead_ids": [str(leads[0].id)]})
    assert picked.status_code == 302
    every = client.post("/leads/assign", {"all_new": "y"})
    assert every.status_code == 302
    assert "3 lead(s) assigned to partners." in client.get(every.headers["Location"]).get_data(
        as_text=True
    )
    db.expire_all()
    holders = [db.get(Lead, lead.id).claimed_by_org_id for lead in leads]
    berlin, new_york = pool["berlin"].organization_id, pool["new_york"].organization_id
    assert holders == [berlin, new_york, berlin, berlin]
