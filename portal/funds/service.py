"""Market development funds: the one way each change happens, every step audited.

A vendor's manager sets a partner's allocation for a period. The partner asks for funds for an
activity, within what is left; the vendor approves (possibly less) or rejects with a reason.
After the activity the partner claims what it spent, at most the approved amount, with proof
documents attached to the request; the vendor pays the claim or rejects it (the partner may
claim again). What is left of an allocation is its amount less what approved requests set
aside (the approved amount until paid, then what was paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from documents.models import Document
from partners import audit, sharing
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, User
from partners.roles import OrgKind, OrgStatus, Role
from partners.sharing import AccessLevel, require_role
from portal.funds.models import FundAllocation, FundRequest, FundStatus
from portal.funds.sharing import get_fund_request
from portal.leads.policy import partnership_between

CENT = Decimal("0.01")
#: The largest amount one allocation or request holds.
MAX_AMOUNT = Decimal("1000000000")


def _amount(value: Decimal, what: str) -> Decimal:
    if value is None or not value.is_finite() or value <= 0:
        raise ServiceError(f"The {what} must be more than zero.")
    if value != value.quantize(CENT):
        raise ServiceError(f"The {what} has at most two decimal places.")
    if value > MAX_AMOUNT:
        raise ServiceError(f"The {what} is at most {MAX_AMOUNT:,}.")
    return value.quantize(CENT)


def _vendor_manager(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.manager)
    if actor.organization.kind != OrgKind.vendor:
        raise NotFound()
    return actor


def _partner_member(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    return actor


# Allocations ---------------------------------------------------------------------------------


def set_allocation(
    ctx: ServiceContext, partner_org_id: int, starts_on: date, ends_on: date, amount: Decimal
) -> FundAllocation:
    """Set (or change) a partner's funds for the period starting ``starts_on``. An allocation
    never drops below what its approved requests already set aside."""
    actor = _vendor_manager(ctx)
    partnership = partnership_between(ctx.db, actor.organization_id, partner_org_id)
    if partnership is None or partnership.status != OrgStatus.active:
        raise ServiceError("Choose one of your active partners.")
    if ends_on < starts_on:
        raise ServiceError("The period ends after it starts.")
    amount = _amount(amount, "allocation")
    allocation = ctx.db.scalar(
        select(FundAllocation).where(
            FundAllocation.vendor_org_id == actor.organization_id,
            FundAllocation.partner_org_id == partner_org_id,
            FundAllocation.starts_on == starts_on,
        )
    )
    before = None
    if allocation is None:
        allocation = FundAllocation(
            vendor_org_id=actor.organization_id,
            partner_org_id=partner_org_id,
            starts_on=starts_on,
            created_by_id=actor.id,
            created_at=ctx.now(),
        )
        ctx.db.add(allocation)
    else:
        committed = balance(ctx.db, allocation).committed
        if amount < committed:
            raise ServiceError(
                f"Approved requests already set aside {committed:,.2f} of this allocation."
            )
        before = {"amount": str(allocation.amount), "ends_on": allocation.ends_on.isoformat()}
    allocation.ends_on, allocation.amount = ends_on, amount
    ctx.db.flush()
    partner = ctx.db.get_one(Organization, partner_org_id)
    audit.record(
        ctx,
        "funds.allocation_set",
        allocation,
        subject_org=partner,
        before=before,
        after={"amount": str(amount), "starts_on": starts_on.isoformat()},
        summary=f"Funds for {partner.name} from {starts_on:%Y-%m-%d}: {amount:,.2f}",
    )
    return allocation


@dataclass(frozen=True)
class Balance:
    """One allocation's money: what it holds, what approved requests set aside, what was
    claimed and paid, and what is left to request."""

    allocated: Decimal
    committed: Decimal
    claimed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.committed


_COMMITTING = [status for status in FundStatus if status.commits_funds]
_COMMITTED = case(
    (FundRequest.status == FundStatus.paid, FundRequest.amount_paid),
    (FundRequest.status.in_(_COMMITTING), FundRequest.amount_approved),
    else_=0,
)


def balances(db: Session, allocations: list[FundAllocation]) -> dict[int, Balance]:
    """Each allocation's balance, in one query."""
    ids = [allocation.id for allocation in allocations]
    sums = {
        row.allocation_id: row
        for row in db.execute(
            select(
                FundRequest.allocation_id,
                func.coalesce(func.sum(_COMMITTED), 0).label("committed"),
                func.coalesce(
                    func.sum(
                        case((FundRequest.status == FundStatus.claimed, FundRequest.amount_claimed))
                    ),
                    0,
                ).label("claimed"),
                func.coalesce(func.sum(FundRequest.amount_paid), 0).label("paid"),
            )
            .where(FundRequest.allocation_id.in_(ids))
            .group_by(FundRequest.allocation_id)
        )
    }
    zero = Decimal("0.00")
    result = {}
    for allocation in allocations:
        row = sums.get(allocation.id)
        result[allocation.id] = Balance(
            allocation.amount,
            *(Decimal(getattr(row, k)).quantize(CENT) if row else zero for k in _SUMS),
        )
    return result


_SUMS = ("committed", "claimed", "paid")


def balance(db: Session, allocation: FundAllocation) -> Balance:
    return balances(db, [allocation])[allocation.id]


def allocations_for(db: Session, viewer: User) -> list[FundAllocation]:
    """The allocations the viewer's organization set (a vendor) or received (a partner),
    newest period first: another partner's never."""
    org = viewer.organization_id
    query = select(FundAllocation).where(
        (FundAllocation.vendor_org_id == org) | (FundAllocation.partner_org_id == org)
    )
    return list(db.scalars(query.order_by(FundAllocation.starts_on.desc(), FundAllocation.id)))


def organization_names(db: Session, ids: set[int]) -> dict[int, str]:
    """The names of the organizations a funds page names (only those it already shows)."""
    rows = db.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids)))
    return dict(rows.all())


def _allocation_for(db: Session, actor: User, allocation_id: int) -> FundAllocation:
    allocation = db.get(FundAllocation, allocation_id)
    if allocation is None or actor.organization_id not in (
        allocation.vendor_org_id,
        allocation.partner_org_id,
    ):
        raise NotFound()
    return allocation


# Requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDetails:
    activity: str
    amount: Decimal
    description: str = ""
    expected_leads: int | None = None
    campaign_id: int | None = None


def request_funds(ctx: ServiceContext, allocation_id: int, details: RequestDetails) -> FundRequest:
    """The partner asks for funds from one of its allocations, within what is left of it."""
    actor = _partner_member(ctx)
    allocation = _allocation_for(ctx.db, actor, allocation_id)
    if allocation.partner_org_id != actor.organization_id:
        raise NotFound()
    activity = details.activity.strip()
    if not activity:
        raise ServiceError("Say what the funds are for.")
    amount = _amount(details.amount, "amount requested")
    if ctx.now().date() > allocation.ends_on:
        raise ServiceError(f"This allocation ended on {allocation.ends_on:%Y-%m-%d}.")
    left = balance(ctx.db, allocation).remaining
    if amount > left:
        raise ServiceError(f"Only {left:,.2f} is left of this allocation.")
    request = FundRequest(
        owner_org_id=allocation.vendor_org_id,
        partner_org_id=actor.organization_id,
        allocation_id=allocation.id,
        campaign_id=details.campaign_id,
        activity=activity[:200],
        description=details.description.strip(),
        expected_leads=details.expected_leads,
        amount_requested=amount,
        requested_by_id=actor.id,
        created_at=ctx.now(),
        updated_at=ctx.now(),
    )
    ctx.db.add(request)
    sharing.changed(ctx.db, request)
    audit.record(
        ctx,
        "funds.requested",
        request,
        after={"amount": str(amount), "activity": request.activity},
        summary=f"{actor.organization.name} requests {amount:,.2f} for {request.activity}",
    )
    return request


def _owned(ctx: ServiceContext, request_id: int, status: FundStatus) -> FundRequest:
    actor = _vendor_manager(ctx)
    request = get_fund_request(ctx.db, actor, request_id, AccessLevel.edit)
    if request.owner_org_id != actor.organization_id:
        raise NotFound()
    if request.status != status:
        raise ServiceError(f"This request is {request.status.label.lower()}: nothing to decide.")
    return request


def decide_request(
    ctx: ServiceContext,
    request_id: int,
    approve: bool,
    amount: Decimal | None = None,
    reason: str = "",
) -> FundRequest:
    """Approve the request (the amount asked, or less, within what is left) or reject it; a
    rejection, or an approval of less, says why."""
    request = _owned(ctx, request_id, FundStatus.submitted)
    reason = reason.strip()[:500]
    if approve:
        granted = request.amount_requested if amount is None else _amount(amount, "amount")
        if granted > request.amount_requested:
            raise ServiceError(
                f"Approve at most the {request.amount_requested:,.2f} the partner asked for."
            )
        if granted < request.amount_requested and not reason:
            raise ServiceError("Say why you approve less than the partner asked for.")
        allocation = ctx.db.get_one(FundAllocation, request.allocation_id)
        left = balance(ctx.db, allocation).remaining
        if granted > left:
            raise ServiceError(f"Only {left:,.2f} is left of this partner's allocation.")
        request.amount_approved, request.status = granted, FundStatus.approved
        return _decided(ctx, request, "funds.approved", reason, granted)
    if not reason:
        raise ServiceError("Say why you reject the request.")
    request.status = FundStatus.rejected
    return _decided(ctx, request, "funds.rejected", reason, None)


def _decided(
    ctx: ServiceContext, request: FundRequest, action: str, reason: str, amount: Decimal | None
) -> FundRequest:
    actor = ctx.actor
    assert actor is not None
    request.decision_reason, request.decided_by_id = reason, actor.id
    request.updated_at = ctx.now()
    ctx.db.flush()
    audit.record(
        ctx,
        action,
        request,
        subject_org_id=request.partner_org_id,
        after={
            "status": request.status.value,
            **({"amount": str(amount)} if amount is not None else {}),
            **({"reason": reason} if reason else {}),
        },
        summary=f"Funds for {request.activity}: {request.status.label.lower()}",
    )
    return request


def proof_documents(db: Session, request: FundRequest) -> list[Document]:
    return list(
        db.scalars(
            select(Document).where(
                Document.attached_type == "fund_request", Document.attached_id == request.id
            )
        )
    )


def claim_funds(
    ctx: ServiceContext, request_id: int, amount: Decimal, note: str = ""
) -> FundRequest:
    """After the activity the partner claims what it spent: at most the approved amount, with
    at least one proof document attached to the request."""
    actor = _partner_member(ctx)
    request = get_fund_request(ctx.db, actor, request_id, AccessLevel.edit)
    if request.partner_org_id != actor.organization_id:
        raise NotFound()
    if request.status not in (FundStatus.approved, FundStatus.claim_rejected):
        raise ServiceError(f"This request is {request.status.label.lower()}: nothing to claim.")
    amount = _amount(amount, "amount claimed")
    assert request.amount_approved is not None
    if amount > request.amount_approved:
        raise ServiceError(
            f"Claim at most the {request.amount_approved:,.2f} approved for this activity."
        )
    if not proof_documents(ctx.db, request):
        raise ServiceError("Attach the proof of spend (invoices, photos) to the request first.")
    request.amount_claimed, request.claim_note = amount, note.strip()
    request.status, request.updated_at = FundStatus.claimed, ctx.now()
    ctx.db.flush()
    audit.record(
        ctx,
        "funds.claimed",
        request,
        after={"amount": str(amount)},
        summary=f"{actor.organization.name} claims {amount:,.2f} for {request.activity}",
    )
    return request


def decide_claim(ctx: ServiceContext, request_id: int, pay: bool, reason: str = "") -> FundRequest:
    """Pay the claim (what was claimed; the rest of the approved amount returns to the
    allocation) or reject it with a reason (the partner may claim again)."""
    request = _owned(ctx, request_id, FundStatus.claimed)
    reason = reason.strip()[:500]
    if pay:
        request.amount_paid, request.status = request.amount_claimed, FundStatus.paid
        return _decided(ctx, request, "funds.paid", reason, request.amount_paid)
    if not reason:
        raise ServiceError("Say why you reject the claim.")
    request.status = FundStatus.claim_rejected
    return _decided(ctx, request, "funds.claim_rejected", reason, None)
