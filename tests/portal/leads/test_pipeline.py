"""The lead page's pipeline: where the lead stands, and the moves its claimant may make."""

import re

import pytest
from sqlalchemy import select

from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads.models import ActivityKind, Lead, LeadActivity, LeadStatus
from portal.leads.service import accept_lead, claim_lead

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user

CURRENT_STEP = re.compile(r'<li class="done" aria-current="step">(\w[\w ]*)</li>')


@pytest.fixture
def accepted(db):
    """A lead the partner claimed and accepted, its owner's manager and the partner's member."""
    vendor = create_org(db, OrgKind.vendor, "Acme")
    owner = create_user(db, vendor, Role.manager)
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, vendor, partner, tier=Tier.gold)
    create_rule(db, owner, Grantee(GranteeKind.all_partners))
    member = create_user(db, partner)
    lead = create_lead(db, owner, company="Northwind")
    claim_lead(context(db, member), lead.id)
    accept_lead(context(db, member), lead.id, ActivityKind.call, "Spoke to Ana")
    return {"lead": lead, "owner": owner, "member": member}


def current_step(html: str) -> list[str]:
    return CURRENT_STEP.findall(html)


def status_of(db, lead) -> LeadStatus:
    return db.scalar(select(Lead.status).where(Lead.id == lead.id))


def progressions(db, lead) -> list[AuditEntry]:
    return list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "lead.progressed", AuditEntry.target_id == str(lead.id))
            .order_by(AuditEntry.id)
        )
    )


def test_the_claimant_moves_the_lead_along_and_each_move_is_flashed_and_audited(
    client, db, accepted
):
    lead, member = accepted["lead"], accepted["member"]
    client.login(member.email)
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert '<ol class="steps pipeline" aria-label="Lead pipeline">' in page
    assert current_step(page) == ["Accepted"]
    assert "Mark working" in page and "Mark qualified" in page and "Mark lost" in page
    assert "Mark converted" not in page  # converting comes from a deal

    for status, remaining in (("working", ["Mark qualified"]), ("qualified", [])):
        response = client.post(f"/leads/{lead.id}/progress", {"status": status})
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f"Northwind is {status} now." in page
        assert current_step(page) == [status.capitalize()]
        assert [m for m in ("Mark working", "Mark qualified") if m in page] == remaining
    assert status_of(db, lead) == LeadStatus.qualified
    first, second = progressions(db, lead)
    assert (first.before, first.after) == ({"status": "accepted"}, {"status": "working"})
    assert (second.before, second.after) == ({"status": "working"}, {"status": "qualified"})
    assert second.actor_user_id == member.id


def test_losing_a_lead_needs_a_reason_which_the_timeline_and_audit_keep(client, db, accepted):
    lead, member = accepted["lead"], accepted["member"]
    client.login(member.email)
    refused = client.post(f"/leads/{lead.id}/lost", {"reason": "  "})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Say why the lead is lost." in html and 'aria-invalid="true"' in html
    assert status_of(db, lead) == LeadStatus.accepted

    response = client.post(f"/leads/{lead.id}/lost", {"reason": "Chose a competitor"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Northwind is marked lost; the reason is on its timeline." in page
    assert current_step(page) == ["Lost"]
    assert "Lost: Chose a competitor" in page and "Mark lost" not in page
    assert status_of(db, lead) == LeadStatus.lost
    (entry,) = progressions(db, lead)
    assert entry.after == {"status": "lost", "reason": "Chose a competitor"}
    note = db.scalars(select(LeadActivity).where(LeadActivity.lead_id == lead.id)).all()[-1]
    assert (note.kind, note.body) == (ActivityKind.note, "Lost: Chose a competitor")

    client.logout()
    client.login(accepted["owner"].email)  # the owner reads why, and sees where it ended
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Lost: Chose a competitor" in page and current_step(page) == ["Lost"]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("converted", "Not a valid choice."),  # only a deal converts a lead
        ("accepted", "Not a valid choice."),
        ("", "Not a valid choice."),
    ],
)
def test_moves_the_form_does_not_offer_are_refused(client, db, accepted, status, message):
    lead = accepted["lead"]
    client.login(accepted["member"].email)
    response = client.post(f"/leads/{lead.id}/progress", {"status": status})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert status_of(db, lead) == LeadStatus.accepted and progressions(db, lead) == []


def test_a_move_the_lead_is_past_shows_the_services_reason(client, db, accepted):
    lead = accepted["lead"]
    client.login(accepted["member"].email)
    assert client.post(f"/leads/{lead.id}/progress", {"status": "qualified"}).status_code == 302
    response = client.post(f"/leads/{lead.id}/progress", {"status": "working"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "A qualified lead cannot become working." in html and 'role="alert"' in html
    assert status_of(db, lead) == LeadStatus.qualified


def test_only_the_claimants_members_move_the_lead(client, db, accepted):
    lead = accepted["lead"]
    rival = create_org(db, OrgKind.partner)
    create_partnership(db, accepted["owner"].organization, rival)
    for user, expected in (
        (create_user(db, rival), 404),  # it is claimed: not theirs to see
        (accepted["owner"], 404),  # the owner's organization is not a claimer
        (create_user(db, accepted["member"].organization, Role.viewer), 403),
    ):
        client.login(user.email)
        page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
        assert "Mark working" not in page
        assert client.post(f"/leads/{lead.id}/progress", {"status": "working"}).status_code == (
            expected
        )
        assert client.post(f"/leads/{lead.id}/lost", {"reason": "x"}).status_code == expected
        client.logout()
    assert status_of(db, lead) == LeadStatus.accepted and progressions(db, lead) == []


def test_every_viewer_sees_where_the_lead_stands(client, db, accepted):
    fresh = create_lead(db, accepted["owner"], publish=False)
    client.login(accepted["owner"].email)
    assert current_step(client.get(f"/leads/{fresh.id}").get_data(as_text=True)) == ["New"]
    page = client.get(f"/leads/{accepted['lead'].id}").get_data(as_text=True)
    assert current_step(page) == ["Accepted"]
    steps = re.search(r'aria-label="Lead pipeline">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r">(\w[\w ]*)</li>", steps) == [
        "New",
        "Available",
        "Claimed",
        "Accepted",
        "Working",
        "Qualified",
        "Converted or lost",
    ]
