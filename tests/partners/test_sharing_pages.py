"""Sharing in the portal: explicit shares on a record's page, the "my leads / my company's leads"
setting, and "view as" a partner — which never shows another owner's records."""

import pytest
from sqlalchemy import select

from partners.models import AuditEntry, Partnership
from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import ExplicitShare, GranteeKind, ShareStatus
from partners.sharing.rules import Grantee
from portal.deals.service import DealDetails, create_deal

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
)


@pytest.fixture
def world(db):
    vendor = create_org(db, OrgKind.vendor, "Vendor One")
    rival = create_org(db, OrgKind.vendor, "Vendor Two")
    partner = create_org(db, name="Shared Partner")
    for owner in (vendor, rival):
        create_partnership(db, owner, partner, tier=Tier.gold)
    admin = create_user(db, vendor, Role.admin)
    rival_admin = create_user(db, rival, Role.admin)
    create_rule(db, rival_admin, Grantee(GranteeKind.all_partners))
    return {
        "vendor": vendor,
        "partner": partner,
        "admin": admin,
        "rival_admin": rival_admin,
        "partner_user": create_user(db, partner, Role.member),
        "partner_admin": create_user(db, partner, Role.admin),
        "private": create_lead(db, admin, company="Private Prospect"),
        "rival_lead": create_lead(db, rival_admin, company="Rival Prospect"),
    }


def test_share_a_lead_with_a_partner_until_a_date_then_revoke_it(client, other_client, db, world):
    lead = world["private"]
    other_client.login(world["partner_user"].email)
    assert other_client.get(f"/leads/{lead.id}").status_code == 404

    client.login(world["admin"].email)
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Shared explicitly" in page and "Only your sharing rules reach this record" in page
    shared = client.post(
        f"/sharing/lead/{lead.id}/share",
        {
            "target": f"org:{world['partner'].id}",
            "level": "1",
            "expires_on": "2099-12-31",
            "reason": "Joint <pitch>",
        },
    )
    assert shared.status_code == 302 and shared.location.endswith(f"/leads/{lead.id}")
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Shared Partner" in page and "Joint &lt;pitch&gt;" in page
    assert other_client.get(f"/leads/{lead.id}").status_code == 200

    share = db.scalar(select(ExplicitShare).where(ExplicitShare.record_id == lead.id))
    assert client.post(f"/sharing/shares/{share.id}/revoke").status_code == 302
    db.refresh(share)
    assert share.status == ShareStatus.revoked
    assert other_client.get(f"/leads/{lead.id}").status_code == 404


def test_sharing_refuses_strangers_other_companies_and_stale_forms(client, db, world):
    lead = world["private"]
    client.login(world["admin"].email)
    stranger = create_org(db, name="Not Our Partner")
    refused = client.post(
        f"/sharing/lead/{lead.id}/share", {"target": f"org:{stranger.id}", "level": "1"}
    )
    assert refused.status_code == 302
    assert "Not a valid choice" in client.get(refused.location).get_data(as_text=True)
    assert db.scalar(select(ExplicitShare).where(ExplicitShare.record_id == lead.id)) is None
    stale = client.post(
        f"/sharing/lead/{lead.id}/share",
        {"target": f"org:{world['partner'].id}", "level": "1"},
        csrf=False,
    )
    assert stale.status_code == 400
    # Another owner's lead, and an unknown record type, are not found.
    rival = world["rival_lead"]
    assert (
        client.post(
            f"/sharing/lead/{rival.id}/share",
            {"target": f"org:{world['partner'].id}", "level": "1"},
        ).status_code
        == 404
    )
    assert client.post(f"/sharing/widget/{lead.id}/share").status_code == 404


def test_members_see_only_their_own_when_the_admin_says_so(client, other_client, db, world):
    shared = world["rival_lead"]  # reaches the partner company through the rival's rule
    other_client.login(world["partner_user"].email)
    assert f'href="/leads/{shared.id}"' in other_client.get("/leads/all").get_data(as_text=True)

    client.login(world["partner_admin"].email)
    assert client.post("/admin/visibility", {"members_see_all": "own"}).status_code == 302
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "org.record_visibility"))
    assert entry.after == {"members_see_all_records": False}
    page = other_client.get("/leads/all").get_data(as_text=True)
    assert f'href="/leads/{shared.id}"' not in page
    assert f'href="/leads/{shared.id}"' in client.get("/leads/all").get_data(as_text=True)


def test_view_as_shows_what_the_partner_sees_of_our_records_only(client, db, world):
    admin, partner = world["admin"], world["partner"]
    published = create_lead(db, admin, company="Gold Prospect", region="EMEA")
    create_rule(db, admin, Grantee(GranteeKind.tier, tier=Tier.gold), regions=("EMEA",))
    client.login(admin.email)
    partnership = db.scalar(
        select(Partnership).where(
            Partnership.parent_id == admin.organization_id, Partnership.child_id == partner.id
        )
    )
    detail = client.get(f"/partners/{partnership.id}").get_data(as_text=True)
    assert "View as Shared Partner" in detail
    page = client.get(f"/sharing/view-as/{partner.id}").get_data(as_text=True)
    assert "Viewing as <strong>Shared Partner</strong>" in page
    assert "Gold Prospect" in page
    assert "Rival Prospect" not in page  # the partner sees it, but it is not ours
    assert "Private Prospect" not in page  # ours, but not shared with them
    assert "Gold Prospect" in client.get(
        f"/sharing/view-as/{partner.id}", query_string={"show": "leads"}
    ).get_data(as_text=True)
    assert client.get(f"/sharing/view-as/{partner.id}?show=nope").status_code == 404
    stranger = create_org(db, name="Someone Else's Partner")
    create_partnership(db, world["rival_admin"].organization, stranger)
    assert client.get(f"/sharing/view-as/{stranger.id}").status_code == 404
    assert f'href="/leads/{published.id}"' in page


def test_view_as_is_for_the_owners_admins(client, world):
    client.login(world["partner_admin"].email)
    assert client.get("/sharing/view-as").status_code in (403, 404)


def test_share_a_deal_from_its_page(client, other_client, db, world):
    deal = create_deal(context(db, world["admin"]), DealDetails(customer="Initrode"))
    other_client.login(world["partner_user"].email)
    assert other_client.get(f"/deals/{deal.id}").status_code == 404
    client.login(world["admin"].email)
    assert "Shared explicitly" in client.get(f"/deals/{deal.id}").get_data(as_text=True)
    shared = client.post(
        f"/sharing/deal/{deal.id}/share", {"target": f"org:{world['partner'].id}", "level": "1"}
    )
    assert shared.location.endswith(f"/deals/{deal.id}")
    assert other_client.get(f"/deals/{deal.id}").status_code == 200
    # Claim is not a level a deal share offers.
    refused = client.post(
        f"/sharing/deal/{deal.id}/share", {"target": f"org:{world['partner'].id}", "level": "2"}
    )
    assert "Not a valid choice" in client.get(refused.location).get_data(as_text=True)
