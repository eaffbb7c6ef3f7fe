"""The deal pages through HTTP: registering, the conflict that never names the competitor,
the vendor's side-by-side review, approve and reject, stages, the list and its export,
converting a lead, and deal sharing rules."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from partners.api_tokens import create_token
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from partners.sharing.models import GranteeKind, RecordType, SharingRule
from partners.sharing.rules import Grantee
from partners.sharing.shares import share_record
from portal.deals import service
from portal.deals.models import Deal, DealStage, Registration
from portal.deals.service import DealDetails
from portal.deals.sharing import DEALS
from portal.leads.models import ActivityKind, LeadStatus
from portal.leads.service import accept_lead, claim_lead

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
    deal_partners,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DEAL_LINK = re.compile(r'href="/deals/(\d+)"')
HISTORY = re.compile(r'<h2 id="history-heading">History</h2>(.*?)</section>', re.S)


@pytest.fixture
def world(db, clock):
    clock.set(NOW)
    return deal_partners(db)


def registration(vendor, customer="Acme GmbH", email="buyer@acme.example", **fields) -> dict:
    form = {
        "vendor_id": str(vendor.id),
        "customer": customer,
        "contact_email": email,
        "amount": "12000",
        "products-0-product": "Widget Pro",
        "products-0-quantity": "10",
        "products-0-unit_price": "99.50",
        "products-2-product": "Support",  # a blank row between is ignored
    }
    form.update(fields)
    return form


def registered(client, db, form: dict) -> Deal:
    response = client.post("/deals/register", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    deal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.get(Deal, deal_id)


def api(client, db, user):
    """An API client for ``user``: a bearer token, and no browser cookies (they would win)."""
    http = client.app.test_client()
    http.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {create_token(context(db), user)}"
    return http


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def history(client, deal_id: int) -> str:
    """The deal page's History card, as text (the arrow and the dates unescaped)."""
    card = HISTORY.search(page(client, f"/deals/{deal_id}"))
    assert card is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card.group(1))).strip()


def move(client, deal_id: int, stage: str) -> None:
    response = client.post(f"/deals/{deal_id}/stage", {"stage": stage})
    assert response.headers.get("Location") == f"/deals/{deal_id}", response.status_code


def listed(client, url: str) -> list[int]:
    return [int(i) for i in DEAL_LINK.findall(page(client, url))]


def exported(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))]


def test_a_partner_registers_a_deal_and_the_vendor_is_told(client, db, world, mailbox):
    client.login(world["alice"].email)
    form = page(client, "/deals/register")
    assert "Vendor Corp" in form and 'name="products-4-product"' in form
    deal = registered(client, db, registration(world["vendor"]))
    assert (deal.registration, deal.partner_org_id) == (Registration.submitted, world["first"].id)
    assert [(p.product, p.quantity) for p in deal.products] == [("Widget Pro", 10), ("Support", 1)]
    html = page(client, f"/deals/{deal.id}")
    assert "is submitted; the vendor will review it" in html
    assert "Awaiting review" in html and "Widget Pro" in html and "995.00" in html
    assert mailbox.last_to("channel@vendor.example")["Subject"] == (
        "New deal registration: Acme GmbH"
    )


def test_the_second_registrant_never_learns_who_holds_the_customer(
    client, other_client, db, world, mailbox
):
    client.login(world["alice"].email)
    first = registered(client, db, registration(world["vendor"]))
    other_client.login(world["manager"].email)
    approved = other_client.post(f"/deals/{first.id}/approve", {"days": "60"})
    assert approved.status_code == 302
    assert "protected until 22 January 2027" in page(other_client, approved.headers["Location"])
    mailbox.messages.clear()

    client.logout()
    client.login(world["bob"].email)
    response = client.post(
        "/deals/register", registration(world["vendor"], "ACME gmbh.", "cto@acme.example")
    )
    second = db.get(Deal, int(response.headers["Location"].rsplit("/", 1)[1]))
    html = page(client, response.headers["Location"])
    from_api = api(client, db, world["bob"]).get(f"/api/v1/deals/{second.id}").get_data(True)
    mail = mailbox.last_to("bob@beta.example").get_content()
    for text in (html, mail, from_api):
        assert "protected until 22 January 2027" in text
    assert '<dd class="registration-status">Conflict — the vendor decides</dd>' in html
    assert ">Conflict — the vendor decides</span>" in page(client, "/deals/")
    for text in (
        html,
        mail,
        from_api,
        page(client, "/deals/"),
        client.get("/deals/export.csv").get_data(as_text=True),
    ):
        for secret in ("Alpha Resellers", "alice@alpha.example", f'/deals/{first.id}"'):
            assert secret not in text
    assert client.get(f"/deals/{first.id}").status_code == 404

    review = page(other_client, f"/deals/{second.id}")
    assert "Competing registrations" in review
    assert "Alpha Resellers" in review and "Beta Solutions" in review
    assert review.count('class="match"') == 4  # company and domain, in both columns
    assert "company, domain" in review and "Protected until 22 January 2027" in review
    assert "Conflict — the vendor decides" in review
    queue = page(other_client, "/deals/registrations")
    assert "Conflict — the vendor decides" in queue
    assert "1 conflict<" in queue and queue.index(f"/deals/{second.id}") < queue.index(
        f"/deals/{first.id}"
    )  # awaiting review first


def test_approve_and_reject_through_the_review_forms(client, other_client, db, world, mailbox):
    client.login(world["alice"].email)
    deal = registered(client, db, registration(world["vendor"]))
    other = registered(client, db, registration(world["vendor"], "Initech", "it@initech.example"))
    other_client.login(world["manager"].email)
    review = page(other_client, f"/deals/{deal.id}")
    assert 'value="90"' in review and "No other partner holds this customer" in review

    refused = other_client.post(f"/deals/{deal.id}/approve", {"days": "0"})
    assert refused.status_code == 422
    assert "between 1 and 730 days" in refused.get_data(as_text=True)
    refused = other_client.post(f"/deals/{deal.id}/reject", {"reason": "  "})
    assert refused.status_code == 422
    assert "Say why the registration is rejected" in refused.get_data(as_text=True)

    approved = other_client.post(f"/deals/{deal.id}/approve", {"days": "30"})
    assert approved.status_code == 302
    assert "protected until 23 December 2026" in page(other_client, f"/deals/{deal.id}")
    again = other_client.post(f"/deals/{deal.id}/reject", {"reason": "Too late"})
    assert again.status_code == 422 and "already been decided" in again.get_data(as_text=True)

    rejected = other_client.post(f"/deals/{other.id}/reject", {"reason": "Existing customer"})
    assert rejected.status_code == 302
    assert "the partner is told why" in page(other_client, f"/deals/{other.id}")
    assert "Protected until 23 December 2026" in page(client, f"/deals/{deal.id}")
    partner_view = page(client, f"/deals/{other.id}")
    assert "Existing customer" in partner_view and "Rejected" in partner_view
    assert "Existing customer" in mailbox.last_to("alice@alpha.example").get_content()


def test_refused_registrations_answer_422_with_messages(client, db, world):
    client.login(world["alice"].email)
    for fields, message in (
        ({"customer": ""}, "This field is required."),
        ({"products-1-quantity": "3"}, "Name the product of this line"),
        ({"products-0-quantity": "0"}, "At least 1."),
        ({"contact_email": "not an email"}, "Invalid email address."),
        ({"vendor_id": str(create_org(db, OrgKind.vendor).id)}, "Choose a vendor you are"),
        ({"expected_close": "soon"}, "Not a valid date value."),
    ):
        response = client.post("/deals/register", registration(world["vendor"], **fields))
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), fields
    assert db.query(Deal).count() == 0


def test_a_stale_form_is_refused_with_400_and_changes_nothing(client, db, world):
    client.login(world["alice"].email)
    deal = registered(client, db, registration(world["vendor"]))
    for url, form in (
        ("/deals/register", registration(world["vendor"])),
        (f"/deals/{deal.id}/stage", {"stage": "proposal"}),
        (f"/deals/{deal.id}/edit", registration(world["vendor"], "Renamed")),
    ):
        response = client.post(url, {**form, "csrf_token": "stale"}, csrf=False)
        assert response.status_code == 400, url
        assert "This form has expired" in response.get_data(as_text=True)
    db.expire_all()
    assert db.query(Deal).count() == 1 and deal.customer == "Acme GmbH"


def test_another_companys_deal_is_404_on_every_route(client, db, world):
    deal = service.create_deal(
        context(db, world["manager"]), DealDetails(customer="Private Customer")
    )
    rival_vendor = create_org(db, OrgKind.vendor)
    create_partnership(db, rival_vendor, world["first"])
    rival_manager = create_user(db, rival_vendor, Role.manager)
    for intruder in (world["bob"], rival_manager):
        client.login(intruder.email)
        assert client.get(f"/deals/{deal.id}").status_code == 404
        assert client.get(f"/deals/{deal.id}/edit").status_code == 404
        for action, form in (
            ("edit", {"customer": "Mine now"}),
            ("stage", {"stage": "won"}),
            ("approve", {"days": "30"}),
            ("reject", {"reason": "Because"}),
        ):
            response = client.post(f"/deals/{deal.id}/{action}", form)
            assert response.status_code == 404, (intruder.email, action)
        their_api = api(client, db, intruder)
        assert their_api.get(f"/api/v1/deals/{deal.id}").status_code == 404
        moved = their_api.post(f"/api/v1/deals/{deal.id}/stage", json={"stage": "won"})
        assert moved.status_code == 404 and moved.content_type == "application/problem+json"
        client.logout()
    db.expire_all()
    assert (deal.customer, deal.stage) == ("Private Customer", DealStage.prospecting)


def test_partners_cannot_open_the_vendors_review_or_settings(client, db, world):
    client.login(world["alice"].email)
    for url in ("/deals/registrations", "/deals/settings", "/deals/new"):
        assert client.get(url).status_code == 404, url
    client.logout()
    client.login(create_user(db, world["vendor"], Role.member).email)
    assert client.get("/deals/registrations").status_code == 403
    assert client.get("/deals/settings").status_code == 403
    assert client.get("/deals/register").status_code == 404


def test_the_list_filters_and_exports_exactly_the_visible_deals(client, db, world):
    manager = context(db, world["manager"])
    own = service.create_deal(manager, DealDetails(customer="Globex 100% Corp", amount=5))
    won = service.create_deal(manager, DealDetails(customer="Hooli", amount=900))
    service.change_stage(manager, won.id, DealStage.won)
    db.flush()
    alices = service.register_deal(
        context(db, world["alice"]), world["vendor"].id, DealDetails(customer="Acme")
    )
    bobs = service.register_deal(
        context(db, world["bob"]), world["vendor"].id, DealDetails(customer="Initech")
    )
    client.login(world["alice"].email)
    assert listed(client, "/deals/") == [alices.id] == exported(client, "/deals/export.csv")
    client.logout()

    client.login(world["manager"].email)
    everything = listed(client, "/deals/")
    assert set(everything) == {own.id, won.id, alices.id, bobs.id}
    assert exported(client, "/deals/export.csv") == everything
    for query, expected in (
        ("stage=won", [won.id]),
        ("registration=submitted&sort=customer", [alices.id, bobs.id]),
        ("registration=none&sort=amount", [won.id, own.id]),
        ("q=100%25", [own.id]),  # a literal %, not a wildcard
        ("q=nothing-like-it", []),
        ("stage=bogus", everything),  # an unknown value is ignored, not an error
    ):
        assert listed(client, f"/deals/?{query}") == expected, query
        assert exported(client, f"/deals/export.csv?{query}") == expected, query
    assert "No deals match these filters." in page(client, "/deals/?q=nothing-like-it")


def test_stage_changes_wait_for_approval_and_are_audited(client, db, world):
    client.login(world["alice"].email)
    deal = registered(client, db, registration(world["vendor"]))
    refused = client.post(f"/deals/{deal.id}/stage", {"stage": "proposal"})
    assert refused.status_code == 422
    assert "must be approved before the deal moves on" in refused.get_data(as_text=True)
    service.approve_registration(context(db, world["manager"]), deal.id)
    db.flush()
    moved = client.post(f"/deals/{deal.id}/stage", {"stage": "proposal"})
    assert moved.status_code == 302
    assert "is at Proposal now" in page(client, f"/deals/{deal.id}")
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "deal.stage_changed"))
    assert (entry.before, entry.after) == ({"stage": "prospecting"}, {"stage": "proposal"})


def test_edit_keeps_the_products_form_and_saves(client, db, world):
    client.login(world["alice"].email)
    deal = registered(client, db, registration(world["vendor"]))
    form = page(client, f"/deals/{deal.id}/edit")
    assert 'value="Widget Pro"' in form and 'name="products-4-product"' in form
    saved = client.post(
        f"/deals/{deal.id}/edit",
        {"customer": "Acme GmbH", "name": "Acme rollout", "products-0-product": "Gadget"},
    )
    assert saved.status_code == 302
    db.expire_all()
    assert deal.name == "Acme rollout" and [p.product for p in deal.products] == ["Gadget"]
    assert "Edited: name, contact email, amount by Member of Alpha Resellers" in history(
        client, deal.id
    )
    assert client.post(f"/deals/{deal.id}/edit", {"customer": ""}).status_code == 422


def test_vendor_creates_its_own_deal_and_sets_the_protection_days(client, db, world):
    client.login(world["manager"].email)
    created = client.post("/deals/new", {"customer": "Umbrella", "amount": "50"})
    assert created.status_code == 302
    deal = db.query(Deal).filter_by(customer="Umbrella").one()
    html = page(client, created.headers["Location"])
    assert "Deal Umbrella is created." in html and "None: your own deal" in html
    assert "Why can they see this?" in html and "owned by Vendor Corp" in html

    assert client.post("/deals/settings", {"protection_days": "0"}).status_code == 422
    saved = client.post("/deals/settings", {"protection_days": "30"})
    assert saved.status_code == 302
    assert "now protect for 30 days" in page(client, "/deals/settings")
    assert service.protection_days(db, world["vendor"].id) == 30 and deal.partner_org_id is None


def test_convert_an_accepted_lead_through_its_page(client, db, world):
    lead = create_lead(
        db, world["manager"], company="Globex", contact_email="ceo@globex.example", amount=700
    )
    create_rule(db, world["manager"], Grantee(GranteeKind.all_partners))
    claim_lead(context(db, world["alice"]), lead.id)
    client.login(world["alice"].email)
    assert "Convert to deal" not in page(client, f"/leads/{lead.id}")
    accept_lead(context(db, world["alice"]), lead.id, ActivityKind.call, "Spoke to the CEO")
    assert "Convert to deal" in page(client, f"/leads/{lead.id}")

    form = page(client, f"/leads/{lead.id}/convert")
    assert 'value="Globex"' in form and 'value="ceo@globex.example"' in form
    converted = client.post(
        f"/leads/{lead.id}/convert",
        {"customer": "Globex", "contact_email": "ceo@globex.example", "amount": "700"},
    )
    assert converted.status_code == 302
    assert "Globex is converted into the deal Globex." in page(
        client, converted.headers["Location"]
    )
    db.expire_all()
    deal = db.query(Deal).filter_by(lead_id=lead.id).one()
    assert deal.partner_org_id == world["first"].id and lead.status == LeadStatus.converted
    assert "Created from a lead by Member of Alpha Resellers" in history(client, deal.id)
    assert "Only an accepted lead" in page(client, f"/leads/{lead.id}/convert")
    unclaimed = create_lead(db, world["manager"], company="Not claimed")
    assert client.get(f"/leads/{unclaimed.id}/convert").status_code == 404


def _rule_form(**overrides) -> dict:
    form = {
        "name": "Big deals to gold",
        "record_type": "deal",
        "amount_min": "1000",
        "grantee_kind": "tier",
        "grantee_tier": "gold",
        "level": "view",
        "active": "y",
        "preview": "Preview",
    }
    form.update(overrides)
    return form


def test_a_deal_sharing_rule_through_the_rule_form(client, db, world):
    manager = context(db, world["manager"])
    big = service.create_deal(manager, DealDetails(customer="Big Co", amount=5000))
    service.create_deal(manager, DealDetails(customer="Small Co", amount=10))
    client.login(world["manager"].email)
    preview = client.post("/leads/rules/new", _rule_form())
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and re.search(r'preview-records">1<.*deals match', html)
    saved = client.post("/leads/rules/new", _rule_form(preview="", save="Save rule"))
    assert saved.status_code == 302
    rule = db.scalars(select(SharingRule).where(SharingRule.name == "Big deals to gold")).one()
    assert rule.record_type == RecordType.deal
    assert "Deals" in page(client, "/leads/rules")

    # A rule keeps its kind: the field is shown disabled, and a posted kind is ignored.
    edit = page(client, f"/leads/rules/{rule.id}")
    assert '<select disabled id="record_type" name="record_type">' in edit
    kept = client.post(
        f"/leads/rules/{rule.id}", _rule_form(record_type="lead", preview="", save="Save rule")
    )
    assert kept.status_code == 302
    db.expire_all()
    assert rule.record_type == RecordType.deal
    client.logout()

    client.login(world["bob"].email)
    assert listed(client, "/deals/") == [big.id]
    assert "This deal is shared with you to read." in page(client, f"/deals/{big.id}")


def test_every_signed_in_organization_has_the_deals_menu(client, db, world):
    distributor = create_org(db, OrgKind.distributor)
    create_partnership(db, world["vendor"], distributor, tier=Tier.silver)
    for user in (world["manager"], world["alice"], create_user(db, distributor, Role.viewer)):
        client.login(user.email)
        html = page(client, "/deals/")
        assert '<a href="/deals/" aria-current="page">Deals</a>' in html
        client.logout()


def test_the_history_lists_stage_changes_newest_first_with_a_colleagues_name(
    client, other_client, db, world, clock
):
    world["alice"].name, world["manager"].name = "Alice Archer", "Mona Vendorova"
    client.login(world["alice"].email)
    deal = registered(client, db, registration(world["vendor"]))
    other_client.login(world["manager"].email)
    assert other_client.post(f"/deals/{deal.id}/approve", {"days": "60"}).status_code == 302
    clock.set(NOW + timedelta(minutes=20))  # within the session's idle timeout
    move(client, deal.id, "qualification")
    clock.set(NOW + timedelta(minutes=45))
    move(client, deal.id, "proposal")

    client.logout()
    client.login(create_user(db, world["first"], Role.viewer).email)
    assert history(client, deal.id) == (
        "2026-11-23 10:45 UTC — Stage: Qualification → Proposal by Alice Archer "
        "2026-11-23 10:20 UTC — Stage: Prospecting → Qualification by Alice Archer "
        "2026-11-23 10:00 UTC — Registration approved, protected until 22 January 2027 "
        "by Vendor Corp "
        "2026-11-23 10:00 UTC — Registered by Alice Archer"
    )


def test_the_other_organization_is_named_instead_of_its_people(client, other_client, db, world):
    world["alice"].name, world["manager"].name = "Alice Archer", "Mona Vendorova"
    client.login(world["alice"].email)
    deal = registered(client, db, registration(world["vendor"]))
    other_client.login(world["manager"].email)
    assert other_client.post(f"/deals/{deal.id}/approve", {"days": "60"}).status_code == 302
    move(client, deal.id, "proposal")

    vendors = history(other_client, deal.id)
    assert "Stage: Prospecting → Proposal by Alpha Resellers" in vendors
    assert "Registered by Alpha Resellers" in vendors and "Alice" not in vendors
    assert "protected until 22 January 2027 by Mona Vendorova" in vendors
    partners = history(client, deal.id)
    assert "by Vendor Corp" in partners and "Mona" not in partners


def test_the_second_registrants_history_never_names_the_first(client, other_client, db, world):
    client.login(world["alice"].email)
    first = registered(client, db, registration(world["vendor"]))
    other_client.login(world["manager"].email)
    assert other_client.post(f"/deals/{first.id}/approve", {"days": "60"}).status_code == 302
    client.logout()
    client.login(world["bob"].email)
    second = registered(client, db, registration(world["vendor"], "ACME gmbh.", "cto@acme.example"))
    assert other_client.post(f"/deals/{second.id}/approve", {"days": "30"}).status_code == 302
    # Even if the vendor lets the first registrant work the second deal, its name stays out.
    share_record(
        context(db, world["manager"]),
        DEALS,
        second.id,
        organization=world["first"],
        level=AccessLevel.edit,
    )
    client.logout()
    client.login(world["alice"].email)
    move(client, second.id, "negotiation")
    client.logout()

    client.login(world["bob"].email)
    seen = history(client, second.id)
    assert "Stage: Prospecting → Negotiation by another organization" in seen
    assert "Registered by Member of Beta Solutions" in seen and "conflict" not in seen
    for secret in ("Alpha Resellers", "alice", "Alice"):
        assert secret not in seen
    assert "Stage: Prospecting → Negotiation by Alpha Resellers" in history(other_client, second.id)


def test_a_deal_without_entries_says_so(client, db, world):
    deal = service.create_deal(context(db, world["manager"]), DealDetails(customer="Umbrella"))
    db.execute(
        delete(AuditEntry).where(
            AuditEntry.target_type == "Deal", AuditEntry.target_id == str(deal.id)
        )
    )
    client.login(world["manager"].email)
    assert history(client, deal.id) == "No changes yet."


def test_checking_the_customer_first_registers_nothing_and_names_nobody(
    client, other_client, db, world
):
    client.login(world["bob"].email)
    check = {"vendor_id": str(world["vendor"].id), "customer": "Acme GmbH", "check": "y"}
    free = client.post("/deals/register", check)
    assert free.status_code == 200
    assert service.CUSTOMER_FREE in free.get_data(as_text=True)

    other_client.login(world["alice"].email)
    registered(other_client, db, registration(world["vendor"]))
    page = client.post("/deals/register", {**check, "customer": "ACME gmbh"})
    html = page.get_data(as_text=True)
    assert "Another registration for this customer is awaiting review." in html
    assert "Alpha" not in html and 'value="ACME gmbh"' in html
    assert db.scalar(select(Deal).where(Deal.partner_org_id == world["second"].id)) is None
    # Only the customer's fields count; a vendor it is no partner of is refused, a stranger's
    # customers are not probed.
    stranger = create_org(db, OrgKind.vendor, "Stranger Inc")
    refused = client.post("/deals/register", {**check, "vendor_id": str(stranger.id)})
    assert refused.status_code == 422
    assert "awaiting review" not in refused.get_data(as_text=True)
    assert client.post("/deals/register", {**check, "customer": ""}).status_code == 422
