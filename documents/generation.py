"""Generated documents: build a kind's view model from records the actor may see, render it with
the organization's replacement template (or the default), store it as a document, and share it
with the partner it concerns.

A view model holds only what its recipient may read (``documents.generate.models``): a deal
registration confirmation has no field for a competing registration, a lead handoff lists only
the activity the recipient's own organization logged.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from documents.blobs import local_copy
from documents.content import RejectedUpload
from documents.generate import CheckedTemplate, DocumentKind, check_template, get_kind, render
from documents.generate import models as vm
from documents.generate.render import MAX_TEMPLATE_BYTES
from documents.models import Document, DocumentTemplate
from documents.service import Details, Upload, share_document, upload_document
from partners import audit
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, Partnership, User
from partners.roles import Role
from partners.sharing import AccessLevel, get_managed_partnership, get_record, require_role
from partners.sharing.models import RecordType
from partners.sharing.registry import kind_of
from portal.deals.models import Deal, Registration
from portal.deals.service import protection_days
from portal.leads import queries as lead_queries
from portal.leads import scoring
from portal.leads.models import Lead
from portal.leads.policy import partnership_between

#: Deals carry no currency yet; confirmations state amounts in this one.
DEAL_CURRENCY = "USD"
GENERATED_TAG = "generated"
GENERATED_FOLDER = "Generated"
#: Generous: a filled default template is tens of KiB, an admin's with a logo a few MiB.
MAX_GENERATED_BYTES = 50 * 1024 * 1024


class TemplateRefused(ServiceError):
    """A replacement template was refused; ``problems`` lists each placeholder problem."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


def _actor(ctx: ServiceContext, role: Role) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, role)
    return actor


def _party(org: Organization) -> vm.Party:
    return vm.Party(org.name)


def _zone(partnership: Partnership | None) -> ZoneInfo:
    return ZoneInfo(partnership.timezone if partnership else "UTC")


# Rendering and storing ---------------------------------------------------------------------------


def template_for(db: Session, organization_id: int, kind: str) -> DocumentTemplate | None:
    return db.get(DocumentTemplate, (organization_id, kind))


def _render(ctx: ServiceContext, kind: DocumentKind, view_model: object) -> bytes:
    """The organization's replacement template if it has one (checked again on use)."""
    assert ctx.actor is not None
    saved = template_for(ctx.db, ctx.actor.organization_id, kind.name)
    if saved is None:
        return render(kind, view_model)
    with local_copy(ctx.files(), saved.sha256) as template:
        try:
            return render(kind, view_model, template)
        except RejectedUpload as refused:
            raise ServiceError(
                f"Your organization's {kind.title.lower()} template cannot be used any more "
                f"({refused.message}). Replace it or go back to the default on the templates "
                "page."
            ) from None


def _store(
    ctx: ServiceContext, kind: DocumentKind, view_model: object, title: str, recipient: int
) -> Document:
    """Render, store as a document of the actor's organization, share with ``recipient``."""
    data = _render(ctx, kind, view_model)
    filename = f"{title}.docx"
    upload = Upload(io.BytesIO(data), filename, max_bytes=MAX_GENERATED_BYTES)
    details = Details(title=title, folder=GENERATED_FOLDER, tags=(GENERATED_TAG,))
    document = upload_document(ctx, upload, details, generated_kind=kind.name)
    organization = ctx.db.get_one(Organization, recipient)
    share_document(
        ctx, document.id, organization=organization, reason=f"{kind.title} for {organization.name}"
    )
    audit.record(
        ctx,
        "document.generated",
        document,
        subject_org=organization,
        summary=f"{kind.title} generated for {organization.name}",
        after={"kind": kind.name, "recipient": organization.id},
    )
    return document


# The kinds -------------------------------------------------------------------------------------


def generate_partner_agreement(ctx: ServiceContext, partnership_id: int) -> Document:
    """The agreement for one of the actor's partnerships: tier, region, terms, signatories."""
    actor = _actor(ctx, Role.manager)
    partnership = get_managed_partnership(ctx.db, actor, partnership_id)
    vendor, partner = partnership.parent, partnership.child
    signatory = ctx.db.scalar(
        select(User)
        .where(User.organization_id == partner.id, User.role == Role.admin)
        .order_by(User.id)
    )
    days = protection_days(ctx.db, vendor.id)
    agreement = vm.PartnerAgreement(
        reference=f"PA-{partnership.id:05d}",
        vendor=_party(vendor),
        partner=_party(partner),
        tier=partnership.tier.label,
        region=partnership.region or "Worldwide",
        effective_date=partnership.created_at.astimezone(_zone(partnership)).date(),
        terms=(
            vm.Term("Tier", f"{partner.name} is a {partnership.tier.label} partner."),
            vm.Term("Territory", f"{partnership.region or 'Worldwide'}."),
            vm.Term(
                "Deal registration", f"Approved deal registrations are protected for {days} days."
            ),
            vm.Term(
                "Term",
                "Twelve months from the effective date, renewed unless either party gives notice.",
            ),
        ),
        signatories=tuple(
            vm.Signatory(user.organization.name, user.display_name, user.role.label)
            for user in (actor, signatory)
            if user is not None
        ),
    )
    kind = get_kind("partner_agreement")
    return _store(ctx, kind, agreement, f"Partner agreement - {partner.name}", partner.id)


def generate_deal_confirmation(ctx: ServiceContext, deal_id: int) -> Document:
    """The confirmation of an approved registration, for the registrant only."""
    actor = _actor(ctx, Role.manager)
    deal = get_record(ctx.db, actor, kind_of(RecordType.deal), deal_id, AccessLevel.manage)
    if deal.owner_org_id != actor.organization_id:
        raise NotFound()
    if deal.registration != Registration.approved or deal.partner_org_id is None:
        raise ServiceError("Only an approved deal registration has a confirmation.")
    partner = ctx.db.get_one(Organization, deal.partner_org_id)
    zone = _zone(partnership_between(ctx.db, deal.owner_org_id, partner.id))
    confirmation = vm.DealRegistrationConfirmation(
        registration_number=f"DR-{deal.id:06d}",
        vendor=_party(ctx.db.get_one(Organization, deal.owner_org_id)),
        partner=_party(partner),
        customer=vm.Party(deal.customer),
        opportunity=deal.name,
        approved_on=_local_date(deal.decided_at, zone),
        protection_until=_local_date(deal.protected_until, zone),
        currency=DEAL_CURRENCY,
        lines=_deal_lines(deal),
    )
    kind = get_kind("deal_registration_confirmation")
    return _store(ctx, kind, confirmation, f"Registration {deal.customer}", partner.id)


def _local_date(moment: datetime | None, zone: ZoneInfo) -> date:
    assert moment is not None, "an approved registration has its decision and protection dates"
    return moment.astimezone(zone).date()


def _deal_lines(deal: Deal) -> tuple[vm.LineItem, ...]:
    return tuple(
        vm.LineItem(
            product=line.product,
            sku="",
            quantity=line.quantity,
            amount=(line.unit_price or Decimal(0)) * line.quantity,
        )
        for line in deal.products
    )


def generate_lead_handoff(ctx: ServiceContext, lead_id: int) -> Document:
    """The owner hands a claimed lead to its claimant: the lead, its score explained, and the
    activity the claimant's organization may see (its own, never the owner's or others')."""
    actor = _actor(ctx, Role.member)
    lead = get_record(ctx.db, actor, kind_of(RecordType.lead), lead_id, AccessLevel.manage)
    if lead.owner_org_id != actor.organization_id:
        raise NotFound()
    if lead.claimed_by_org_id is None:
        raise ServiceError("A lead is handed off once a partner has claimed it.")
    recipient = ctx.db.get_one(Organization, lead.claimed_by_org_id)
    zone = _zone(partnership_between(ctx.db, lead.owner_org_id, recipient.id))
    explanation = scoring.explain(ctx.db, lead)
    handoff = vm.LeadHandoff(
        vendor=_party(ctx.db.get_one(Organization, lead.owner_org_id)),
        partner=_party(recipient),
        lead=vm.LeadDetails(
            company=lead.company,
            contact_name=lead.contact_name,
            contact_email=lead.contact_email,
            country=lead.country,
            industry=lead.industry,
            product_line=lead.product_line,
        ),
        handed_off_on=ctx.now().astimezone(zone).date(),
        score=lead.score,
        score_lines=tuple(vm.ScoreLine(line.points, line.reason) for line in explanation.lines),
        activities=_activities(ctx.db, lead, recipient, zone),
    )
    kind = get_kind("lead_handoff")
    return _store(ctx, kind, handoff, f"Lead handoff - {lead.company}", recipient.id)


def _activities(
    db: Session, lead: Lead, recipient: Organization, zone: ZoneInfo
) -> tuple[vm.ActivityEntry, ...]:
    # The timeline as any person of the recipient sees it: it depends on their organization only.
    seen = lead_queries.timeline(db, User(organization_id=recipient.id), lead)
    authors = {
        user.id: user.display_name
        for user in db.scalars(select(User).where(User.id.in_({a.user_id for a in seen})))
    }
    return tuple(
        vm.ActivityEntry(
            at=activity.at.astimezone(zone),
            kind=activity.kind.label,
            by=authors.get(activity.user_id, recipient.name),
            note=activity.body,
        )
        for activity in reversed(seen)  # oldest first, as a story reads
    )


# Replacement templates -------------------------------------------------------------------------


def upload_template(
    ctx: ServiceContext, kind_name: str, stream: BinaryIO, filename: str
) -> CheckedTemplate:
    """Replace the organization's template of a kind (admins); raises TemplateRefused."""
    actor = _actor(ctx, Role.admin)
    kind = get_kind_or_404(kind_name)
    try:
        checked = check_template(kind, stream, filename, max_bytes=MAX_TEMPLATE_BYTES)
    except RejectedUpload as refused:
        raise TemplateRefused(refused.message, getattr(refused, "problems", ())) from None
    blob = ctx.files().put(stream, max_bytes=MAX_TEMPLATE_BYTES)
    saved = template_for(ctx.db, actor.organization_id, kind.name)
    before = {"filename": saved.filename, "sha256": saved.sha256} if saved else None
    if saved is None:
        saved = DocumentTemplate(organization_id=actor.organization_id, kind=kind.name)
        ctx.db.add(saved)
    saved.sha256, saved.size, saved.filename = blob.sha256, blob.size, checked.filename
    saved.uploaded_by_id, saved.uploaded_at = actor.id, ctx.now()
    ctx.db.flush()
    audit.record(
        ctx,
        "document_template.replaced",
        saved,
        summary=f"{kind.title} template replaced by {checked.filename}",
        before=before,
        after={"filename": checked.filename, "sha256": blob.sha256},
    )
    return checked


def reset_template(ctx: ServiceContext, kind_name: str) -> None:
    """Go back to the default template of the kind (admins)."""
    actor = _actor(ctx, Role.admin)
    kind = get_kind_or_404(kind_name)
    saved = template_for(ctx.db, actor.organization_id, kind.name)
    if saved is None:
        return
    audit.record(
        ctx,
        "document_template.reset",
        saved,
        summary=f"{kind.title} template back to the default",
        before={"filename": saved.filename, "sha256": saved.sha256},
    )
    ctx.db.delete(saved)
    ctx.db.flush()


def get_kind_or_404(name: str) -> DocumentKind:
    """The kind named in a URL; NotFound for any other name."""
    try:
        return get_kind(name)
    except LookupError:
        raise NotFound() from None
