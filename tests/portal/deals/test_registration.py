"""Deal registration: conflicts go to the vendor side by side; the second registrant learns only
that the customer is protected and until when, never by whom."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from partners.context import Forbidden, NotFound, ServiceContext, ServiceError
from partners.mail import Mailer
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, access_level, explain
from partners.sharing.criteria import Criteria
from partners.sharing.models import GranteeKind, RecordType
from partners.sharing.rules import Grantee, RuleSpec, create_rule
from portal.deals import service
from portal.deals.customers import CustomerKeys, company_key
from portal.deals.models import DealConflict, DealStage, Registration
from portal.deals.service import DealDetails, ProductLine
from portal.deals.sharing import get_deal, visible_deals
from portal.leads.models import ActivityKind, LeadStatus
from portal.leads.service import accept_lead, claim_lead

from factories import context as base_context
from factories import create_lead, create_org, create_partnership, create_user, deal_partners
from factories import create_rule as lead_rule

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(db):
    return deal_partners(db)


@pytest.fixture
def ctx_of(db, smtp, clock):
    controller, _box = smtp
    mailer = Mailer(f"smtp://127.0.0.1:{controller.port}", "portal@concord.test")

    def make(user, at=NOW) -> ServiceContext:
        return ServiceContext(
            db=db, actor=user, mailer=mailer, base_url="http://portal.test", clock=lambda: at
        )

    return make


def register(ctx, vendor, customer="Acme GmbH", email="buyer@acme.example", **more):
    details = DealDetails(
        customer=customer,
        contact_email=email,
        amount=more.pop("amount", None),
        products=(ProductLine("Widget Pro", 10), ProductLine("Support", 1)),
        **more,
    )
    return service.register_deal(ctx, vendor.id, details)


def test_customer_keys_meet_across_spellings():
    assert company_key("ACME, Inc.") == company_key("Acme") == "acme"
    assert company_key("Müller & Söhne GmbH") == "muller and sohne"
    keys = CustomerKeys.of("Acme", "Buyer@ACME.example", "de 123.456.789")
    assert (keys.domain, keys.vat, keys.email) == (
        "acme.example",
        "DE123456789",
        "buyer@acme.example",
    )
    assert CustomerKeys.of("X", "someone@gmail.com", "").domain == ""


def test_registration_is_shared_with_the_registrant_and_the_vendor_only(db, world, ctx_of, mailbox):
    deal = register(ctx_of(world["alice"]), world["vendor"], amount=None)
    assert deal.registration == Registration.submitted
    assert [p.product for p in deal.products] == ["Widget Pro", "Support"]
    assert access_level(db, world["alice"], deal) == AccessLevel.edit
    assert access_level(db, world["manager"], deal) == AccessLevel.manage
    with pytest.raises(NotFound):
        get_deal(db, world["bob"], deal.id)
    assert (
        mailbox.last_to("channel@vendor.example")["Subject"] == "New deal registration: Acme GmbH"
    )
    assert "number" in mailbox.last_to("alice@alpha.example").get_content()


def test_second_registrant_is_told_until_when_never_by_whom(db, world, ctx_of, mailbox):
    first = register(ctx_of(world["alice"]), world["vendor"])
    service.approve_registration(ctx_of(world["manager"]), first.id, days=60)
    mailbox.messages.clear()

    second = register(
        ctx_of(world["bob"], NOW + timedelta(days=1)),
        world["vendor"],
        customer="ACME gmbh.",
        email="cto@acme.example",
    )
    notice = service.protection_notice(db, second, NOW + timedelta(days=1))
    assert notice is not None and "protected until 22 January 2027" in notice
    mail = mailbox.last_to("bob@beta.example").get_content()
    assert "22 January 2027" in mail
    for text in (notice, mail):
        assert "Alpha" not in text and "alice" not in text
    # The vendor sees both side by side, with what matched.
    conflicts = db.scalars(select(DealConflict).where(DealConflict.deal_id == second.id)).all()
    assert [(c.other_deal_id, c.matched_on) for c in conflicts] == [(first.id, "company,domain")]
    assert "Conflicting" in mailbox.last_to("channel@vendor.example")["Subject"]
    # And the second partner still cannot open the first registration.
    with pytest.raises(NotFound):
        get_deal(db, world["bob"], first.id)


def test_pending_and_direct_conflicts_are_worded_without_names(db, world, ctx_of):
    register(ctx_of(world["alice"]), world["vendor"], vat_number="DE 111")
    second = register(ctx_of(world["bob"]), world["vendor"], customer="Other", vat_number="de111")
    assert service.protection_notice(db, second, NOW) == (
        "Another registration for this customer is awaiting review."
    )
    direct = service.create_deal(ctx_of(world["manager"]), DealDetails(customer="Initech"))
    third = register(ctx_of(world["alice"]), world["vendor"], customer="Initech Ltd", email="")
    assert direct.partner_org_id is None
    assert service.protection_notice(db, third, NOW) == (
        "The vendor already works with this customer directly."
    )


def test_a_partners_own_earlier_registration_is_no_conflict(db, world, ctx_of):
    register(ctx_of(world["alice"]), world["vendor"])
    again = register(ctx_of(world["alice"]), world["vendor"])
    assert service.protection_notice(db, again, NOW) is None


def test_approve_protects_until_a_date_and_protection_lapses(db, world, ctx_of, mailbox):
    deal = register(ctx_of(world["alice"]), world["vendor"])
    service.approve_registration(ctx_of(world["manager"]), deal.id)  # the default: 90 days
    assert deal.protected_until == NOW + timedelta(days=90)
    assert (
        "protected until 21 February 2027" in mailbox.last_to("alice@alpha.example").get_content()
    )
    with pytest.raises(ServiceError, match="already been decided"):
        service.reject_registration(ctx_of(world["manager"]), deal.id, "late")

    system = ctx_of(None, NOW + timedelta(days=90))
    assert service.expire_protections(system) == 1
    assert deal.registration == Registration.expired
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == str(deal.id))
    ).all()
    assert "deal.registration_expired" in actions


def test_reject_needs_a_reason_and_only_the_vendors_managers_decide(db, world, ctx_of):
    deal = register(ctx_of(world["alice"]), world["vendor"])
    with pytest.raises(ServiceError, match="Say why"):
        service.reject_registration(ctx_of(world["manager"]), deal.id, "  ")
    partner_manager = create_user(db, world["first"], Role.manager)
    with pytest.raises(NotFound):
        service.approve_registration(ctx_of(partner_manager), deal.id)
    colleague = create_user(db, world["vendor"], Role.member)
    with pytest.raises(Forbidden):
        service.approve_registration(ctx_of(colleague), deal.id)
    service.reject_registration(ctx_of(world["manager"]), deal.id, "Existing customer")
    assert (deal.registration, deal.decision_reason) == (Registration.rejected, "Existing customer")


def test_registering_needs_an_active_partnership(db, world, ctx_of):
    stranger = create_org(db, OrgKind.vendor)
    with pytest.raises(ServiceError, match="active partner"):
        register(ctx_of(world["alice"]), stranger)


def test_stage_changes_are_audited_and_wait_for_approval(db, world, ctx_of):
    deal = register(ctx_of(world["alice"]), world["vendor"])
    with pytest.raises(ServiceError, match="approved"):
        service.change_stage(ctx_of(world["alice"]), deal.id, DealStage.proposal)
    service.approve_registration(ctx_of(world["manager"]), deal.id)
    service.change_stage(ctx_of(world["alice"]), deal.id, DealStage.proposal)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "deal.stage_changed"))
    assert (entry.before, entry.after) == ({"stage": "prospecting"}, {"stage": "proposal"})


def test_convert_an_accepted_lead_into_a_deal(db, world, ctx_of):
    lead = create_lead(db, world["manager"], company="Globex", contact_email="ceo@globex.example")
    lead_rule(db, world["manager"], Grantee(GranteeKind.all_partners))
    claim_lead(base_context(db, world["alice"]), lead.id)
    with pytest.raises(ServiceError, match="accepted"):
        service.convert_lead(ctx_of(world["alice"]), lead.id, service.details_from_lead(lead))
    accept_lead(base_context(db, world["alice"]), lead.id, ActivityKind.call, "Spoke to the CEO")
    deal = service.convert_lead(ctx_of(world["alice"]), lead.id, service.details_from_lead(lead))
    assert (deal.owner_org_id, deal.partner_org_id, deal.lead_id) == (
        world["vendor"].id,
        world["first"].id,
        lead.id,
    )
    assert deal.registration is None and lead.status == LeadStatus.converted
    assert deal.customer_domain == "globex.example"
    assert access_level(db, world["alice"], deal) == AccessLevel.edit
    with pytest.raises(NotFound):
        get_deal(db, world["bob"], deal.id)


def test_deal_sharing_rules_reach_a_tier_and_the_explainer_says_why(db, world, ctx_of):
    silver = create_org(db, OrgKind.partner, "Silver Co")
    create_partnership(db, world["vendor"], silver, tier=Tier.silver)
    carol = create_user(db, silver)
    big = service.create_deal(
        ctx_of(world["manager"]), DealDetails(customer="Big", region="EMEA", amount=500000)
    )
    small = service.create_deal(
        ctx_of(world["manager"]), DealDetails(customer="Small", region="EMEA", amount=100)
    )
    spec = RuleSpec(
        "Big EMEA deals to gold",
        Criteria(regions=("EMEA",), amount_min=100000),
        Grantee(GranteeKind.tier, tier=Tier.gold),
        AccessLevel.view,
        RecordType.deal,
    )
    rule = create_rule(ctx_of(world["manager"]), spec)
    seen = set(db.scalars(visible_deals(world["bob"]).with_only_columns(service.Deal.id)))
    assert big.id in seen and small.id not in seen
    assert list(db.scalars(visible_deals(carol))) == []
    reasons = [r for r in explain(db, world["manager"], big) if r.user_id == world["bob"].id]
    assert [(r.source.name, r.source_id) for r in reasons] == [("rule", rule.id)]
