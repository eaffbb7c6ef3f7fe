"""The consumer that turns events into deliveries: one row per event and matching endpoint of
each organization the sharing engine says may know of it (``knowing_organizations``)."""

from __future__ import annotations

import fnmatch
import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations.webhooks.models import EndpointState, WebhookDelivery, WebhookEndpoint
from integrations.webhooks.payloads import body, event_data
from partners.consumers import consumer
from partners.events import Event
from partners.sharing.knowers import knowing_organizations

#: Endpoints that get new deliveries (a paused one keeps them until it resumes).
RECEIVING = (EndpointState.active, EndpointState.paused)


def matches(endpoint: WebhookEndpoint, event_type: str) -> bool:
    return any(fnmatch.fnmatchcase(event_type, p) for p in endpoint.event_types or ())


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


@consumer("webhooks", types=("*",))
def write_deliveries(db: Session, events: Sequence[Event]) -> None:
    knowers = knowing_organizations(db, [event.id for event in events])
    organizations = set().union(*knowers.values()) if knowers else set()
    if not organizations:
        return
    endpoints = db.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.organization_id.in_(organizations),
            WebhookEndpoint.state.in_(RECEIVING),
        )
    ).all()
    for event in events:
        for endpoint in endpoints:
            if endpoint.organization_id in knowers[event.id] and matches(endpoint, event.type):
                data = event_data(event, endpoint.organization_id)
                db.add(
                    WebhookDelivery(
                        endpoint_id=endpoint.id,
                        event_id=event.id,
                        message_id=new_message_id(),
                        event_type=event.type,
                        body=body(event.type, event.at, data),
                        next_attempt_at=event.at,
                    )
                )
    db.flush()
