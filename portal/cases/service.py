"""Cases and their notes: the one way each change to a case happens.

A case belongs to the vendor (its owner); the partner on the case takes part with edit access.
A vendor opens a case for one of its partners, or a partner opens one with a vendor it is an
active partner of. Status changes follow :attr:`CaseStatus.next` and are audited; notes are
append-only, and an internal note's audit entry names no other organization, so it never shows
in the partner's audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from partners import audit, sharing
from partners.business_hours import zone
from partners.context import Forbidden, NotFound, ServiceContext, ServiceError
from partners.models import User
from partners.roles import OrgStatus, Role
from partners.sharing import AccessLevel, get_colleague, get_record, get_team, require_role
from portal.cases import sla
from portal.cases.models import (
    PAUSED_STATUSES,
    Case,
    CaseEscalation,
    CaseFeedback,
    CaseNote,
    CaseParty,
    CasePriority,
    CaseSequence,
    CaseSettings,
    CaseSlaTarget,
    CaseStatus,
    EscalationStep,
    NoteVisibility,
)
from portal.cases.sharing import CASES, note_teams
from portal.deals.sharing import DEALS
from portal.leads.policy import partnership_between
from portal.orders.sharing import get_order

MAX_NOTE_LENGTH = 10_000


@dataclass(frozen=True)
class CaseDetails:
    subject: str
    description: str = ""
    priority: CasePriority = CasePriority.normal
    #: The deal or order the case is about, if any: one of the owner's that the actor sees.
    deal_id: int | None = None
    order_id: int | None = None


def _actor(ctx: ServiceContext, role: Role = Role.member) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, role)
    return actor


def _active_partnership(db: Session, owner_id: int, partner_id: int) -> bool:
    partnership = partnership_between(db, owner_id, partner_id)
    return partnership is not None and partnership.status == OrgStatus.active


def open_case_for_partner(
    ctx: ServiceContext,
    partner_id: int,
    details: CaseDetails,
    *,
    assigned_user_id: int | None = None,
    assigned_team_id: int | None = None,
) -> Case:
    """The vendor opens a case for one of its active partners (and may assign it at once)."""
    actor = _actor(ctx)
    if not _active_partnership(ctx.db, actor.organization_id, partner_id):
        raise ServiceError("Choose one of your active partners.")
    case = _new_case(ctx, actor, actor.organization_id, partner_id, details)
    _assign(ctx.db, actor, case, assigned_user_id, assigned_team_id)
    return case


def open_case_with_vendor(ctx: ServiceContext, vendor_id: int, details: CaseDetails) -> Case:
    """A partner opens a case with a vendor it is an active partner of; the vendor owns it."""
    actor = _actor(ctx)
    if not _active_partnership(ctx.db, vendor_id, actor.organization_id):
        raise ServiceError("Choose a vendor you are an active partner of.")
    return _new_case(ctx, actor, vendor_id, actor.organization_id, details)


def _new_case(
    ctx: ServiceContext, actor: User, owner_id: int, partner_id: int, details: CaseDetails
) -> Case:
    subject = details.subject.strip()
    if not subject:
        raise ServiceError("A case needs a subject.")
    _check_links(ctx.db, actor, owner_id, details)
    case = Case(
        owner_org_id=owner_id,
        number=_next_number(ctx.db, owner_id),
        partner_org_id=partner_id,
        subject=subject[:200],
        description=details.description.strip(),
        priority=details.priority,
        status=CaseStatus.open,
        deal_id=details.deal_id,
        order_id=details.order_id,
        opened_by_id=actor.id,
        created_at=ctx.now(),
        updated_at=ctx.now(),
    )
    settings = ctx.db.get(CaseSettings, owner_id)
    case.sla_timezone = settings.timezone if settings else "UTC"
    _set_targets(ctx.db, case)
    sla.keep_clock(case, sla.clock_of(case))
    ctx.db.add(case)
    sharing.changed(ctx.db, case)
    audit.record(
        ctx,
        "case.opened",
        case,
        subject_org_id=_other_party(case, actor),
        summary=f"Case {case.number} opened: {case.subject}",
        after={"status": case.status.value, "priority": case.priority.value},
    )
    return case


def _set_targets(db: Session, case: Case) -> None:
    """The owner's SLA targets for the case's priority (its own, or the defaults)."""
    target = db.get(CaseSlaTarget, (case.owner_org_id, case.priority))
    first, resolution = (
        (target.first_response_hours, target.resolution_hours)
        if target
        else sla.DEFAULT_TARGETS[case.priority.value]
    )
    case.sla_first_response_hours, case.sla_resolution_hours = first, resolution


def _check_links(db: Session, actor: User, owner_id: int, details: CaseDetails) -> None:
    """A case may name a deal or order of its owner that the actor sees; nothing else (the
    same answer for one that does not exist)."""
    try:
        owners: set[int] = set()
        if details.deal_id is not None:
            owners.add(get_record(db, actor, DEALS, details.deal_id).owner_org_id)
        if details.order_id is not None:
            owners.add(get_order(db, actor, details.order_id).owner_org_id)
        if owners - {owner_id}:
            raise NotFound()
    except NotFound:
        raise ServiceError("Name a deal or order of this vendor that you can see.") from None


def _next_number(db: Session, owner_id: int) -> int:
    """The owner's next case number, counted up in one statement (an upsert that returns the
    new value), so two cases opened at once never get the same one."""
    insert = (postgresql if db.get_bind().dialect.name == "postgresql" else sqlite).insert
    statement = insert(CaseSequence).values(owner_org_id=owner_id, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=[CaseSequence.owner_org_id],
        set_={"last_number": CaseSequence.last_number + 1},
    ).returning(CaseSequence.last_number)
    return db.execute(statement).scalar_one()


def _other_party(case: Case, actor: User) -> int | None:
    """The organization on the other side of the case from the actor (for the audit trail)."""
    return case.partner_org_id if actor.organization_id == case.owner_org_id else case.owner_org_id


# Status ----------------------------------------------------------------------------------------


def next_statuses(case: Case, actor: User) -> tuple[CaseStatus, ...]:
    """Where the actor may move the case: forward, or reopened; only the vendor puts it in the
    partner's court."""
    vendor = actor.organization_id == case.owner_org_id
    return tuple(
        status for status in case.status.next if vendor or status != CaseStatus.waiting_on_partner
    )


def change_status(ctx: ServiceContext, case_id: int, status: CaseStatus) -> Case:
    """Move the case on (or reopen it); needs edit access, as the vendor and the partner have."""
    actor = _actor(ctx)
    case = get_record(ctx.db, actor, CASES, case_id, AccessLevel.edit)
    if status == case.status:
        return case
    if status not in next_statuses(case, actor):
        raise ServiceError(f"A case that is {case.status.label.lower()} cannot move to that.")
    _set_status(ctx, actor, case, status)
    return case


def _set_status(ctx: ServiceContext, actor: User, case: Case, status: CaseStatus) -> None:
    before = case.status
    case.status, case.updated_at = status, ctx.now()
    if status == CaseStatus.open:  # reopened
        case.resolved_at = case.closed_at = None
    elif status == CaseStatus.resolved:
        case.resolved_at = ctx.now()
    elif status == CaseStatus.closed:
        case.closed_at = ctx.now()
    clock = sla.clock_of(case)
    clock = clock.pause(ctx.now()) if status in PAUSED_STATUSES else clock.resume(ctx.now())
    sla.keep_clock(case, clock)
    audit.record(
        ctx,
        "case.status_changed",
        case,
        subject_org_id=_other_party(case, actor),
        before={"status": before.value},
        after={"status": status.value},
        summary=f"Case {case.number}: {before.label} → {status.label}",
    )


# Triage ----------------------------------------------------------------------------------------


def triage_case(
    ctx: ServiceContext,
    case_id: int,
    priority: CasePriority,
    assigned_user_id: int | None,
    assigned_team_id: int | None,
) -> Case:
    """The vendor sets the priority and who of its people works the case."""
    actor = _actor(ctx)
    case = get_record(ctx.db, actor, CASES, case_id, AccessLevel.edit)
    if case.owner_org_id != actor.organization_id:
        raise Forbidden("Only the vendor triages its cases.")
    before = _triage(case)
    case.priority = priority
    _assign(ctx.db, actor, case, assigned_user_id, assigned_team_id)
    after = _triage(case)
    if after != before:
        case.updated_at = ctx.now()
        if after["priority"] != before["priority"]:
            _set_targets(ctx.db, case)
            sla.keep_clock(case, sla.clock_of(case))
        audit.record(
            ctx,
            "case.triaged",
            case,
            before=before,
            after=after,
            summary=f"Case {case.number}: priority {priority.label.lower()}",
        )
    return case


def _triage(case: Case) -> dict:
    return {
        "priority": case.priority.value,
        "assigned_user": case.assigned_user_id,
        "assigned_team": case.assigned_team_id,
    }


def _assign(db: Session, actor: User, case: Case, user_id: int | None, team_id: int | None) -> None:
    """Assign the case to people of the owner (the actor's organization) only."""
    try:
        case.assigned_user_id = get_colleague(db, actor, user_id).id if user_id else None
        case.assigned_team_id = get_team(db, actor, team_id).id if team_id else None
    except NotFound:
        raise ServiceError("Assign the case to someone of your organization.") from None


# Notes -----------------------------------------------------------------------------------------


def add_note(
    ctx: ServiceContext,
    case_id: int,
    body: str,
    visibility: NoteVisibility,
    team_id: int | None = None,
) -> CaseNote:
    """Append a note to the case's timeline; needs edit access to the case.

    ``internal`` notes are read by the author's organization only, or with ``team_id`` by one
    of the author's teams only. A shared note from the partner puts a case that waits on it
    back in progress.
    """
    actor = _actor(ctx)
    case = get_record(ctx.db, actor, CASES, case_id, AccessLevel.edit)
    text = body.strip()
    if not text:
        raise ServiceError("Write the note first.")
    if len(text) > MAX_NOTE_LENGTH:
        raise ServiceError(f"A note has at most {MAX_NOTE_LENGTH:,} characters.")
    if case.status == CaseStatus.closed:
        raise ServiceError("The case is closed: reopen it to add a note.")
    if team_id is not None and (
        visibility != NoteVisibility.internal
        or team_id not in {team.id for team in note_teams(ctx.db, actor)}
    ):
        raise ServiceError("An internal note can be kept to one of your own teams only.")
    note = CaseNote(
        case_id=case.id,
        author_id=actor.id,
        author_org_id=actor.organization_id,
        visibility=visibility,
        team_id=team_id,
        body=text,
        created_at=ctx.now(),
    )
    ctx.db.add(note)
    ctx.db.flush()
    case.updated_at = ctx.now()
    shared = visibility == NoteVisibility.shared
    if shared and actor.organization_id == case.owner_org_id and not case.first_responded_at:
        case.first_responded_at = ctx.now()
        sla.keep_clock(case, sla.clock_of(case))
    audit.record(
        ctx,
        "case.note_added",
        case,
        # An internal note is nobody else's business, not even that it exists.
        subject_org_id=_other_party(case, actor) if shared else None,
        summary=f"{visibility.label} note on case {case.number}",
        after={"note": note.id, "visibility": visibility.value, "team": team_id},
    )
    if (
        shared
        and case.status == CaseStatus.waiting_on_partner
        and actor.organization_id == case.partner_org_id
    ):
        _set_status(ctx, actor, case, CaseStatus.in_progress)
    return note


# SLA policy ------------------------------------------------------------------------------------


def sla_policy(db: Session, owner_id: int) -> tuple[str, dict[CasePriority, tuple[int, int]]]:
    """The owner's calendar and its (first response, resolution) hours per priority."""
    settings = db.get(CaseSettings, owner_id)
    own = {
        target.priority: (target.first_response_hours, target.resolution_hours)
        for target in db.scalars(
            select(CaseSlaTarget).where(CaseSlaTarget.owner_org_id == owner_id)
        )
    }
    return settings.timezone if settings else "UTC", {
        priority: own.get(priority, sla.DEFAULT_TARGETS[priority.value])
        for priority in CasePriority
    }


#: The longest target a policy may set, in business hours (a quarter of working days).
MAX_TARGET_HOURS = 500


def save_sla_policy(
    ctx: ServiceContext, timezone: str, targets: dict[CasePriority, tuple[int, int]]
) -> None:
    """A vendor admin sets its calendar and SLA targets; they apply to cases opened or
    re-prioritised from now on (a case keeps the promise made to it)."""
    actor = _actor(ctx, Role.admin)
    if zone(timezone).key != timezone:
        raise ServiceError("Give the timezone as an IANA name, e.g. Europe/Berlin.")
    for first, resolution in targets.values():
        if not 1 <= first <= resolution <= MAX_TARGET_HOURS:
            raise ServiceError(
                "Each target is 1 to 500 business hours, and a first response comes no later "
                "than the resolution."
            )
    owner_id = actor.organization_id
    before = sla_policy(ctx.db, owner_id)
    settings = ctx.db.get(CaseSettings, owner_id) or CaseSettings(owner_org_id=owner_id)
    settings.timezone = timezone
    ctx.db.add(settings)
    for priority, (first, resolution) in targets.items():
        target = ctx.db.get(CaseSlaTarget, (owner_id, priority)) or CaseSlaTarget(
            owner_org_id=owner_id, priority=priority
        )
        target.first_response_hours, target.resolution_hours = first, resolution
        ctx.db.add(target)
    ctx.db.flush()
    audit.record(
        ctx,
        "case_sla.updated",
        settings,
        before=_policy_record(before),
        after=_policy_record((timezone, targets)),
        summary=f"Case SLAs updated ({timezone})",
    )


def _policy_record(policy: tuple[str, dict[CasePriority, tuple[int, int]]]) -> dict:
    timezone, targets = policy
    return {"timezone": timezone} | {p.value: list(hours) for p, hours in targets.items()}


# Escalation ------------------------------------------------------------------------------------

#: Share of a target at which a case is escalated as nearing it.
NEARING = 0.8


def escalate_cases(ctx: ServiceContext) -> int:
    """Raise the priority of each case whose running clock has run 80 % of its target, and
    again past it (the worker runs this). Each step is taken once per case and clock (a
    ``case_escalation`` row), audited as ``case.escalated``."""
    now, count = ctx.now(), 0
    running = select(Case).where(
        (Case.first_response_due_at.is_not(None)) | (Case.resolution_due_at.is_not(None))
    )
    for case in ctx.db.scalars(running).all():
        clock = sla.clock_of(case)
        steps = select(CaseEscalation.clock, CaseEscalation.step)
        taken = {
            tuple(row) for row in ctx.db.execute(steps.where(CaseEscalation.case_id == case.id))
        }
        for name, hours, due in (
            ("first_response", case.sla_first_response_hours, case.first_response_due_at),
            ("resolution", case.sla_resolution_hours, case.resolution_due_at),
        ):
            if due is None or hours is None:
                continue
            share = clock.running_time(now) / timedelta(hours=hours)
            step = (
                EscalationStep.breached
                if share > 1
                else EscalationStep.nearing
                if share >= NEARING
                else None
            )
            if step is None or (name, step) in taken:
                continue
            _escalate(ctx, case, name, step)
            taken.add((name, step))
            count += 1
    return count


def _escalate(ctx: ServiceContext, case: Case, clock: str, step: EscalationStep) -> None:
    ctx.db.add(CaseEscalation(case_id=case.id, clock=clock, step=step, escalated_at=ctx.now()))
    before = case.priority
    case.priority, case.updated_at = before.raised, ctx.now()
    if case.priority != before:
        _set_targets(ctx.db, case)
        sla.keep_clock(case, sla.clock_of(case))
    audit.record(
        ctx,
        "case.escalated",
        case,
        subject_org_id=None,
        before={"priority": before.value},
        after={"priority": case.priority.value, "clock": clock, "step": step.value},
        summary=f"Case {case.number} escalated: {clock.replace('_', ' ')} {step.value}",
    )


# Handoffs --------------------------------------------------------------------------------------


def involve_partner(ctx: ServiceContext, case_id: int, partner_id: int) -> Case:
    """The vendor brings another of its active partners into a case: it then sees the case and
    its shared notes (never the vendor's internal ones) and may add notes, as a participant."""
    actor = _actor(ctx)
    case = get_record(ctx.db, actor, CASES, case_id, AccessLevel.edit)
    if case.owner_org_id != actor.organization_id:
        raise Forbidden("Only the vendor involves other partners.")
    if partner_id == case.partner_org_id or ctx.db.get(CaseParty, (case.id, partner_id)):
        raise ServiceError("That partner is on the case already.")
    if not _active_partnership(ctx.db, actor.organization_id, partner_id):
        raise ServiceError("Choose one of your active partners.")
    ctx.db.add(CaseParty(case_id=case.id, organization_id=partner_id, added_at=ctx.now()))
    sharing.changed(ctx.db, case)
    case.updated_at = ctx.now()
    audit.record(
        ctx,
        "case.partner_involved",
        case,
        subject_org_id=partner_id,
        after={"organization": partner_id},
        summary=f"Another partner involved in case {case.number}",
    )
    return case


# Feedback --------------------------------------------------------------------------------------


def rate_case(ctx: ServiceContext, case_id: int, rating: int, comment: str = "") -> CaseFeedback:
    """The partner on a closed case rates its resolution, once (1–5 and a comment)."""
    actor = _actor(ctx)
    case = get_record(ctx.db, actor, CASES, case_id)
    if actor.organization_id != case.partner_org_id:
        raise Forbidden("Only the partner on the case rates it.")
    if case.status != CaseStatus.closed:
        raise ServiceError("A case is rated once it is closed.")
    if ctx.db.get(CaseFeedback, case.id) is not None:
        raise ServiceError("This case is rated already.")
    if not 1 <= rating <= 5:
        raise ServiceError("Rate the resolution from 1 to 5.")
    feedback = CaseFeedback(
        case_id=case.id,
        rating=rating,
        comment=comment.strip()[:MAX_NOTE_LENGTH],
        author_id=actor.id,
        created_at=ctx.now(),
    )
    ctx.db.add(feedback)
    ctx.db.flush()
    audit.record(
        ctx,
        "case.rated",
        case,
        subject_org_id=case.owner_org_id,
        after={"rating": rating},
        summary=f"Case {case.number} rated {rating}/5",
    )
    return feedback
