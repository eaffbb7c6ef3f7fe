"""The activity feed: what happened to the records a person may see, newest first.

It reads the event table directly with the one predicate (``knowers.event_filter``), at read
time, so it is always as current as the grants: an event on a record the viewer may not see
(or no longer sees) never shows, nor counts. Why not per-organization feed rows built by a
consumer: docs/architecture.md, "The activity feed".

The wording follows the deal page's History: colleagues by name, the record's owner by its
name, any other organization by name only to the owner (whose pages name its partners), else
"another organization". Summaries are never shown: they are written for the owner's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from partners.events import Event, events_for_record
from partners.models import Organization, User
from partners.sharing.audiences import viewer_for
from partners.sharing.knowers import INTERNAL, NOTE_EVENT, event_filter, shared_nouns
from partners.sharing.registry import registered_records
from web.database import db_session
from web.pagination import Page, paginate

#: Record type → (page endpoint, its id argument, the column that names the record).
PAGES = {
    "lead": ("leads.detail", "lead_id", "company"),
    "deal": ("deals.detail", "deal_id", "name"),
    "case": ("cases.detail", "case_id", "subject"),
    "campaign": ("campaigns.detail", "campaign_id", "name"),
    "document": ("documents.detail", "document_id", "title"),
    "order": ("orders.detail", "order_id", "number"),
    "fund_request": ("funds.request_page", "request_id", "activity"),
}
PER_PAGE = 20
#: ``*.status_changed`` and the like are worded with their before → after; other changes name
#: only what happened (``lead.claimed`` → "Claimed").
STATE_FIELDS = ("status", "stage", "registration", "tier")


@dataclass(frozen=True)
class ActivityLine:
    at: datetime
    what: str
    who: str
    #: The record, on the home feed (a record's own card leaves these empty).
    title: str = ""
    url: str = ""


def home_feed(db: Session, user: User) -> Select[tuple[Event]]:
    """Every event on a record the user may see now, newest first."""
    viewer = viewer_for(db, user)
    return (
        select(Event)
        .where(Event.record_type.in_(shared_nouns()), event_filter(viewer))
        .order_by(Event.id.desc())
    )


def record_feed(db: Session, user: User, record_type: str, record_id: int) -> Select[tuple[Event]]:
    """One record's events as the user may read them (a case's internal notes stay with their
    organization)."""
    return events_for_record(record_type, record_id).where(event_filter(viewer_for(db, user)))


def home_page(db: Session, user: User) -> Page:
    page = paginate(db, home_feed(db, user), PER_PAGE)
    page.items = describe(db, user, page.items, linked=True)
    return page


def record_activity(record: Any) -> Page:
    """The template global ``record_activity``: the record's card, for the signed-in user
    (a record page includes ``home/_activity.html`` with ``record`` set)."""
    return record_page(db_session(), current_user, record)


def record_page(db: Session, user: User, record: Any) -> Page:
    noun = _noun(record)
    page = paginate(db, record_feed(db, user, noun, record.id), PER_PAGE)
    page.items = describe(db, user, page.items, linked=False)
    return page


def _noun(record: Any) -> str:
    for kind in registered_records():
        if isinstance(record, kind.model):
            return kind.noun
    raise TypeError(f"{type(record).__name__} has no activity feed")


def describe(db: Session, user: User, events: list[Event], linked: bool) -> list[ActivityLine]:
    """Lines for a page of events: four queries whatever the page's length."""
    records = _records(db, events)
    people = _names(db, User, {e.actor_user_id for e in events})
    organizations = _names(db, Organization, {e.actor_org_id for e in events})
    lines = []
    for event in events:
        owner_id, title = records.get((event.record_type, event.record_id), (None, ""))
        who = _who(event, user, owner_id, people, organizations)
        line = ActivityLine(event.at, _what(event), who)
        if linked:
            endpoint, argument, _ = PAGES[event.record_type]
            url = url_for(endpoint, **{argument: event.record_id})
            line = ActivityLine(event.at, line.what, who, title or f"#{event.record_id}", url)
        lines.append(line)
    return lines


def _records(db: Session, events: list[Event]) -> dict[tuple[str, int], tuple[int, str]]:
    """(record type, id) → (owner organization, name) for the page's records, a query a kind."""
    found = {}
    for kind in registered_records():
        ids = {e.record_id for e in events if e.record_type == kind.noun}
        if not ids:
            continue
        model, name = kind.model, PAGES[kind.noun][2]
        rows = db.execute(
            select(model.id, model.owner_org_id, getattr(model, name)).where(model.id.in_(ids))
        )
        found.update({(kind.noun, id_): (owner, title or "") for id_, owner, title in rows})
    return found


def _names(db: Session, model: Any, ids: set[int | None]) -> dict[int, str]:
    ids.discard(None)
    if not ids:
        return {}
    if model is User:
        rows = db.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
        return {id_: name or email for id_, name, email in rows}
    return dict(db.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def _what(event: Event) -> str:
    noun, _, verb = event.type.partition(".")
    text = verb.replace("_", " ").capitalize() or noun.capitalize()
    after = (event.payload or {}).get("after") or {}
    before = (event.payload or {}).get("before") or {}
    if event.type == NOTE_EVENT:
        return "Internal note added" if after.get("visibility") == INTERNAL else "Note added"
    for field in STATE_FIELDS:
        if verb == f"{field}_changed" and field in after and field in before:
            return f"{field.capitalize()}: {_label(before[field])} → {_label(after[field])}"
    return text


def _label(value: Any) -> str:
    return str(value).replace("_", " ")


def _who(
    event: Event,
    viewer: User,
    owner_id: int | None,
    people: dict[int, str],
    organizations: dict[int, str],
) -> str:
    if event.actor_user_id is None:
        return "Concord (automatic)"
    org_id = event.actor_org_id
    if org_id == viewer.organization_id:
        return people.get(event.actor_user_id, "a colleague")
    if org_id is not None and owner_id in (viewer.organization_id, org_id):
        return organizations.get(org_id or 0, "another organization")
    return "another organization"
