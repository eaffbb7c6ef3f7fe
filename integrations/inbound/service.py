"""Receiving an inbound webhook: verify (Standard Webhooks), deduplicate, validate, apply.

Every refusal is a :class:`Refused` with a status and a reason, raised before anything is
stored; the caller rolls the transaction back on any refusal.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations.inbound.actions import ACTIONS
from integrations.inbound.models import InboundEndpoint, InboundMessage
from partners import audit
from partners.context import Forbidden, NotFound, ServiceContext, ServiceError
from partners.events import record_type_of
from partners.models import User
from partners.roles import Role, UserStatus
from partners.sharing import require_role

#: Larger bodies are refused (413) before they are verified: messages are single records.
MAX_BODY_BYTES = 64 * 2**10
#: The same answer for an unknown endpoint and another's case: existence never leaks.
NOT_FOUND = "There is nothing here, or it is not shared with you."


class Refused(Exception):
    def __init__(self, status: int, detail: str, errors: list | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal[tuple(ACTIONS)]  # type: ignore[valid-type]
    data: dict[str, Any]


def new_secret() -> str:
    """``whsec_`` + 24 random bytes in base64, the Standard Webhooks secret format."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def create_endpoint(
    ctx: ServiceContext, user: User, name: str, actions: list[str]
) -> InboundEndpoint:
    """An endpoint of the actor's organization (an admin's), acting as ``user``."""
    assert ctx.actor is not None
    require_role(ctx.actor, Role.admin)
    organization_id = ctx.actor.organization_id
    if user.organization_id != organization_id:
        raise ServiceError("The endpoint acts as a user of your own organization.")
    unknown = set(actions) - set(ACTIONS)
    if unknown or not actions:
        raise ServiceError(f"Choose actions among {', '.join(ACTIONS)}.")
    endpoint = InboundEndpoint(
        organization_id=organization_id,
        user_id=user.id,
        name=name.strip(),
        actions=list(actions),
        secret=new_secret(),
    )
    ctx.db.add(endpoint)
    ctx.db.flush()
    audit.record(
        ctx,
        "inbound_endpoint.created",
        endpoint,
        summary=f"Inbound webhook endpoint {endpoint.name} acting as {user.email}",
        after={"actions": endpoint.actions, "user": user.id},
    )
    return endpoint


def _verify(endpoint: InboundEndpoint, headers: Mapping[str, str], body: bytes) -> str:
    try:
        Webhook(endpoint.secret).verify(body, dict(headers), json_parse=False)
    except WebhookVerificationError as error:
        raise Refused(401, f"The webhook signature was refused: {error}.") from None
    return headers["webhook-id"]


def _parse(body: bytes) -> Envelope:
    try:
        return Envelope.model_validate_json(body)
    except ValidationError as error:
        errors = error.errors(include_url=False, include_context=False, include_input=False)
        raise Refused(422, "The body does not match the message schema.", errors) from None


def receive(
    db: Session,
    endpoint_id: int,
    headers: Mapping[str, str],
    body: bytes,
    context_for: Callable[[User], ServiceContext],
) -> tuple[InboundMessage, bool]:
    """Apply one message as the endpoint's user; ``(message, False)`` for a replayed id."""
    endpoint = db.get(InboundEndpoint, endpoint_id)
    if endpoint is None:
        raise Refused(404, NOT_FOUND)
    if len(body) > MAX_BODY_BYTES:
        raise Refused(413, f"Messages may be at most {MAX_BODY_BYTES // 2**10} KB.")
    webhook_id = _verify(endpoint, headers, body)
    seen = db.scalar(
        select(InboundMessage).where(
            InboundMessage.endpoint_id == endpoint.id, InboundMessage.webhook_id == webhook_id
        )
    )
    if seen is not None:
        return seen, False
    envelope = _parse(body)
    if envelope.type not in endpoint.actions:
        raise Refused(422, f"This endpoint does not accept `{envelope.type}` messages.")
    if endpoint.user.status != UserStatus.active:
        raise Refused(403, "The user this endpoint acts as is not active.")
    schema, apply = ACTIONS[envelope.type]
    try:
        data = schema.model_validate(envelope.data)
    except ValidationError as error:
        errors = error.errors(include_url=False, include_context=False, include_input=False)
        raise Refused(422, "The message's data does not match its type.", errors) from None
    try:
        origin = f"inbound:{endpoint.id}:{webhook_id}"[:200]
        record = apply(replace(context_for(endpoint.user), origin=origin), data)
    except NotFound:
        raise Refused(404, NOT_FOUND) from None
    except Forbidden as error:
        raise Refused(403, str(error) or "The endpoint's user may not do this.") from None
    except ServiceError as error:
        raise Refused(422, str(error)) from None
    message = InboundMessage(
        endpoint_id=endpoint.id,
        webhook_id=webhook_id,
        type=envelope.type,
        record_type=record_type_of(record),
        record_id=record.id,
    )
    db.add(message)
    db.flush()
    return message, True


def get_endpoint(db: Session, viewer: User, endpoint_id: int) -> InboundEndpoint:
    """One of the viewer's organization's endpoints; any other id is NotFound."""
    endpoint = db.get(InboundEndpoint, endpoint_id)
    if endpoint is None or endpoint.organization_id != viewer.organization_id:
        raise NotFound()
    return endpoint


def rotate_secret(ctx: ServiceContext, endpoint: InboundEndpoint) -> str:
    """A new secret at once: messages signed with the old one are refused from now on."""
    assert ctx.actor is not None
    require_role(ctx.actor, Role.admin)
    endpoint.secret = new_secret()
    audit.record(
        ctx, "inbound_endpoint.secret_rotated", endpoint, summary=f"{endpoint.name}: new secret"
    )
    return endpoint.secret


def endpoints_of(organization_id: int) -> Select:
    return (
        select(InboundEndpoint)
        .where(InboundEndpoint.organization_id == organization_id)
        .order_by(InboundEndpoint.name, InboundEndpoint.id)
    )


def messages_of(endpoint: InboundEndpoint) -> Select:
    return (
        select(InboundMessage)
        .where(InboundMessage.endpoint_id == endpoint.id)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
    )
