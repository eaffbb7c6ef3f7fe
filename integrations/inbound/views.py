"""``POST /hooks/in/<id>``: signed by the sender, so exempt from CSRF and from the cookie."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from integrations.inbound.service import MAX_BODY_BYTES, Refused, receive
from web.access import public
from web.database import db_session
from web.problems import problem
from web.services import context_for

bp = Blueprint("inbound", __name__, url_prefix="/hooks/in")


@bp.route("/<int:endpoint_id>", methods=["POST"])
@public  # the signature is the credential: verified by the service before anything happens
def receive_message(endpoint_id: int) -> ResponseReturnValue:
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return problem(413, f"Messages may be at most {MAX_BODY_BYTES // 2**10} KB.")
    try:
        message, new = receive(
            db_session(),
            endpoint_id,
            request.headers,
            request.get_data(cache=False),
            context_for,
        )
    except Refused as refusal:
        extra = {"errors": refusal.errors} if refusal.errors else {}
        return problem(refusal.status, refusal.detail, **extra)
    body = {"webhook_id": message.webhook_id, "duplicate": not new}
    if message.record_type:
        body["record"] = {"type": message.record_type, "id": message.record_id}
    return body, 201 if new else 200
