"""Cases through HTTP: opening one from either side, the status flow, notes that a partner reads
only when they are shared (page, counts, search), team-internal notes, sharing, attached
documents, and 404s for everyone else."""

import io
import os
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from documents.models import Document
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from partners.sharing import rules as sharing_rules
from partners.sharing.criteria import Criteria
from partners.sharing.models import GranteeKind, RecordType
from partners.sharing.rules import Grantee, RuleSpec
from portal.cases.models import Case, CasePriority, CaseStatus
from portal.deals.service import DealDetails, create_deal, register_deal

from factories import context, create_org, create_partnership, create_team, create_user

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CASE_LINK = re.compile(r'href="/cases/(\d+)"')
PDF = b"%PDF-1.7\n" + os.urandom(2000)


@pytest.fixture
def world(db, clock):
    clock.set(NOW)
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    partner = create_org(db, OrgKind.partner, "Bluebird Solutions")
    create_partnership(db, vendor, partner, tier=Tier.gold)
    support = create_user(db, vendor, Role.member, "support@acme.example")
    other_support = create_user(db, vendor, Role.member, "desk@acme.example")
    return {
        "vendor": vendor,
        "partner": partner,
        "manager": create_user(db, vendor, Role.manager, "channel@acme.example"),
        "support": support,
        "other_support": other_support,
        "team": create_team(db, vendor, (support,)),
        "bea": create_user(db, partner, Role.member, "bea@bluebird.example"),
        "stranger": create_user(db, create_org(db, OrgKind.partner, "Cobalt"), Role.admin),
    }


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def opened(client, db, url: str, counterpart, subject: str = "Router reboots", **fields) -> Case:
    form = {"counterpart": str(counterpart.id), "subject": subject, "priority": "high", **fields}
    response = client.post(url, form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.get(Case, int(response.headers["Location"].rsplit("/", 1)[1]))


def note(client, case: Case, body: str, audience: str) -> None:
    response = client.post(f"/cases/{case.id}/notes", {"body": body, "audience": audience})
    assert response.status_code == 302, response.get_data(as_text=True)


def move(client, case: Case, status: CaseStatus):
    return client.post(f"/cases/{case.id}/status", {"status": status.value})


def listed(client, url: str = "/cases/") -> list[int]:
    return [int(i) for i in CASE_LINK.findall(page(client, url))]


def test_a_vendor_opens_a_case_for_its_partner(client, other_client, db, world):
    client.login(world["support"].email)
    form = page(client, "/cases/new")
    assert "Bluebird Solutions" in form and "Cobalt" not in form
    assert '<label for="subject">Subject</label>' in form and 'name="csrf_token"' in form
    case = opened(client, db, "/cases/new", world["partner"], description="Since Tuesday.")
    assert (case.owner_org_id, case.partner_org_id, case.number) == (
        world["vendor"].id,
        world["partner"].id,
        1,
    )
    assert (case.status, case.priority) == (CaseStatus.open, CasePriority.high)
    html = page(client, f"/cases/{case.id}")
    assert "Case 1 is open." in html and "Since Tuesday." in html

    other_client.login(world["bea"].email)
    assert listed(other_client) == [case.id]
    partner_view = page(other_client, f"/cases/{case.id}")
    assert "Case 1: Router reboots" in partner_view and "Acme Networks" in partner_view
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "case.opened")).one()
    assert entry.subject_org_id == world["partner"].id


def test_a_partner_opens_a_case_with_its_vendor(client, other_client, db, world):
    client.login(world["bea"].email)
    form = page(client, "/cases/open")
    assert '<label for="counterpart">Vendor</label>' in form and "Acme Networks" in form
    first = opened(client, db, "/cases/open", world["vendor"])
    second = opened(client, db, "/cases/open", world["vendor"], "Licence key missing")
    assert (first.owner_org_id, first.partner_org_id) == (world["vendor"].id, world["partner"].id)
    assert (first.number, second.number) == (1, 2)
    # Only a vendor it is an active partner of: anything else is refused with the reason.
    stranger_vendor = create_org(db, OrgKind.vendor, "Nobody's Vendor")
    refused = client.post(
        "/cases/open",
        {"counterpart": str(stranger_vendor.id), "subject": "Hi", "priority": "low"},
    )
    assert refused.status_code == 422

    other_client.login(world["support"].email)
    assert listed(other_client) == [second.id, first.id]
    assert "Bluebird Solutions" in page(other_client, "/cases/")
    # A partner organization has no vendor-side form; a vendor none to open cases with vendors.
    assert client.get("/cases/new").status_code == 404
    assert other_client.get("/cases/open").status_code == 404


def test_a_case_names_only_a_deal_of_its_vendor_that_the_opener_sees(client, db, world):
    other_vendor_user = create_user(db, create_org(db, OrgKind.vendor), Role.member)
    theirs = create_deal(context(db, other_vendor_user), DealDetails(customer="Wayne"))
    ours = create_deal(context(db, world["manager"]), DealDetails(customer="Stark"))
    client.login(world["support"].email)
    for deal_id in (theirs.id, 999999):
        response = client.post(
            "/cases/new",
            {
                "counterpart": str(world["partner"].id),
                "subject": "Quote",
                "priority": "normal",
                "deal_id": str(deal_id),
            },
        )
        assert response.status_code == 422
        assert "Not a valid choice." in response.get_data(True)  # the same for both
    # The pick-list offers the deals the user sees, by customer and name, never another's.
    form = page(client, "/cases/new")
    assert f'<option value="{ours.id}">Stark</option>' in form
    assert "Wayne" not in form
    case = opened(client, db, "/cases/new", world["partner"], deal_id=str(ours.id))
    assert f'href="/deals/{ours.id}"' in page(client, f"/cases/{case.id}")


def test_open_a_case_from_a_deal_page_picks_the_deal_and_the_other_party(
    client, other_client, db, world
):
    ours = create_deal(context(db, world["manager"]), DealDetails(customer="Stark"))
    registered = register_deal(
        context(db, world["bea"]), world["vendor"].id, DealDetails(customer="Wayne")
    )
    client.login(world["support"].email)
    assert f'href="/cases/new?deal={ours.id}">Open a case</a>' in page(client, f"/deals/{ours.id}")
    form = page(client, f"/cases/new?deal={registered.id}")
    assert f'<option selected value="{registered.id}">Wayne</option>' in form
    assert f'<option selected value="{world["partner"].id}">Bluebird Solutions</option>' in form
    other_client.login(world["bea"].email)
    deal_page = page(other_client, f"/deals/{registered.id}")
    assert f'href="/cases/open?deal={registered.id}">Open a case</a>' in deal_page
    form = page(other_client, f"/cases/open?deal={registered.id}")
    assert f'<option selected value="{world["vendor"].id}">Acme Networks</option>' in form
    # A deal the partner does not see is not offered, even when named in the address.
    assert "Stark" not in page(other_client, f"/cases/open?deal={ours.id}")
    assert other_client.get("/cases/open?deal=99999999999999999999").status_code == 400


def test_the_status_flow_is_audited(client, other_client, db, world):
    client.login(world["support"].email)
    case = opened(client, db, "/cases/new", world["partner"])
    html = page(client, f"/cases/{case.id}")
    for label in ("Start work", "Wait on the partner", "Mark resolved", "Close"):
        assert f">{label}</button>" in html
    assert ">Reopen</button>" not in html

    assert move(client, case, CaseStatus.in_progress).status_code == 302
    assert move(client, case, CaseStatus.waiting_on_partner).status_code == 302
    # The partner's shared answer puts the case back in progress.
    other_client.login(world["bea"].email)
    # Only the vendor puts the case in the partner's court.
    assert ">Wait on the partner</button>" not in page(other_client, f"/cases/{case.id}")
    note(other_client, case, "Logs attached.", "shared")
    assert move(other_client, case, CaseStatus.waiting_on_partner).status_code == 422
    db.refresh(case)
    assert case.status == CaseStatus.in_progress
    assert move(other_client, case, CaseStatus.resolved).status_code == 302
    db.refresh(case)
    assert case.resolved_at == NOW
    assert move(client, case, CaseStatus.closed).status_code == 302
    refused = move(client, case, CaseStatus.in_progress)
    assert refused.status_code == 422
    assert "A case that is closed cannot move to that." in refused.get_data(as_text=True)
    closed = page(client, f"/cases/{case.id}")
    assert "The case is closed: reopen it to add a note." in closed
    assert (
        client.post(f"/cases/{case.id}/notes", {"body": "x", "audience": "shared"}).status_code
        == 422
    )
    assert move(client, case, CaseStatus.open).status_code == 302  # reopen
    db.refresh(case)
    assert (case.status, case.resolved_at, case.closed_at) == (CaseStatus.open, None, None)

    entries = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "case.status_changed", AuditEntry.target_id == str(case.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.before["status"], e.after["status"]) for e in entries] == [
        ("open", "in_progress"),
        ("in_progress", "waiting_on_partner"),
        ("waiting_on_partner", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
        ("closed", "open"),
    ]


def test_a_partner_reads_shared_notes_and_never_the_vendors_internal_ones(
    client, other_client, db, world
):
    client.login(world["support"].email)
    case = opened(client, db, "/cases/new", world["partner"])
    note(client, case, "Known bug; margin on the fix is thin.", "internal")
    note(client, case, "We are looking into it.", "shared")
    other_client.login(world["bea"].email)
    note(other_client, case, "Thanks, waiting.", "shared")
    note(other_client, case, "Vendor is slow again.", "internal")

    partner_view = page(other_client, f"/cases/{case.id}")
    assert "We are looking into it." in partner_view and "Thanks, waiting." in partner_view
    assert "Vendor is slow again." in partner_view  # its own internal note
    assert "margin" not in partner_view
    assert "3 notes</p>" in partner_view
    assert "3 notes</td>" in page(other_client, "/cases/")
    assert listed(other_client, "/cases/?q=margin") == []
    assert listed(other_client, "/cases/?q=looking") == [case.id]

    vendor_view = page(client, f"/cases/{case.id}")
    assert "margin on the fix" in vendor_view and "Vendor is slow again." not in vendor_view
    assert "3 notes</p>" in vendor_view
    assert listed(client, "/cases/?q=margin") == [case.id]
    assert listed(client, "/cases/?q=slow") == []
    # The internal note's audit entry names no other organization, so it is not in the
    # partner's trail.
    internal = db.scalars(
        select(AuditEntry).where(AuditEntry.summary == f"Internal note on case {case.number}")
    ).all()
    assert [entry.subject_org_id for entry in internal] == [None, None]


def test_a_team_internal_note_is_read_by_that_team_only(client, other_client, db, world):
    client.login(world["support"].email)
    case = opened(client, db, "/cases/new", world["partner"])
    team = world["team"]
    form = page(client, f"/cases/{case.id}")
    assert f'value="internal:{team.id}"' in form
    note(client, case, "Escalated to tier 3.", f"internal:{team.id}")

    assert f"Internal: team {team.name}" in page(client, f"/cases/{case.id}")
    other_client.login(world["other_support"].email)
    colleague_view = page(other_client, f"/cases/{case.id}")
    assert "Escalated" not in colleague_view and "0 notes</p>" in colleague_view
    assert f'value="internal:{team.id}"' not in colleague_view
    refused = other_client.post(
        f"/cases/{case.id}/notes", {"body": "Me too", "audience": f"internal:{team.id}"}
    )
    assert refused.status_code == 422
    other_client.logout()
    other_client.login(world["bea"].email)
    assert "Escalated" not in page(other_client, f"/cases/{case.id}")
    # Managers reach every team of their organization, as team grants reach them.
    other_client.logout()
    other_client.login(world["manager"].email)
    assert "Escalated to tier 3." in page(other_client, f"/cases/{case.id}")


def test_another_organization_gets_404_for_the_case_its_notes_and_documents(
    client, other_client, db, world
):
    client.login(world["bea"].email)
    case = opened(client, db, "/cases/open", world["vendor"])
    note(client, case, "Serial number 42.", "shared")
    upload = client.post(
        "/documents/upload",
        {"file": (io.BytesIO(PDF), "crash-log.pdf"), "attach": f"case:{case.id}"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    document = db.scalars(select(Document)).one()
    assert (document.attached_type.value, document.attached_id) == ("case", case.id)
    assert "crash-log" in page(client, f"/cases/{case.id}")

    # The vendor sees the partner's document through the case.
    other_client.login(world["support"].email)
    assert "crash-log" in page(other_client, f"/cases/{case.id}")
    assert other_client.get(f"/documents/{document.id}").status_code == 200
    other_client.logout()

    other_client.login(world["stranger"].email)
    assert other_client.get(f"/cases/{case.id}").status_code == 404
    for action, form in (
        ("notes", {"body": "hello", "audience": "shared"}),
        ("status", {"status": "closed"}),
    ):
        response = other_client.post(f"/cases/{case.id}/{action}", form)
        assert response.status_code == 404, action
    assert other_client.get(f"/documents/{document.id}").status_code == 404
    assert other_client.get(f"/documents/{document.id}/versions/1/download").status_code == 404
    assert listed(other_client) == [] and "No cases" in page(other_client, "/cases/")
    assert listed(other_client, "/cases/?q=Serial") == []
    # Another vendor's people cannot triage it either.
    intruder = create_user(db, create_org(db, OrgKind.vendor), Role.admin)
    other_client.logout()
    other_client.login(intruder.email)
    assert other_client.post(f"/cases/{case.id}/triage", {"priority": "low"}).status_code == 404


def test_the_vendor_shares_a_case_and_triages_it(client, other_client, db, world):
    distributor = create_org(db, OrgKind.distributor, "Delta Distribution")
    create_partnership(db, world["vendor"], distributor, tier=Tier.platinum)
    delta = create_user(db, distributor, Role.member)
    client.login(world["manager"].email)
    case = opened(client, db, "/cases/new", world["partner"])
    note(client, case, "Internal only.", "internal")
    note(client, case, "Please send logs.", "shared")
    shared = client.post(
        f"/sharing/case/{case.id}/share", {"target": f"org:{distributor.id}", "level": "1"}
    )
    assert shared.status_code == 302
    owner_view = page(client, f"/cases/{case.id}")
    assert "Shared explicitly" in owner_view and "Why can they see this?" in owner_view
    assert f'value="team:{world["team"].id}"' in owner_view  # or with one of its own teams
    assert "partner on the case: Bluebird Solutions" in owner_view

    triaged = client.post(
        f"/cases/{case.id}/triage",
        {
            "priority": "urgent",
            "assigned_user": str(world["support"].id),
            "assigned_team": str(world["team"].id),
        },
    )
    assert triaged.status_code == 302
    db.refresh(case)
    assert (case.priority, case.assigned_user_id, case.assigned_team_id) == (
        CasePriority.urgent,
        world["support"].id,
        world["team"].id,
    )

    other_client.login(delta.email)
    seen = page(other_client, f"/cases/{case.id}")
    assert "Please send logs." in seen and "Internal only." not in seen
    assert "Bluebird Solutions" not in seen  # only the two parties learn who is on the case
    assert "This case is shared with you to read." in seen
    assert move(other_client, case, CaseStatus.closed).status_code == 404  # view only
    assert other_client.post(f"/cases/{case.id}/triage", {"priority": "low"}).status_code == 404


def test_the_list_filters_pages_and_says_when_it_is_empty(client, db, world):
    client.login(world["support"].email)
    empty = page(client, "/cases/")
    assert "No cases yet." in empty and "0 cases</p>" in empty
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!"
    cases = [opened(client, db, "/cases/new", world["partner"], f"Fault {c}") for c in letters]
    move(client, cases[0], CaseStatus.in_progress)
    client.post(
        f"/cases/{cases[1].id}/triage",
        {"priority": "urgent", "assigned_user": "0", "assigned_team": "0"},
    )
    assert len(listed(client)) == 25 and "27 cases</p>" in page(client, "/cases/")
    assert len(listed(client, "/cases/?page=2")) == 2
    assert listed(client, "/cases/?status=in_progress") == [cases[0].id]
    assert listed(client, "/cases/?priority=urgent") == [cases[1].id]
    assert listed(client, "/cases/?sort=priority")[0] == cases[1].id
    assert listed(client, "/cases/?q=2") == [cases[1].id]  # its number
    nothing = page(client, "/cases/?status=closed")
    assert "No cases match these filters." in nothing


def test_viewers_read_cases_but_do_not_change_them(client, db, world):
    viewer = create_user(db, world["partner"], Role.viewer)
    client.login(world["bea"].email)
    case = opened(client, db, "/cases/open", world["vendor"])
    client.logout()
    client.login(viewer.email)
    html = page(client, f"/cases/{case.id}")
    assert "Viewers can read cases; members work on them." in html
    assert 'action="/cases/' not in html
    assert move(client, case, CaseStatus.closed).status_code == 403


def test_a_sharing_rule_for_cases_reaches_every_case_of_the_vendor(client, other_client, db, world):
    gold = create_org(db, OrgKind.partner, "Gold Partner")
    create_partnership(db, world["vendor"], gold, tier=Tier.gold)
    create_partnership(db, world["vendor"], create_org(db, OrgKind.partner), tier=Tier.silver)
    client.login(world["bea"].email)
    case = opened(client, db, "/cases/open", world["vendor"])
    spec = RuleSpec(
        "Gold partners follow cases",
        Criteria(),
        Grantee(GranteeKind.tier, tier=Tier.gold),
        AccessLevel.view,
        RecordType.case,
    )
    sharing_rules.create_rule(context(db, world["manager"]), spec)
    other_client.login(world["manager"].email)
    assert "every case" in page(other_client, "/leads/rules")
    assert "Gold partners follow cases" in page(other_client, f"/cases/{case.id}")
    other_client.logout()
    other_client.login(create_user(db, gold, Role.member).email)
    assert listed(other_client) == [case.id]
    later = opened(client, db, "/cases/open", world["vendor"], "Second")
    assert listed(other_client) == [later.id, case.id]


def test_members_who_see_only_their_own_records_see_the_cases_they_opened(
    client, other_client, db, world
):
    partner = world["partner"]
    partner.members_see_all_records = False
    colleague = create_user(db, partner, Role.member, "cal@bluebird.example")
    boss = create_user(db, partner, Role.manager, "boss@bluebird.example")
    db.flush()
    client.login(world["bea"].email)
    case = opened(client, db, "/cases/open", world["vendor"])
    assert listed(client) == [case.id]
    page(client, f"/cases/{case.id}")

    other_client.login(colleague.email)
    assert listed(other_client) == []
    assert other_client.get(f"/cases/{case.id}").status_code == 404
    other_client.logout()
    other_client.login(boss.email)
    assert listed(other_client) == [case.id]
