"""Who may know of an event: the organizations and people who may see its record, now.

The same predicate as every list, in both directions. :func:`event_filter` is the forward one
(a WHERE clause on ``event`` for one viewer, built on ``records.record_filter``): the activity
feed reads with it. :func:`knowing_users` and :func:`knowing_organizations` are the reverse, for
consumers that fan an event out (notifications, webhooks): for a batch of events, one
set-based query per kind joins each record's grant rows to the organizations and people their
audiences cover (``audiences.audience_members``), with the predicate's conditions (exclusions,
the pool, members who see only their own records, team audiences) as SQL, never a loop per user.

- Shared kinds (``registry.registered``): whoever the record's grants reach; for a kind with
  attachments (documents), also whoever sees the record it is attached to.
- Party records (``registry.party_records``: orders): everyone in the organizations named on
  them (the vendor and the buyer).
- A case note's event (``case.note_added`` on the case): a shared note's, whoever sees the case;
  an internal one's, only the author's organization among them (only the note's team and the
  organization's managers, if it names a team), as ``notes.note_filter`` reads notes. The event
  carries what that needs (its payload's ``visibility`` and ``team``, the actor's organization).
- Any other record (a partnership, a user, a sharing rule, a share, a trading partner…): the
  organizations the event names (actor and subject), and within them their admins, who read
  their organization's audit trail. These events are not in the activity feed.

A record deleted since the event has no knowers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from partners.events import Event
from partners.models import Organization, TeamMembership, User
from partners.roles import Role
from partners.sharing.audiences import Viewer, audience_members
from partners.sharing.kinds import PartyRecords, SharedKind
from partners.sharing.models import GrantSource
from partners.sharing.records import record_filter
from partners.sharing.registry import party_records, registered, registered_records

#: The event of a case note, and the payload values that say who reads it.
NOTE_EVENT = "case.note_added"
INTERNAL = "internal"
MANAGERS = tuple(role for role in Role if role >= Role.manager)


def shared_nouns() -> tuple[str, ...]:
    """The record types whose events the predicate decides (the feed's record kinds)."""
    return tuple(kind.noun for kind in registered_records())


def _internal_note() -> ColumnElement[bool]:
    visibility = func.coalesce(Event.payload[("after", "visibility")].as_string(), "")
    return and_(Event.type == NOTE_EVENT, visibility == INTERNAL)


def _note_team() -> ColumnElement[int]:
    return Event.payload[("after", "team")].as_integer()


# Forward: the events one viewer may see --------------------------------------------------------


def event_filter(viewer: Viewer) -> ColumnElement[bool]:
    """A WHERE clause on ``event``: an event on a record of a shared kind or an order that the
    viewer sees now, and not an internal note they may not read.

    Each kind is an ``IN (the viewer's records)``, not an ``EXISTS``: under the ``OR`` an
    ``EXISTS`` runs once per event, while PostgreSQL hashes the viewer's records once for a
    long walk (the home feed) and still probes per event for a short one (a record's card).
    """
    on_record = or_(
        *(
            and_(
                Event.record_type == kind.noun,
                Event.record_id.in_(select(kind.model.id).where(record_filter(kind, viewer))),
            )
            for kind in registered()
        ),
        *(
            and_(
                Event.record_type == records.noun,
                Event.record_id.in_(
                    select(records.model.id).where(records.seen_by(viewer.organization_id))
                ),
            )
            for records in party_records()
        ),
    )
    readable_note = or_(
        ~_internal_note(),
        and_(
            Event.actor_org_id == viewer.organization_id,
            or_(_note_team().is_(None), _note_team().in_(viewer.team_ids)),
        ),
    )
    return and_(on_record, readable_note)


# Reverse: everyone who may see each event ------------------------------------------------------


def knowing_users(db: Session, event_ids: Sequence[int]) -> dict[int, set[int]]:
    """Event id → the ids of the users who may see its record (one query per kind)."""
    found: dict[int, set[int]] = {event_id: set() for event_id in event_ids}
    for statement in _statements(event_ids, users=True):
        for event_id, _org, user_id in db.execute(statement):
            found[event_id].add(user_id)
    return found


def knowing_organizations(db: Session, event_ids: Sequence[int]) -> dict[int, set[int]]:
    """Event id → the organizations that may see its record (as their managers do)."""
    found: dict[int, set[int]] = {event_id: set() for event_id in event_ids}
    for statement in _statements(event_ids, users=False):
        for event_id, org_id in db.execute(statement):
            found[event_id].add(org_id)
    return found


def _statements(event_ids: Sequence[int], users: bool) -> Iterable[Select]:
    if not event_ids:
        return
    ids = list(event_ids)
    for kind in registered_records():
        targets = _targets(kind.noun, ids)
        yield _narrowed_to_notes(_knowers(kind, targets, users), users)
    yield _involved(ids, users)


def _targets(noun: str, ids: list[int]) -> Subquery:
    return (
        select(Event.id.label("event_id"), Event.record_id.label("record_id"))
        .where(Event.id.in_(ids), Event.record_type == noun)
        .subquery()
    )


def _knowers(kind: SharedKind | PartyRecords, targets: Subquery, users: bool) -> Select:
    """``(event_id, organization_id[, user_id])`` of everyone who sees each target record."""
    if isinstance(kind, PartyRecords):
        return _parties(kind, targets, users)
    statements = [_granted(kind, targets, users)]
    if kind.attachments is not None:
        model, attachments = kind.model, kind.attachments
        for parent in attachments.parents:
            parent_targets = (
                select(targets.c.event_id, attachments.id_column.label("record_id"))
                .join(model, model.id == targets.c.record_id)
                .where(attachments.type_column == parent.noun)
                .subquery()
            )
            statements.append(_knowers(parent, parent_targets, users))
    if len(statements) == 1:
        return statements[0]
    union = statements[0].union(*statements[1:]).subquery()
    return select(*union.c)


def _granted(kind: SharedKind, targets: Subquery, users: bool) -> Select:
    """Through the record's grant rows: ``records.grant_reaches`` turned around."""
    grant, model = kind.grant, kind.model
    members = audience_members().subquery()
    org_column = User.organization_id if users else members.c.organization_id
    conditions: list[ColumnElement[bool]] = []
    if kind.excluded is not None:
        conditions.append(~kind.excluded(org_column))  # type: ignore[arg-type]
    if kind.pooled:
        conditions.append(or_(grant.source_kind != GrantSource.rule, kind.rule_scope()))
    statement = (
        select(targets.c.event_id, org_column)
        .select_from(targets)
        .join(model, model.id == targets.c.record_id)
        .join(grant, kind.grant_record == model.id)
        .join(members, members.c.audience_id == grant.audience_id)
    )
    if not users:  # an organization as a whole reaches what its managers do
        return statement.where(*conditions).distinct()
    manager = User.role.in_(MANAGERS)
    restricted = and_(~manager, ~Organization.members_see_all_records)
    mine = or_(
        grant.source_kind == GrantSource.ownership,
        *(getattr(model, column) == User.id for column in kind.user_columns),
        _member_of(model.assigned_team_id),
    )
    reach = or_(
        and_(members.c.team_id.is_(None), or_(~restricted, mine)),
        and_(members.c.team_id.is_not(None), or_(manager, _member_of(members.c.team_id))),
    )
    return (
        statement.add_columns(User.id)
        .join(User, User.organization_id == members.c.organization_id)
        .join(Organization, Organization.id == User.organization_id)
        .where(reach, *conditions)
        .distinct()
    )


def _member_of(team: ColumnElement[int]) -> ColumnElement[bool]:
    return exists().where(TeamMembership.team_id == team, TeamMembership.user_id == User.id)


def _parties(kind: PartyRecords, targets: Subquery, users: bool) -> Select:
    """Everyone in the organizations the record names (an order's vendor and buyer)."""
    party = or_(*(User.organization_id == column for column in kind.parties))
    if not users:
        parties = [
            select(targets.c.event_id, column.label("organization_id"))
            .join(kind.model, kind.model.id == targets.c.record_id)
            .where(column.is_not(None))
            for column in kind.parties
        ]
        union = parties[0].union(*parties[1:]).subquery()
        return select(*union.c)
    return (
        select(targets.c.event_id, User.organization_id, User.id)
        .join(kind.model, kind.model.id == targets.c.record_id)
        .join(User, party)
        .distinct()
    )


def _narrowed_to_notes(statement: Select, users: bool) -> Select:
    """Of those who see the case, only the author's organization knows of an internal note (and,
    if it names a team, only that team's members and the organization's managers)."""
    rows = statement.subquery()
    event_id, org_id = rows.c[0], rows.c[1]
    readable = org_id == Event.actor_org_id
    if users:
        user_id = rows.c[2]
        manager = exists().where(User.id == user_id, User.role.in_(MANAGERS))
        in_team = exists().where(
            TeamMembership.team_id == _note_team(), TeamMembership.user_id == user_id
        )
        readable = and_(readable, or_(_note_team().is_(None), manager, in_team))
    return select(*rows.c).join(Event, Event.id == event_id).where(or_(~_internal_note(), readable))


def _involved(ids: list[int], users: bool) -> Select:
    """Events on records of no shared kind: the organizations they name, and their admins."""
    named = or_(Organization.id == Event.actor_org_id, Organization.id == Event.subject_org_id)
    statement = (
        select(Event.id, Organization.id)
        .join(Organization, named)
        .where(Event.id.in_(ids), Event.record_type.not_in(shared_nouns()))
    )
    if not users:
        return statement.distinct()
    return (
        statement.add_columns(User.id)
        .join(User, and_(User.organization_id == Organization.id, User.role == Role.admin))
        .distinct()
    )
