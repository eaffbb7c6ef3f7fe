"""What notifies whom by default: for each event type, the kind, the people it concerns, the
text and the link.

A rule only narrows: the consumer intersects the people a rule names with the event's knowers
(``partners.sharing.knowers.knowing_users``), so a rule never decides who may see a record.
The text names only the record itself (a lead's company, a deal's customer, a case's number
and subject), which every knower sees on the record's page; never a note's body or another
organization's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from partners.events import Event
from partners.models import TeamMembership, User
from partners.roles import Role
from portal.cases.models import Case, CaseNote
from portal.deals.models import Deal
from portal.leads.models import Lead
from portal.notifications import kinds

#: Who may claim a lead for their organization.
CLAIMERS = (Role.member, Role.manager, Role.admin)
REVIEWERS = (Role.manager, Role.admin)


@dataclass(frozen=True)
class Told:
    """What a rule says about one event: to whom (a condition on ``User``), what, where."""

    kind: str
    audience: ColumnElement[bool]
    text: str
    link: str


Rule = Callable[[Session, Event], Told | None]


def _lead_shared(db: Session, event: Event) -> Told | None:
    lead = db.get(Lead, event.record_id)
    if lead is None:
        return None
    # The receiving organizations' claimers; the owner (and the forwarder) already know.
    elsewhere = User.organization_id.not_in([lead.owner_org_id, event.actor_org_id or 0])
    return Told(
        kinds.LEAD_SHARED,
        elsewhere & User.role.in_(CLAIMERS),
        f"New lead in your inbox: {lead.company}",
        f"/leads/{lead.id}",
    )


def _deal_registered(db: Session, event: Event) -> Told | None:
    deal = db.get(Deal, event.record_id)
    if deal is None:
        return None
    return Told(
        kinds.DEAL_REGISTRATION,
        (User.organization_id == deal.owner_org_id) & User.role.in_(REVIEWERS),
        f"Deal registration waiting for review: {deal.customer}",
        f"/deals/{deal.id}",
    )


def _deal_decided(db: Session, event: Event) -> Told | None:
    deal = db.get(Deal, event.record_id)
    if deal is None or deal.created_by_id is None:
        return None
    outcome = event.type.removeprefix("deal.registration_")
    return Told(
        kinds.DEAL_DECISION,
        User.id == deal.created_by_id,
        f"Your deal registration of {deal.customer} was {outcome}",
        f"/deals/{deal.id}",
    )


def _on_the_case(case: Case) -> ColumnElement[bool]:
    """The people on a case: who opened it, its assignee and assigned team, the authors of its
    notes, and the owner's managers (who triage it)."""
    involved = [User.id.in_(select(CaseNote.author_id).where(CaseNote.case_id == case.id))]
    people = (case.opened_by_id, case.assigned_user_id)
    involved += [User.id == person for person in people if person]
    if case.assigned_team_id:
        members = select(TeamMembership.user_id).where(
            TeamMembership.team_id == case.assigned_team_id
        )
        involved.append(User.id.in_(members))
    involved.append((User.organization_id == case.owner_org_id) & User.role.in_(REVIEWERS))
    return or_(*involved)


_CASE_TEXT = {
    "case.opened": "opened",
    "case.note_added": "a new note",
    "case.status_changed": "status changed to {status}",
}


def _case_activity(db: Session, event: Event) -> Told | None:
    case = db.get(Case, event.record_id)
    if case is None:
        return None
    status = (event.payload.get("after") or {}).get("status", "")
    what = _CASE_TEXT[event.type].format(status=status.replace("_", " "))
    return Told(
        kinds.CASE_ACTIVITY,
        _on_the_case(case),
        f"Case {case.number} “{case.subject}”: {what}",
        f"/cases/{case.id}",
    )


def _case_assigned(db: Session, event: Event) -> Told | None:
    before, after = event.payload.get("before") or {}, event.payload.get("after") or {}
    assignee = after.get("assigned_user")
    case = db.get(Case, event.record_id)
    if case is None or assignee is None or assignee == before.get("assigned_user"):
        return None
    return Told(
        kinds.CASE_ASSIGNED,
        User.id == assignee,
        f"Case {case.number} “{case.subject}” was assigned to you",
        f"/cases/{case.id}",
    )


#: Event type → its rule. The consumer reads exactly these types.
RULES: dict[str, Rule] = {
    "lead.published": _lead_shared,
    "lead.forwarded": _lead_shared,
    "deal.registered": _deal_registered,
    "deal.registration_approved": _deal_decided,
    "deal.registration_rejected": _deal_decided,
    "case.opened": _case_activity,
    "case.note_added": _case_activity,
    "case.status_changed": _case_activity,
    "case.triaged": _case_assigned,
}
