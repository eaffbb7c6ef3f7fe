"""Demo data for `make run`: a vendor, partners, a distributor with its reseller, leads (one
forwarded down the two tiers), deal registrations (one protected, one in conflict), a joint
campaign with two partners and its documents, EDI orders, cases (one with shared and internal
notes and an attached document), and logins."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo_edi import interchange
from documents import service as documents
from documents.models import AttachedTo
from documents.storage import Storage
from integrations.edi_exchange.ingest import ingest
from integrations.edi_exchange.models import TradingPartner
from partners import onboarding, people
from partners.context import ServiceContext
from partners.mail import Mailer
from partners.models import Organization, User
from partners.roles import OrgKind, Role, Tier
from partners.sharing import rules
from partners.sharing.criteria import Criteria
from partners.sharing.levels import AccessLevel
from partners.sharing.models import GranteeKind
from portal.campaigns import service as campaigns
from portal.campaigns.models import CampaignStatus
from portal.cases import service as cases
from portal.cases.models import CasePriority, CaseStatus, NoteVisibility
from portal.deals import service as deals
from portal.deals.models import Deal, DealStage
from portal.deals.service import DealDetails, ProductLine
from portal.leads import forwarding
from portal.leads.models import ActivityKind, Lead
from portal.leads.service import LeadDetails, accept_lead, claim_lead, create_lead, publish_lead
from portal.orders.models import Order
from portal.orders.service import acknowledge_order

DEMO_PASSWORD = "concord-demo-2026"  # noqa: S105 - printed on purpose, demo only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    organization: str
    role: Role

    def describe(self) -> str:
        return f"{self.email:<26} {self.role.value:<8} {self.organization}"


def existing_logins(db: Session) -> list[DemoLogin]:
    """The demo accounts still present (to print them again on later runs)."""
    users = db.scalars(select(User).where(User.email.like("%.example")).order_by(User.id))
    return [DemoLogin(u.email, u.organization.name, u.role) for u in users if u.is_active]


def is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(Organization))


def seed(db: Session, mailer: Mailer, storage: Storage) -> list[DemoLogin]:
    ctx = ServiceContext(
        db=db, actor=None, mailer=mailer, base_url="http://127.0.0.1:5000", storage=storage
    )
    logins: list[DemoLogin] = []

    def org(name: str, kind: OrgKind) -> Organization:
        return onboarding.create_organization(ctx, name, kind)

    def user(organization: Organization, email: str, name: str, role: Role) -> None:
        people.create_user(
            ctx, organization, email=email, name=name, role=role, password=DEMO_PASSWORD
        )
        logins.append(DemoLogin(email, organization.name, role))

    vendor = org("Acme Networks", OrgKind.vendor)
    user(vendor, "admin@acme.example", "Alice Admin", Role.admin)
    user(vendor, "channel@acme.example", "Chris Channel", Role.manager)
    partners = [
        (
            "Bluebird Solutions",
            OrgKind.partner,
            Tier.gold,
            "EMEA",
            "Europe/Berlin",
            "admin@bluebird.example",
        ),
        (
            "Cobalt Systems",
            OrgKind.partner,
            Tier.silver,
            "NA",
            "America/New_York",
            "admin@cobalt.example",
        ),
        (
            "Delta Distribution",
            OrgKind.distributor,
            Tier.platinum,
            "EMEA",
            "Europe/London",
            "admin@delta.example",
        ),
    ]
    created = {}
    for name, kind, tier, region, tz, email in partners:
        company = org(name, kind)
        onboarding.link(ctx, vendor, company, tier=tier, region=region, timezone=tz)
        user(company, email, f"{name.split()[0]} Admin", Role.admin)
        created[name] = company
    user(created["Bluebird Solutions"], "sales@bluebird.example", "Bea Sales", Role.member)
    reseller = org("Echo IT", OrgKind.partner)
    onboarding.link(
        ctx,
        created["Delta Distribution"],
        reseller,
        tier=Tier.registered,
        region="EMEA",
        timezone="Europe/Paris",
    )
    user(reseller, "admin@echo.example", "Echo Admin", Role.admin)
    _seed_edi(ctx, vendor, created["Delta Distribution"])
    _seed_leads(ctx)
    _seed_two_tier(ctx, reseller)
    _seed_deals(ctx)
    _seed_campaign(ctx)
    _seed_cases(ctx)
    return logins


DEMO_LEADS = [
    ("Initech Energy", "Dana Kim", "dana@initech.example", "DE", "EMEA", "energy", 72),
    ("Globex Health", "Omar Reyes", "omar@globex.example", "GB", "EMEA", "health", 64),
    ("Northwind Retail", "Ana Costa", "ana@northwind.example", "FR", "EMEA", "retail", 88),
    ("Umbrella Logistics", "Lee Park", "lee@umbrella.example", "US", "NA", "logistics", 55),
    ("Vandelay Imports", "Art Vandelay", "art@vandelay.example", "US", "NA", "retail", 81),
    ("Hooli Cloud", "Gavin Bel", "gavin@hooli.example", "US", "NA", "technology", 93),
]


def _seed_leads(ctx: ServiceContext) -> None:
    """The vendor's pool: EMEA leads for gold partners and up, NA leads for all partners."""
    channel = ctx.db.scalar(select(User).where(User.email == "channel@acme.example"))
    as_channel = replace(ctx, actor=channel)
    rules.create_rule(
        as_channel,
        rules.RuleSpec(
            "EMEA pool for gold and platinum",
            Criteria(regions=("EMEA",)),
            rules.Grantee(GranteeKind.tier, tier=Tier.gold),
            AccessLevel.claim,
        ),
    )
    rules.create_rule(
        as_channel,
        rules.RuleSpec(
            "North America pool",
            Criteria(regions=("NA",)),
            rules.Grantee(GranteeKind.all_partners),
            AccessLevel.claim,
        ),
    )
    for company, contact, email, country, region, industry, score in DEMO_LEADS:
        lead = create_lead(
            as_channel,
            LeadDetails(
                company=company,
                contact_name=contact,
                contact_email=email,
                country=country,
                region=region,
                industry=industry,
                score=score,
            ),
        )
        publish_lead(as_channel, lead.id)


def _as(ctx: ServiceContext, email: str) -> ServiceContext:
    return replace(ctx, actor=ctx.db.scalar(select(User).where(User.email == email)))


def _seed_two_tier(ctx: ServiceContext, reseller: Organization) -> None:
    """Delta claimed and accepted an EMEA lead and forwarded it to its reseller Echo IT."""
    delta = _as(ctx, "admin@delta.example")
    lead = ctx.db.scalar(select(Lead).where(Lead.company == "Northwind Retail"))
    claim_lead(delta, lead.id)
    accept_lead(delta, lead.id, ActivityKind.call, "Spoke to Ana; a good fit for Echo in Lyon.")
    forwarding.forward_lead(delta, lead.id, reseller.id, "Retail chain in your region.")


def _seed_deals(ctx: ServiceContext) -> None:
    """A protected registration, a conflicting one awaiting review, and a direct deal."""
    vendor = ctx.db.scalar(select(Organization).where(Organization.name == "Acme Networks"))
    assert vendor is not None
    wayne = DealDetails(
        customer="Wayne Enterprises",
        contact_name="Lucius Fox",
        contact_email="lucius@wayne.example",
        country="US",
        region="NA",
        industry="manufacturing",
        amount=Decimal("84000"),
        products=(ProductLine("Edge Router X2", 12, Decimal("5500")), ProductLine("Support", 1)),
    )
    first = deals.register_deal(_as(ctx, "sales@bluebird.example"), vendor.id, wayne)
    deals.approve_registration(_as(ctx, "channel@acme.example"), first.id)
    rival = replace(wayne, customer="Wayne Enterprises Inc.", contact_email="cto@wayne.example")
    deals.register_deal(_as(ctx, "admin@cobalt.example"), vendor.id, rival)
    direct = deals.create_deal(
        _as(ctx, "channel@acme.example"),
        DealDetails(customer="Stark Industries", region="NA", amount=Decimal("250000")),
    )
    deals.change_stage(_as(ctx, "channel@acme.example"), direct.id, DealStage.won)


def _seed_campaign(ctx: ServiceContext) -> None:
    """An active joint campaign of Acme with Bluebird and Delta: a brief attached to it, and a
    price list shared with its participants."""
    channel = _as(ctx, "channel@acme.example")
    campaign = campaigns.create_campaign(
        channel,
        campaigns.CampaignDetails(
            name="Edge Router X2 spring launch",
            description="Joint launch events and co-branded mailings for retail chains.",
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 5, 31),
            region="EMEA",
            product_line="Routers",
            budget=Decimal("40000"),
        ),
    )
    names = ("Bluebird Solutions", "Delta Distribution")
    partners = channel.db.scalars(select(Organization.id).where(Organization.name.in_(names)))
    campaigns.invite_partners(channel, campaign.id, list(partners))
    for admin in ("admin@bluebird.example", "admin@delta.example"):
        campaigns.respond_to_invitation(_as(ctx, admin), campaign.id, accept=True)
    campaigns.change_status(channel, campaign.id, CampaignStatus.active)

    def text(title: str, body: str, **options) -> int:
        upload = documents.Upload(io.BytesIO(body.encode()), f"{title}.txt", max_bytes=1 << 20)
        details = documents.Details(title, "Campaigns/Spring launch", ("campaign",))
        return documents.upload_document(channel, upload, details, **options).id

    text(
        "Campaign brief",
        "Edge Router X2 spring launch: audiences, dates, messages and the event kit.\n",
        attach=documents.Attachment(AttachedTo.campaign, campaign.id),
    )
    price_list = text("Launch price list", "Edge Router X2: launch price 4,950 until May.\n")
    documents.share_document(channel, price_list, campaign=campaign)


CRASH_LOG = b"""2026-11-20 09:14:02 edge-x2 kernel: watchdog: BUG: soft lockup - CPU#2 stuck
2026-11-20 09:14:05 edge-x2 kernel: rebooting in 3 seconds
2026-11-20 09:14:41 edge-x2 bootd: firmware 4.2.1 up, uplink ge-0/0/1 flapping
"""


def _seed_cases(ctx: ServiceContext) -> None:
    """Bluebird's case about routers that reboot (notes both ways, one internal to Acme, and
    its crash log attached), and a licence question Acme opened for Cobalt."""
    vendor = ctx.db.scalar(select(Organization).where(Organization.name == "Acme Networks"))
    cobalt = ctx.db.scalar(select(Organization).where(Organization.name == "Cobalt Systems"))
    assert vendor is not None and cobalt is not None
    bea, chris = _as(ctx, "sales@bluebird.example"), _as(ctx, "channel@acme.example")
    wayne = ctx.db.scalar(select(Deal.id).where(Deal.customer == "Wayne Enterprises"))
    reboots = cases.open_case_with_vendor(
        bea,
        vendor.id,
        cases.CaseDetails(
            "Edge Router X2 reboots under load",
            "Two of the twelve routers for Wayne Enterprises reboot every few hours.",
            CasePriority.high,
            deal_id=wayne,
        ),
    )
    documents.upload_document(
        bea,
        documents.Upload(io.BytesIO(CRASH_LOG), "edge-x2-crash.txt", max_bytes=len(CRASH_LOG)),
        documents.Details("Edge X2 crash log", "Support"),
        attach=documents.Attachment(AttachedTo.case, reboots.id),
    )
    cases.change_status(chris, reboots.id, CaseStatus.in_progress)
    cases.add_note(
        chris,
        reboots.id,
        "Thanks, we have the log. Which firmware do the routers run?",
        NoteVisibility.shared,
    )
    cases.add_note(
        chris,
        reboots.id,
        "Same watchdog lockup as the 4.2.1 field issue; engineering has a fix in 4.2.2. "
        "Offer an advance replacement if Bluebird pushes.",
        NoteVisibility.internal,
    )
    cases.change_status(chris, reboots.id, CaseStatus.waiting_on_partner)
    cases.add_note(bea, reboots.id, "All twelve run 4.2.1.", NoteVisibility.shared)
    cases.open_case_for_partner(
        chris,
        cobalt.id,
        cases.CaseDetails("Renew the Cobalt lab licences", "Three lab licences expire soon."),
        assigned_user_id=chris.actor.id,
    )


def _seed_edi(ctx: ServiceContext, vendor: Organization, distributor: Organization) -> None:
    """Delta trades by EDI: a profile, one interchange of three purchase orders, one answered."""
    profile = TradingPartner(
        vendor_org_id=vendor.id,
        organization_id=distributor.id,
        standard="X12",
        version="004010",
        their_id="DELTADIST",
        their_qualifier="ZZ",
        our_id="ACMENET",
        our_qualifier="ZZ",
        acknowledgment="997",
        transport="folder",
    )
    ctx.db.add(profile)
    ctx.db.flush()
    payload = interchange(profile, 1001, "PO-10001", "PO-10002", "PO-10003")
    report = ingest(ctx, profile, io.BytesIO(payload), "delta-orders.edi")
    channel = ctx.db.scalar(select(User).where(User.email == "channel@acme.example"))
    first = ctx.db.get(Order, report.orders[0].id)
    acknowledge_order(replace(ctx, actor=channel), first)
