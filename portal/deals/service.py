"""Deals and deal registration: the one way each change to a deal happens.

A deal belongs to the vendor (its owner); the partner working it participates with edit access.
It comes from converting an accepted lead, from the vendor's own pipeline, or from a partner's
registration. A registration is checked for conflicts (the same customer registered by another
partner, or a deal the vendor runs itself); conflicts go to the vendor's channel managers with
the competing registrations side by side, while the registrant learns only that the customer is
protected and until when — never by whom (:func:`protection_notice`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from partners import audit, sharing
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, Partnership, User
from partners.outbox import queue_mail
from partners.roles import OrgStatus, Role, UserStatus
from partners.sharing import AccessLevel, require_role
from portal.deals.customers import CustomerKeys
from portal.deals.models import (
    Deal,
    DealConflict,
    DealProduct,
    DealSettings,
    DealStage,
    Registration,
)
from portal.deals.sharing import get_deal
from portal.leads import forwarding
from portal.leads.models import Lead, LeadStatus
from portal.leads.policy import partnership_between
from portal.leads.sharing import get_lead

DEFAULT_PROTECTION_DAYS = 90
MAX_PROTECTION_DAYS = 730
#: Lead statuses from which the claimant may convert the lead into a deal.
CONVERTIBLE = (LeadStatus.accepted, LeadStatus.working, LeadStatus.qualified)


@dataclass(frozen=True)
class ProductLine:
    product: str
    quantity: int = 1
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class DealDetails:
    customer: str
    name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    vat_number: str = ""
    country: str = ""
    region: str = ""
    industry: str = ""
    product_line: str = ""
    campaign: str | None = None
    amount: Decimal | None = None
    expected_close: date | None = None
    notes: str = ""
    products: tuple[ProductLine, ...] = field(default_factory=tuple)

    def columns(self) -> dict:
        customer = self.customer.strip()
        if not customer:
            raise ServiceError("A deal needs a customer.")
        keys = CustomerKeys.of(customer, self.contact_email, self.vat_number)
        return {
            "customer": customer,
            "name": self.name.strip() or customer,
            "customer_key": keys.company,
            "customer_domain": keys.domain,
            "vat_number": keys.vat,
            "contact_name": self.contact_name.strip(),
            "contact_email": keys.email,
            "country": self.country.strip().upper(),
            "region": self.region.strip(),
            "industry": self.industry.strip(),
            "product_line": self.product_line.strip(),
            "campaign": (self.campaign or "").strip() or None,
            "amount": self.amount,
            "expected_close": self.expected_close,
            "notes": self.notes.strip(),
        }


def _actor(ctx: ServiceContext, role: Role = Role.member) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, role)
    return actor


def _set_products(deal: Deal, lines: tuple[ProductLine, ...]) -> None:
    for line in lines:
        if line.quantity < 1:
            raise ServiceError(f"The quantity of {line.product!r} must be at least 1.")
    deal.products = [
        DealProduct(
            position=n,
            product=line.product.strip(),
            quantity=line.quantity,
            unit_price=line.unit_price,
        )
        for n, line in enumerate(lines)
        if line.product.strip()
    ]


def _new_deal(
    ctx: ServiceContext, actor: User, owner_id: int, details: DealDetails, **extra
) -> Deal:
    deal = Deal(
        owner_org_id=owner_id,
        created_by_id=actor.id,
        assigned_user_id=actor.id,
        created_at=ctx.now(),
        updated_at=ctx.now(),
        **details.columns(),
        **extra,
    )
    _set_products(deal, details.products)
    ctx.db.add(deal)
    sharing.changed(ctx.db, deal)
    return deal


def create_deal(ctx: ServiceContext, details: DealDetails) -> Deal:
    """A deal the actor's organization runs itself (no partner)."""
    actor = _actor(ctx)
    deal = _new_deal(ctx, actor, actor.organization_id, details)
    audit.record(ctx, "deal.created", deal, summary=f"Deal {deal.name}")
    return deal


def update_deal(ctx: ServiceContext, deal_id: int, details: DealDetails) -> Deal:
    """Change a deal's attributes and products; the owner's rules are evaluated again."""
    actor = _actor(ctx)
    deal = get_deal(ctx.db, actor, deal_id, AccessLevel.edit)
    before, after = audit.apply_changes(deal, details.columns())
    _set_products(deal, details.products)
    deal.updated_at = ctx.now()
    sharing.changed(ctx.db, deal)
    audit.record(
        ctx,
        "deal.updated",
        deal,
        before=before,
        after=after,
        summary=f"Deal {deal.name} updated",
    )
    return deal


def change_stage(ctx: ServiceContext, deal_id: int, stage: DealStage) -> Deal:
    actor = _actor(ctx)
    deal = get_deal(ctx.db, actor, deal_id, AccessLevel.edit)
    if deal.registration in (Registration.submitted, Registration.rejected):
        raise ServiceError("A registration must be approved before the deal moves on.")
    if deal.stage == stage:
        return deal
    before = deal.stage
    deal.stage, deal.updated_at = stage, ctx.now()
    audit.record(
        ctx,
        "deal.stage_changed",
        deal,
        before={"stage": before.value},
        after={"stage": stage.value},
        summary=f"Deal {deal.name}: {before.label} → {stage.label}",
    )
    return deal


def convert_lead(ctx: ServiceContext, lead_id: int, details: DealDetails) -> Deal:
    """Turn an accepted lead into a deal: the lead's owner owns it, its claimant works it."""
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.edit)
    if lead.status not in CONVERTIBLE:
        raise ServiceError("Only an accepted lead can be converted into a deal.")
    working = forwarding.working_organizations(ctx.db, lead)
    if actor.organization_id not in working | {lead.owner_org_id}:
        raise NotFound()
    # Forwarded and accepted: the reseller works the deal, its distributor follows it.
    reseller = next(iter(working - {lead.claimed_by_org_id}), None)
    deal = _new_deal(
        ctx,
        actor,
        lead.owner_org_id,
        details,
        partner_org_id=reseller or lead.claimed_by_org_id,
        distributor_org_id=lead.claimed_by_org_id if reseller else None,
        lead_id=lead.id,
    )
    audit.record(
        ctx, "deal.created", deal, summary=f"Deal {deal.name} from a lead", after={"lead": lead.id}
    )
    before = lead.status
    lead.status, lead.updated_at = LeadStatus.converted, ctx.now()
    sharing.changed(ctx.db, lead)
    audit.record(
        ctx,
        "lead.converted",
        lead,
        before={"status": before.value},
        after={"status": lead.status.value, "deal": deal.id},
        summary=f"Lead {lead.company} converted into deal {deal.name}",
    )
    return deal


def details_from_lead(lead: Lead) -> DealDetails:
    """What the conversion form starts with."""
    return DealDetails(
        customer=lead.company,
        contact_name=lead.contact_name,
        contact_email=lead.contact_email,
        country=lead.country,
        region=lead.region,
        industry=lead.industry,
        product_line=lead.product_line,
        campaign=lead.campaign,
        amount=lead.amount,
    )


# Registration ---------------------------------------------------------------------------------


def registration_vendors(db: Session, user: User) -> list[Organization]:
    """The organizations the user's company may register deals with: its active parents."""
    return list(
        db.scalars(
            select(Organization)
            .join(Partnership, Partnership.parent_id == Organization.id)
            .where(
                Partnership.child_id == user.organization_id,
                Partnership.status == OrgStatus.active,
            )
            .order_by(Organization.name)
        )
    )


def register_deal(ctx: ServiceContext, vendor_id: int, details: DealDetails) -> Deal:
    """A partner registers a deal it found with one of its vendors; conflicts are flagged."""
    actor = _actor(ctx)
    partnership = partnership_between(ctx.db, vendor_id, actor.organization_id)
    if partnership is None or partnership.status != OrgStatus.active:
        raise ServiceError("Choose a vendor you are an active partner of.")
    deal = _new_deal(
        ctx,
        actor,
        vendor_id,
        details,
        partner_org_id=actor.organization_id,
        registration=Registration.submitted,
        registered_at=ctx.now(),
    )
    conflicts = _flag_conflicts(ctx, deal)
    audit.record(
        ctx,
        "deal.registered",
        deal,
        summary=f"Deal registration {deal.name}"
        + (f" ({len(conflicts)} conflicting)" if conflicts else ""),
        after={"registration": Registration.submitted.value, "conflicts": len(conflicts)},
    )
    _mail_channel_managers(ctx, deal, conflicts)
    notice = protection_notice(ctx.db, deal, ctx.now())
    queue_mail(
        ctx,
        actor.email,
        f"Deal registration received: {deal.customer}",
        f"We received your registration of {deal.customer} (number {deal.id}).\n"
        + (f"\n{notice}\n" if notice else "")
        + f"\n{deal_link(ctx, deal)}\n",
    )
    return deal


#: What a customer check says when no deal of the vendor holds the customer.
CUSTOMER_FREE = (
    "No registration or deal of this vendor holds this customer yet: once the vendor approves "
    "your registration, it is protected for you."
)


def check_customer(ctx: ServiceContext, vendor_id: int, details: DealDetails) -> str:
    """Before the partner fills in the rest: what registering this customer would be told
    (:func:`protection_notice`: protected until when, never by whom), stored nowhere."""
    actor = _actor(ctx)
    partnership = partnership_between(ctx.db, vendor_id, actor.organization_id)
    if partnership is None or partnership.status != OrgStatus.active:
        raise ServiceError("Choose a vendor you are an active partner of.")
    planned = Deal(
        owner_org_id=vendor_id,
        partner_org_id=actor.organization_id,
        registration=Registration.submitted,
        **details.columns(),
    )
    return protection_notice(ctx.db, planned, ctx.now()) or CUSTOMER_FREE


def deal_link(ctx: ServiceContext, deal: Deal) -> str:
    return ctx.link(f"/deals/{deal.id}")


def _active_claims(now: datetime):
    """Deals that hold a customer: approved and still protected, awaiting review, or the
    vendor's own open deals."""
    return or_(
        and_(Deal.registration == Registration.approved, Deal.protected_until > now),
        Deal.registration == Registration.submitted,
        and_(
            Deal.partner_org_id.is_(None),
            Deal.stage.not_in([DealStage.won, DealStage.lost]),
        ),
    )


#: The customer keys a conflict can match on: (name shown to the vendor, deal column).
CUSTOMER_KEYS = (
    ("company", "customer_key"),
    ("domain", "customer_domain"),
    ("vat", "vat_number"),
    ("email", "contact_email"),
)


def competing_deals(db: Session, deal: Deal, now: datetime) -> list[tuple[Deal, list[str]]]:
    """The owner's other deals that hold the same customer, and on which keys they match.

    Only the vendor's side ever sees the result; the registrant sees :func:`protection_notice`.
    """
    keys = [(name, column, getattr(deal, column)) for name, column in CUSTOMER_KEYS]
    keys = [key for key in keys if key[2]]
    if not keys:
        return []
    others = db.scalars(
        select(Deal)
        .where(
            Deal.owner_org_id == deal.owner_org_id,
            Deal.id != deal.id,
            or_(Deal.partner_org_id.is_(None), Deal.partner_org_id != deal.partner_org_id),
            _active_claims(now),
            or_(*(getattr(Deal, column) == value for _name, column, value in keys)),
        )
        .order_by(Deal.registered_at, Deal.id)
    ).all()
    return [
        (other, [name for name, column, value in keys if getattr(other, column) == value])
        for other in others
    ]


def _flag_conflicts(ctx: ServiceContext, deal: Deal) -> list[tuple[Deal, list[str]]]:
    ctx.db.flush()
    conflicts = competing_deals(ctx.db, deal, ctx.now())
    for other, keys in conflicts:
        ctx.db.add(
            DealConflict(
                deal_id=deal.id,
                other_deal_id=other.id,
                matched_on=",".join(keys),
                created_at=ctx.now(),
            )
        )
    return conflicts


def protection_notice(db: Session, deal: Deal, now: datetime) -> str | None:
    """What the registrant may know of conflicts: protected until when, never by whom."""
    if deal.registration != Registration.submitted:
        return None
    others = [other for other, _keys in competing_deals(db, deal, now)]
    protected = [o.protected_until for o in others if o.registration == Registration.approved]
    if protected:
        until = max(moment for moment in protected if moment is not None)
        return (
            f"This customer is already protected until {long_date(until)}. "
            "The vendor will review your registration."
        )
    if any(o.registration == Registration.submitted for o in others):
        return "Another registration for this customer is awaiting review."
    if others:
        return "The vendor already works with this customer directly."
    return None


def _mail_channel_managers(ctx: ServiceContext, deal: Deal, conflicts: list) -> None:
    managers = ctx.db.scalars(
        select(User).where(
            User.organization_id == deal.owner_org_id,
            User.role.in_([Role.manager, Role.admin]),
            User.status == UserStatus.active,
        )
    )
    partner = ctx.db.get_one(Organization, deal.partner_org_id)
    flag = (
        f"\nIt conflicts with {len(conflicts)} other deal(s) for this customer.\n"
        if conflicts
        else ""
    )
    for manager in managers:
        queue_mail(
            ctx,
            manager.email,
            f"{'Conflicting deal' if conflicts else 'New deal'} registration: {deal.customer}",
            f"{partner.name} registered {deal.customer}.\n{flag}\nReview: "
            f"{ctx.link('/deals/registrations')}\n",
        )


def _reviewable(ctx: ServiceContext, deal_id: int) -> tuple[User, Deal]:
    actor = _actor(ctx, Role.manager)
    deal = get_deal(ctx.db, actor, deal_id, AccessLevel.manage)
    if deal.owner_org_id != actor.organization_id or deal.registration is None:
        raise NotFound()
    if deal.registration != Registration.submitted:
        raise ServiceError("This registration has already been decided.")
    return actor, deal


def protection_days(db: Session, owner_id: int) -> int:
    saved = db.get(DealSettings, owner_id)
    return saved.protection_days if saved is not None else DEFAULT_PROTECTION_DAYS


def approve_registration(ctx: ServiceContext, deal_id: int, days: int | None = None) -> Deal:
    """Approve: the partner's claim on the customer is protected for ``days``."""
    actor, deal = _reviewable(ctx, deal_id)
    days = protection_days(ctx.db, deal.owner_org_id) if days is None else days
    if not 1 <= days <= MAX_PROTECTION_DAYS:
        raise ServiceError(f"Protection lasts between 1 and {MAX_PROTECTION_DAYS} days.")
    deal.protected_until = ctx.now() + timedelta(days=days)
    _decide(
        ctx,
        actor,
        deal,
        Registration.approved,
        f"protected until {long_date(deal.protected_until)}",
    )
    return deal


def reject_registration(ctx: ServiceContext, deal_id: int, reason: str) -> Deal:
    actor, deal = _reviewable(ctx, deal_id)
    if not reason.strip():
        raise ServiceError("Say why the registration is rejected; the partner will read it.")
    deal.decision_reason = reason.strip()[:500]
    _decide(ctx, actor, deal, Registration.rejected, deal.decision_reason)
    return deal


def _decide(
    ctx: ServiceContext, actor: User, deal: Deal, outcome: Registration, detail: str
) -> None:
    deal.registration, deal.decided_at, deal.decided_by_id = outcome, ctx.now(), actor.id
    deal.updated_at = ctx.now()
    audit.record(
        ctx,
        f"deal.registration_{outcome.value}",
        deal,
        subject_org=ctx.db.get(Organization, deal.partner_org_id),
        before={"registration": Registration.submitted.value},
        after={"registration": outcome.value, "protected_until": _iso(deal.protected_until)},
        summary=f"Registration of {deal.customer} {outcome.value}: {detail}",
    )
    registrant = ctx.db.get(User, deal.created_by_id) if deal.created_by_id else None
    if registrant is not None and registrant.status == UserStatus.active:
        queue_mail(
            ctx,
            registrant.email,
            f"Deal registration {outcome.value}: {deal.customer}",
            f"Your registration of {deal.customer} was {outcome.value}: {detail}.\n\n"
            f"{deal_link(ctx, deal)}\n",
        )


def expire_protections(ctx: ServiceContext) -> int:
    """End every approved protection whose time ran out (the worker runs this)."""
    due = ctx.db.scalars(
        select(Deal).where(
            Deal.registration == Registration.approved,
            Deal.protected_until <= ctx.now(),
            Deal.stage != DealStage.won,
        )
    ).all()
    for deal in due:
        deal.registration, deal.updated_at = Registration.expired, ctx.now()
        audit.record(
            ctx,
            "deal.registration_expired",
            deal,
            before={"registration": Registration.approved.value},
            after={"registration": Registration.expired.value},
            summary=f"Protection of {deal.customer} lapsed",
        )
    return len(due)


def save_settings(ctx: ServiceContext, days: int) -> DealSettings:
    actor = _actor(ctx, Role.manager)
    if not 1 <= days <= MAX_PROTECTION_DAYS:
        raise ServiceError(f"Protection lasts between 1 and {MAX_PROTECTION_DAYS} days.")
    settings = ctx.db.get(DealSettings, actor.organization_id)
    before = settings.protection_days if settings else DEFAULT_PROTECTION_DAYS
    if settings is None:
        settings = DealSettings(owner_org_id=actor.organization_id)
        ctx.db.add(settings)
    settings.protection_days = days
    audit.record(
        ctx,
        "deal_settings.updated",
        settings,
        before={"protection_days": before},
        after={"protection_days": days},
        summary=f"Deal registrations now protect for {days} days",
    )
    return settings


def long_date(moment: datetime) -> str:
    """How a protection's end is written to people: "22 January 2027"."""
    return f"{moment:%d %B %Y}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
