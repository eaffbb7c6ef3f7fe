"""/api/v1: the API-wide error handler, the OpenAPI description, EDI inbound and pick-up."""

from __future__ import annotations

import io

from flask import Response, jsonify, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from integrations.api.auth import api_access
from integrations.api.blueprint import bp
from integrations.api.openapi import SPEC
from integrations.api.pagination import cursor_page
from integrations.edi_exchange.ingest import MAX_FILE_BYTES, ingest
from integrations.edi_exchange.models import EdiInterchange
from integrations.edi_exchange.queries import interchange_list, profiles_for
from integrations.edi_exchange.sharing import get_interchange, get_trading_partner
from partners.context import Forbidden, NotFound, ServiceError
from partners.roles import Role
from web.access import public
from web.database import db_session
from web.numbers import id_arg
from web.problems import http_problem, problem
from web.services import service_context


@bp.errorhandler(HTTPException)
def _http(error: HTTPException):
    return http_problem(error)


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    return problem(404, "There is nothing here, or it is not shared with you.")


@bp.errorhandler(Forbidden)
def _forbidden(error: Forbidden):
    return problem(403, str(error))


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(SPEC)


def _interchange_json(row: EdiInterchange) -> dict:
    return {
        "id": row.id,
        "direction": row.direction.value,
        "standard": row.standard,
        "control_number": row.control_number,
        "sender": f"{row.sender_qualifier}:{row.sender_id}",
        "receiver": f"{row.receiver_qualifier}:{row.receiver_id}",
        "status": row.status.value,
        "contents": row.contents,
        "orders_created": row.orders_created,
        "notes": row.notes,
        "errors": row.errors,
        "responds_to": row.responds_to_id,
        "created_at": row.created_at.isoformat(),
        "raw_url": url_for("api.interchange_raw", interchange_id=row.id, _external=True),
    }


def _profile_for_upload():
    if "profile" in request.args:
        return get_trading_partner(db_session(), current_user, id_arg("profile"))
    own = [
        p
        for p in profiles_for(db_session(), current_user)
        if p.organization_id == current_user.organization_id and p.active
    ]
    if len(own) != 1:
        raise ServiceError("Name the trading partner profile with ?profile=<id>.")
    return own[0]


@bp.post("/edi/inbound")
@api_access(Role.member)
def edi_inbound():
    """Receive one EDI file as the raw request body (what an AS2 gateway forwards)."""
    if request.content_length is not None and request.content_length > MAX_FILE_BYTES:
        return problem(413, f"EDI files may be at most {MAX_FILE_BYTES // 2**20} MB.")
    body = request.get_data(cache=False)
    if not body:
        return problem(400, "The request body is empty: send the EDI interchange as the body.")
    try:
        profile = _profile_for_upload()
        report = ingest(
            service_context(),
            profile,
            io.BytesIO(body),
            request.headers.get("X-Filename", "api-upload.edi"),
        )
    except ServiceError as error:
        return problem(422, str(error))
    return jsonify(
        {
            "interchanges": [_interchange_json(r) for r in report.received],
            "acknowledgments": [_interchange_json(r) for r in report.acknowledgments],
            "orders": [{"id": o.id, "number": o.number} for o in report.orders],
        }
    ), 201


@bp.get("/edi/interchanges")
@api_access()
def interchanges():
    """Newest first; `?direction=out` to pick up what we sent; `?before=<id>` pages on."""
    query = interchange_list(
        current_user,
        direction=request.args.get("direction", ""),
        status=request.args.get("status", ""),
    )
    return cursor_page(query, EdiInterchange.id, _interchange_json)


@bp.get("/edi/interchanges/<int:interchange_id>")
@api_access()
def interchange(interchange_id: int):
    return jsonify(_interchange_json(get_interchange(db_session(), current_user, interchange_id)))


@bp.get("/edi/interchanges/<int:interchange_id>/raw")
@api_access()
def interchange_raw(interchange_id: int):
    row = get_interchange(db_session(), current_user, interchange_id)
    stream = service_context().files().open(row.blob_sha256)
    return Response(
        stream, mimetype="application/edi-x12" if row.standard == "X12" else "application/edifact"
    )
