"""What one organization is told of an event: only what it may see.

The record's owner gets the event as its audit trail holds it (the record's columns without
secrets, before/after, the summary). Every other organization that may know of the event (the
engine's ``knowing_organizations``) gets a thin event: the type, the record's kind and id, and
the state fields' before → after that its pages show (``portal/home/activity.py`` words events the
same way); it reads the record itself through the API, which applies the predicate. So a
partner never receives the owner's summary or internal columns.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from partners.events import Event
from partners.sharing.knowers import shared_nouns

#: Fields whose before → after every knower may read (as the activity feed words them).
STATE_FIELDS = ("status", "stage", "registration", "tier", "visibility")


def owner_of(event: Event) -> int | None:
    """The organization that owns the event's record: the record's ``owner_org_id``, or for
    records of no shared kind, the actor's organization."""
    record = (event.payload or {}).get("record") or {}
    if event.record_type in shared_nouns():
        return record.get("owner_org_id")
    return event.actor_org_id


def _state(values: dict | None) -> dict[str, Any]:
    return {k: v for k, v in (values or {}).items() if k in STATE_FIELDS}


def event_data(event: Event, organization_id: int) -> dict[str, Any]:
    payload = event.payload or {}
    data: dict[str, Any] = {
        "event_id": event.id,
        "record": {"type": event.record_type, "id": event.record_id},
        "by_your_organization": event.actor_org_id == organization_id,
    }
    if owner_of(event) == organization_id:
        data["record"].update(payload.get("record") or {})
        data["summary"] = payload.get("summary") or ""
        data["before"] = payload.get("before") or {}
        data["after"] = payload.get("after") or {}
    else:
        data["before"] = _state(payload.get("before"))
        data["after"] = _state(payload.get("after"))
    return data


def body(event_type: str, at: datetime, data: dict[str, Any]) -> str:
    """The Standard Webhooks body ``{type, timestamp, data}`` as compact JSON."""
    return json.dumps(
        {"type": event_type, "timestamp": at.isoformat(), "data": data},
        separators=(",", ":"),
        default=str,
    )
