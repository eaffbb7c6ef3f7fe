"""Case SLAs: the clock counts the vendor's business hours, skips nights and weekends, stops
while the case waits on the partner, and a case past its target shows as breached."""

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from partners.business_hours import business_time_between
from partners.models import AuditEntry
from partners.roles import OrgKind, Role
from portal.cases import service
from portal.cases.models import CasePriority, CaseStatus, NoteVisibility
from portal.cases.service import CaseDetails
from portal.cases.sla import SlaClock, sla_state

from factories import context as base_context
from factories import create_org, create_partnership, create_user

BERLIN = "Europe/Berlin"
FRIDAY_1600_BERLIN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def context(db, actor, clock):
    ctx = base_context(db, actor)
    ctx.clock = clock
    return ctx


def test_a_target_skips_the_night_and_the_weekend():
    clock = SlaClock(FRIDAY_1600_BERLIN, BERLIN)
    # One business hour on Friday, three on Monday from 09:00 Berlin.
    assert clock.due(4) == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def test_a_pause_moves_the_due_time_by_the_business_time_it_lasted():
    monday_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 Berlin
    clock = SlaClock(monday_10, BERLIN).pause(monday_10 + timedelta(hours=1))
    assert clock.due(4) is None  # stopped while waiting on the partner
    # Waiting from Monday 11:00 to Tuesday 10:00 Berlin: 7 business hours stood still.
    clock = clock.resume(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert clock.paused == timedelta(hours=7)
    assert clock.due(4) == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # Tuesday 13:00 Berlin
    assert clock.running_time(datetime(2026, 11, 24, 12, 0, tzinfo=UTC)) == timedelta(hours=4)


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(UTC)
)


@given(
    opened=moments,
    hours=st.integers(1, 60),
    pauses=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 3000)), max_size=4),
    timezone=st.sampled_from([BERLIN, "America/New_York", "UTC", "Asia/Tokyo"]),
)
def test_at_its_due_time_a_clock_has_run_exactly_its_target(opened, hours, pauses, timezone):
    """Whatever the pauses (minutes after the previous event), the running time at the due
    time is the target: the time from opening less the business time paused."""
    clock, moment = SlaClock(opened, timezone), opened
    stood = timedelta()
    for before, length in pauses:
        start = moment + timedelta(minutes=before)
        moment = start + timedelta(minutes=length)
        clock = clock.pause(start).resume(moment)
        stood += business_time_between(start, moment, timezone)
    due = clock.due(hours)
    assert clock.paused == stood
    assert business_time_between(opened, due, timezone) - stood == timedelta(hours=hours)
    assert clock.running_time(due) == timedelta(hours=hours)


def test_waiting_on_the_partner_stops_the_clock_and_a_late_reply_breaches(db, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday 10:00 Berlin
    vendor = create_org(db, OrgKind.vendor, "Acme")
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, vendor, partner)
    admin = create_user(db, vendor, Role.admin, "admin@acme.example")
    bea = create_user(db, partner, Role.member, "bea@bluebird.example")
    targets = {priority: (2, 6) for priority in CasePriority}
    service.save_sla_policy(context(db, admin, clock), BERLIN, targets)
    case = service.open_case_with_vendor(context(db, bea, clock), vendor.id, CaseDetails("Down"))
    assert case.first_response_due_at == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert case.resolution_due_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    service.add_note(context(db, admin, clock), case.id, "Logs, please", NoteVisibility.shared)
    service.change_status(context(db, admin, clock), case.id, CaseStatus.waiting_on_partner)
    assert case.first_response_due_at is None and case.resolution_due_at is None
    # The partner answers the next morning: the 6 hours of waiting did not count.
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    service.add_note(context(db, bea, clock), case.id, "Here they are", NoteVisibility.shared)
    assert case.status == CaseStatus.in_progress
    assert case.resolution_due_at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    state = sla_state(case, clock())
    assert not state.breached and not state.paused

    clock.set(datetime(2026, 11, 24, 14, 30, tzinfo=UTC))
    state = sla_state(case, clock())
    assert state.resolution_breached and not state.first_response_breached


def test_the_list_shows_breaches_and_sorts_due_first(client, db, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday 09:00 UTC
    vendor = create_org(db, OrgKind.vendor, "Acme")
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, vendor, partner)
    agent = create_user(db, vendor, Role.member, "agent@acme.example")
    ctx = context(db, agent, clock)
    low = service.open_case_for_partner(
        ctx, partner.id, CaseDetails("Slow", priority=CasePriority.low)
    )
    urgent = service.open_case_for_partner(
        ctx, partner.id, CaseDetails("Down", priority=CasePriority.urgent)
    )
    waiting = service.open_case_for_partner(ctx, partner.id, CaseDetails("Which licence?"))
    service.change_status(ctx, waiting.id, CaseStatus.waiting_on_partner)
    db.flush()
    clock.set(datetime(2026, 11, 23, 10, 30, tzinfo=UTC))  # urgent: 1 hour to reply, gone

    client.login(agent.email)
    response = client.get("/cases/?sort=due")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    order = [int(i) for i in re.findall(r'href="/cases/(\d+)"', html)]
    assert order == [urgent.id, low.id, waiting.id]
    rows = html.split("<tr")
    urgent_row = next(row for row in rows if f'/cases/{urgent.id}"' in row)
    assert 'class="breached"' in urgent_row and "SLA breached" in urgent_row
    assert "Clock paused" in next(row for row in rows if f'/cases/{waiting.id}"' in row)
    detail = client.get(f"/cases/{urgent.id}").get_data(as_text=True)
    assert "SLA breached" in detail and "within 8 business hours" in detail


def test_a_vendor_admin_sets_the_slas_on_the_settings_page(client, db, clock):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, vendor, partner)
    admin = create_user(db, vendor, Role.admin, "admin@acme.example")
    create_user(db, partner, Role.admin, "bea@bluebird.example")
    client.login(admin.email)
    assert 'value="UTC"' in client.get("/cases/settings").get_data(as_text=True)
    form = {f"{p.value}_{c}": "4" for p in CasePriority for c in ("first", "resolution")}
    refused = client.post("/cases/settings", form | {"timezone": "Mars/Olympus"})
    assert refused.status_code == 422 and "IANA name" in refused.get_data(as_text=True)
    assert service.sla_policy(db, vendor.id)[0] == "UTC"
    saved = client.post("/cases/settings", form | {"timezone": BERLIN, "urgent_first": "2"})
    assert saved.status_code == 302
    timezone, targets = service.sla_policy(db, vendor.id)
    assert timezone == BERLIN and targets[CasePriority.urgent] == (2, 4)

    client.logout()
    client.login("bea@bluebird.example")
    assert client.get("/cases/settings").status_code == 404


def test_a_case_is_escalated_once_per_step_as_its_clock_runs(db, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday 09:00 UTC
    vendor = create_org(db, OrgKind.vendor, "Acme")
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, vendor, partner)
    agent = create_user(db, vendor, Role.member, "agent@acme.example")
    case = service.open_case_for_partner(
        context(db, agent, clock), partner.id, CaseDetails("Slow", priority=CasePriority.low)
    )
    worker = base_context(db)
    worker.clock = clock

    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # 8 business hours: under 80 % of 16
    assert service.escalate_cases(worker) == 0
    clock.set(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))  # 13 h: first response nearing
    assert service.escalate_cases(worker) == 1
    assert case.priority == CasePriority.normal  # and its targets: 8 / 40, so breached next
    assert service.escalate_cases(worker) == 1
    assert case.priority == CasePriority.high
    assert service.escalate_cases(worker) == 0  # never twice for the same step
    steps = db.scalars(
        select(AuditEntry.after)
        .where(AuditEntry.action == "case.escalated")
        .order_by(AuditEntry.id)
    ).all()
    assert [(s["clock"], s["step"]) for s in steps] == [
        ("first_response", "nearing"),
        ("first_response", "breached"),
    ]
