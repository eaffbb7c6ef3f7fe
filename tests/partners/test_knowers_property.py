"""Property: "who may know" (``partners.sharing.knowers``) and the activity feed's filter agree
with the reference model of ``test_sharing_property`` for every event a random scenario of
rules, shares, claims, campaigns, documents and case notes writes: the feed shows a person only
events on records the model lets them see, never an internal note of another organization."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from partners.context import Forbidden, NotFound, ServiceError
from partners.events import Event
from partners.models import User
from partners.roles import Role
from partners.sharing.audiences import viewer_for
from partners.sharing.knowers import event_filter, knowing_organizations, knowing_users
from portal.cases import service as case_service
from portal.cases.models import NoteVisibility
from portal.cases.sharing import CASES
from tests.partners.test_sharing_property import (
    build,
    expected_level,
    local_storage,
    scenarios,
)

from factories import context


@dataclass(frozen=True)
class NoteDraft:
    case: int
    by_partner: bool  # written by someone of the partner on the case (if it has one)
    internal: bool
    to_team: bool  # an internal note kept to the author's team


note_drafts = st.builds(
    NoteDraft,
    case=st.integers(0, 9),
    by_partner=st.booleans(),
    internal=st.booleans(),
    to_team=st.booleans(),
)


def add_notes(db, scenario, records, everyone, drafts) -> None:
    """Write the notes through the case service, each by the first person the model lets edit
    the case (a partner's team note to that person's team)."""
    cases = records[CASES]
    for draft in drafts:
        if not cases:
            break
        index = draft.case % len(cases)
        case = cases[index]
        authors = [
            (who, user)
            for who, user in everyone
            if (who[0] == "partner") == draft.by_partner
            and (expected_level(scenario, who, CASES, index) or 0) >= 2  # edit
        ]
        if not authors:
            continue
        who, author = authors[0]
        teams = [] if who[0] == "vendor" else viewer_for(db, author).team_ids
        team = teams[0] if draft.internal and draft.to_team and teams else None
        visibility = NoteVisibility.internal if draft.internal else NoteVisibility.shared
        try:
            case_service.add_note(context(db, author), case.id, "Note", visibility, team)
        except (NotFound, Forbidden, ServiceError):
            continue  # e.g. the case is closed, or the author's only way in is not edit


def expected_knowers(db, scenario, records, everyone, event: Event) -> set[int] | None:
    """The ids of the scenario's people who may see the event's record per the model (``None``
    for an event on a record of no shared kind)."""
    for kind, of_kind in records.items():
        if kind.noun != event.record_type:
            continue
        index = next(i for i, record in enumerate(of_kind) if record.id == event.record_id)
        knowers = {
            user.id
            for who, user in everyone
            if expected_level(scenario, who, kind, index) is not None
        }
        after = event.payload.get("after") or {}
        if event.type == "case.note_added" and after.get("visibility") == "internal":
            team = after.get("team")
            knowers = {
                user.id
                for who, user in everyone
                if user.id in knowers
                and user.organization_id == event.actor_org_id
                and (team is None or user.role >= Role.manager or _in_team(db, user, team))
            }
        return knowers
    return None


def _in_team(db, user: User, team: int) -> bool:
    return team in viewer_for(db, user).team_ids


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a scenario takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios, notes=st.lists(note_drafts, max_size=4))
def test_knowers_and_the_feed_match_the_reference_model(db, tmp_path, scenario, notes):
    savepoint = db.begin_nested()
    try:
        first = (db.scalar(select(func.max(Event.id))) or 0) + 1
        _owners, records, everyone = build(db, scenario, local_storage(tmp_path))
        add_notes(db, scenario, records, everyone, notes)
        db.flush()
        events = list(db.scalars(select(Event).where(Event.id >= first).order_by(Event.id)))
        ids = [event.id for event in events]
        users = knowing_users(db, ids)
        organizations = knowing_organizations(db, ids)
        people = {user.id: user for _who, user in everyone}
        feeds = {
            user.id: set(db.scalars(select(Event.id).where(Event.id.in_(ids), event_filter(v))))
            for _who, user in everyone
            if (v := viewer_for(db, user))
        }
        for event in events:
            expected = expected_knowers(db, scenario, records, everyone, event)
            known = users[event.id] & people.keys()
            if expected is None:  # not a shared kind: the named organizations' admins
                named = {event.actor_org_id, event.subject_org_id}
                admins = {
                    u.id
                    for u in people.values()
                    if u.organization_id in named and u.role == Role.admin
                }
                assert known == admins, event.type
                assert not any(event.id in feed for feed in feeds.values()), event.type
                continue
            assert known == expected, (event.type, event.record_type, event.record_id)
            for user_id, feed in feeds.items():
                assert (event.id in feed) == (user_id in expected), (event.type, user_id)
            # An organization knows what its managers would: everyone it covers is in it.
            assert {people[u].organization_id for u in known} <= organizations[event.id]
    finally:
        savepoint.rollback()
