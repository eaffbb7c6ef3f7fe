"""Factories for test data, built through the same service functions the portal uses."""

from __future__ import annotations

import itertools
from functools import cache

from sqlalchemy.orm import Session

from partners import onboarding
from partners.context import ServiceContext
from partners.mail import Mailer
from partners.models import Organization, Partnership, Team, User
from partners.passwords import hash_password
from partners.roles import OrgKind, Role, Tier, UserStatus
from partners.sharing import AccessLevel
from partners.sharing import rules as sharing_rules
from partners.sharing.criteria import Criteria
from partners.sharing.models import SharingRule
from partners.sharing.rules import Grantee, RuleSpec
from portal.leads import service as lead_service
from portal.leads.models import Lead

from support.browser_client import TEST_PASSWORD

_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(TEST_PASSWORD)


def context(db: Session, actor: User | None = None, storage=None) -> ServiceContext:
    return ServiceContext(
        db=db,
        actor=actor,
        mailer=Mailer("log://", "test@concord.local"),
        base_url="http://localhost",
        storage=storage,
    )


def create_org(
    db: Session, kind: OrgKind = OrgKind.partner, name: str | None = None
) -> Organization:
    return onboarding.create_organization(
        context(db), name or f"{kind.value.title()} {next(_counter)}", kind
    )


def create_partnership(
    db: Session,
    parent: Organization,
    child: Organization,
    tier: Tier = Tier.registered,
    region: str = "EMEA",
) -> Partnership:
    return onboarding.link(
        context(db), parent, child, tier=tier, region=region, timezone="Europe/Berlin"
    )


def create_user(
    db: Session, org: Organization, role: Role = Role.member, email: str | None = None
) -> User:
    user = User(
        organization=org,
        email=email or f"user{next(_counter)}@{org.slug}.example",
        name=f"{role.value.title()} of {org.name}",
        role=role,
        status=UserStatus.active,
        password_hash=_password_hash(),
    )
    db.add(user)
    db.flush()
    return user


def vendor_with_partner(
    db: Session, tier: Tier = Tier.gold
) -> tuple[Organization, Organization, Partnership]:
    vendor = create_org(db, OrgKind.vendor)
    partner = create_org(db, OrgKind.partner)
    return vendor, partner, create_partnership(db, vendor, partner, tier=tier)


def create_team(db: Session, org: Organization, members: tuple[User, ...] = ()) -> Team:
    team = Team(organization_id=org.id, name=f"Team {next(_counter)}", members=list(members))
    db.add(team)
    db.flush()
    return team


def create_lead(db: Session, owner: User, *, publish: bool = True, **details) -> Lead:
    """A lead owned by ``owner``'s organization, in the pool unless ``publish`` is false."""
    ctx = context(db, owner)
    details.setdefault("company", f"Prospect {next(_counter)}")
    lead = lead_service.create_lead(ctx, lead_service.LeadDetails(**details))
    if publish:
        lead_service.publish_lead(ctx, lead.id)
    return lead


def create_rule(
    db: Session,
    owner: User,
    grantee: Grantee,
    level: AccessLevel = AccessLevel.claim,
    **criteria,
) -> SharingRule:
    spec = RuleSpec(f"Rule {next(_counter)}", Criteria(**criteria), grantee, level)
    return sharing_rules.create_rule(context(db, owner), spec)


def trading_partner(db: Session, vendor: Organization, distributor: Organization, **overrides):
    """An active EDI profile: the distributor sends as ZZ:DIST<id>, we receive as ZZ:CONCORD."""
    from integrations.edi_exchange.models import TradingPartner

    values = {
        "standard": "X12",
        "version": "004010",
        "their_id": f"DIST{distributor.id}",
        "their_qualifier": "ZZ",
        "our_id": "CONCORD",
        "our_qualifier": "ZZ",
        "acknowledgment": "997",
    }
    values.update(overrides)
    profile = TradingPartner(vendor_org_id=vendor.id, organization_id=distributor.id, **values)
    db.add(profile)
    db.flush()
    return profile


def lead_settings(db: Session, owner: Organization, **values):
    """The owner's saved lead lifecycle settings (defaults unless overridden); saving them also
    turns on the cap on open claims."""
    from portal.leads import policy

    settings = policy.settings_or_defaults(db, owner.id)
    for name, value in values.items():
        if isinstance(value, dict):
            value = {**getattr(settings, name), **value}
        setattr(settings, name, value)
    db.add(settings)
    db.flush()
    return settings


def route_partner(
    db: Session,
    partnership: Partnership,
    weight: int = 1,
    industries: tuple[str, ...] = (),
    product_lines: tuple[str, ...] = (),
):
    """How the partnership takes leads the owner routes."""
    from portal.leads.models import LeadRoutingPartner

    row = db.get(LeadRoutingPartner, partnership.id) or LeadRoutingPartner(
        partnership_id=partnership.id
    )
    row.weight, row.industries, row.product_lines = weight, list(industries), list(product_lines)
    db.add(row)
    db.flush()
    return row


def deal_partners(db: Session) -> dict:
    """A vendor with a channel manager, and two gold partners with one member each: the cast of
    deal registration tests (the names are what a conflict must never reveal)."""
    vendor = create_org(db, OrgKind.vendor, "Vendor Corp")
    first = create_org(db, OrgKind.partner, "Alpha Resellers")
    second = create_org(db, OrgKind.partner, "Beta Solutions")
    for partner in (first, second):
        create_partnership(db, vendor, partner, tier=Tier.gold)
    return {
        "vendor": vendor,
        "first": first,
        "second": second,
        "manager": create_user(db, vendor, Role.manager, "channel@vendor.example"),
        "alice": create_user(db, first, Role.member, "alice@alpha.example"),
        "bob": create_user(db, second, Role.member, "bob@beta.example"),
    }
