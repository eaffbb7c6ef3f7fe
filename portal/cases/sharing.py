"""Cases as the sharing engine sees them, and who reads which case note: the second half of
seeing a case.

The partner on the case edits it; the partner user who opened it counts as its own user.

A note is ``shared`` (everyone who can see the case reads it) or ``internal`` (the author's
organization only, or only one of its teams when the author picked one). Lists, counts and
searches of notes all filter with :func:`note_filter`, so a partner never learns of the
vendor's internal notes, not even how many there are.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.orm import Session

from partners.models import Team, User
from partners.sharing.audiences import Viewer, viewer_for
from partners.sharing.grant_tables import grant_table
from partners.sharing.kinds import SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import RecordType
from partners.sharing.records import record_filter
from partners.sharing.registry import register_kind
from portal.cases.models import Case, CaseNote, CaseParty, NoteVisibility


def _involved(db: Session, case: Case) -> list[tuple[int, AccessLevel]]:
    """Partner organizations the vendor involved in the case take part with edit access."""
    rows = select(CaseParty.organization_id).where(CaseParty.case_id == case.id)
    return [(org_id, AccessLevel.edit) for org_id in db.scalars(rows)]


CaseGrant = grant_table("case", Case.__tablename__)

CASES = register_kind(
    SharedKind(
        record_type=RecordType.case,
        model=Case,
        grant=CaseGrant,
        #: Cases have none of the market attributes: a rule for cases selects all of the
        #: owner's (criteria they do not have match nothing, as on documents).
        list_criteria={},
        amount=None,
        score=None,
        rule_scope=true,
        participants=(("partner_org_id", AccessLevel.edit),),
        participant_labels={"partner_org_id": "partner on the case: {}"},
        participant_rows=_involved,
        participant_label="involved in the case: {}",
        user_columns=("assigned_user_id", "opened_by_id"),
    )
)


def note_filter(viewer: Viewer) -> ColumnElement[bool]:
    """A WHERE clause on ``case_note``: the viewer sees the note's case, and the note is shared,
    or internal to the viewer's organization (and, if it names a team, to one of the viewer's
    teams: a member's own, every team of the organization for its managers, as team grants
    reach them)."""
    own_internal = and_(
        CaseNote.author_org_id == viewer.organization_id,
        or_(CaseNote.team_id.is_(None), CaseNote.team_id.in_(viewer.team_ids)),
    )
    return and_(
        or_(CaseNote.visibility == NoteVisibility.shared, own_internal),
        exists().where(Case.id == CaseNote.case_id, record_filter(CASES, viewer)),
    )


def visible_notes(user: User, db: Session | None = None) -> Select[tuple[CaseNote]]:
    """Every case note the user may read."""
    session = db or Session.object_session(user)
    assert session is not None, "the user must be attached to a session"
    return select(CaseNote).where(note_filter(viewer_for(session, user)))


def note_teams(db: Session, user: User) -> list[Team]:
    """The teams the user may keep an internal note to: those whose notes :func:`note_filter`
    lets them read."""
    team_ids = viewer_for(db, user).team_ids
    return list(db.scalars(select(Team).where(Team.id.in_(team_ids)).order_by(Team.name)))
