"""Documents in /api/v1: the library, one document with its versions, uploads (multipart or a raw
body), new versions, and each version's bytes.

Everything goes through the library's own service and queries (``documents.service``,
``documents.queries``), so a token sees and may do exactly what its user may in the portal.
"""

from __future__ import annotations

import base64
import re

from flask import current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from documents import queries, service, transfer
from documents.content.errors import RejectedUpload, TooLarge
from documents.models import AttachedTo, Document, DocumentVersion
from integrations.api import documents_spec
from integrations.api.auth import api_access
from integrations.api.blueprint import bp
from integrations.api.openapi import SPEC
from integrations.api.pagination import cursor_page
from partners.context import ServiceError
from partners.roles import Role
from web.database import db_session
from web.problems import problem
from web.services import service_context

SPEC["paths"].update(documents_spec.PATHS)
SPEC["components"]["schemas"].update(documents_spec.SCHEMAS)


def _settings():
    return current_app.extensions["concord.settings"]


def _version_json(document: Document, version: DocumentVersion) -> dict:
    return {
        "number": version.number,
        "filename": version.filename,
        "size": version.size,
        "sha256": version.sha256,
        "content_type": version.content_type,
        "comment": version.comment,
        "uploaded_by_id": version.uploaded_by_id,
        "uploaded_at": version.uploaded_at.isoformat(),
        "content_url": url_for(
            "api.document_content",
            document_id=document.id,
            number=version.number,
            _external=True,
        ),
    }


def _document_json(document: Document, *, with_versions: bool = False) -> dict:
    body = {
        "id": document.id,
        "title": document.title,
        "folder": document.folder,
        "tags": document.tags,
        "owner_id": document.owner_org_id,
        "current_version": _version_json(document, document.current),
        "locked": document.locked_by_id is not None,
        "attached_to": {"type": document.attached_type.value, "id": document.attached_id}
        if document.attached_type
        else None,
        "generated_kind": document.generated_kind,
        "download_count": document.download_count,
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
        "url": url_for("api.document", document_id=document.id, _external=True),
    }
    if with_versions:
        body["versions"] = [
            _version_json(document, version)
            for version, _uploader in queries.versions(db_session(), document)
        ]
    return body


@bp.get("/documents")
@api_access()
def documents() -> ResponseReturnValue:
    """Newest first; ``q`` searches titles, tags and text, ``folder``, ``tag``, ``owner``."""
    filters = queries.LibraryFilters(
        search=request.args.get("q", ""),
        folder=request.args.get("folder", ""),
        tag=request.args.get("tag", ""),
        owner=request.args.get("owner", ""),
    )
    return cursor_page(queries.library(current_user, filters), Document.id, _document_json)


@bp.get("/documents/<int:document_id>")
@api_access()
def document(document_id: int) -> ResponseReturnValue:
    found = service.get_document(db_session(), current_user, document_id)
    return jsonify(_document_json(found, with_versions=True))


def _incoming() -> tuple[service.Upload, dict[str, str]]:
    """The file and its fields: a multipart ``file`` part, or the raw body named by
    ``?filename=`` (or ``X-Filename``) with the fields in the query string."""
    limit = _settings().max_upload_bytes
    if request.mimetype == "multipart/form-data":
        part = request.files.get("file")
        if part is None:
            raise ServiceError("Send the file as the multipart part named `file`.")
        return service.Upload(part.stream, part.filename or "", max_bytes=limit), request.form
    filename = request.args.get("filename") or request.headers.get("X-Filename", "")
    if not filename:
        raise ServiceError("Name the file: `?filename=Price%20list.pdf` or `X-Filename`.")
    upload = transfer.receive_body(
        request.stream,
        filename,
        size=request.content_length,
        sha256=_announced_sha256(),
        max_bytes=limit,
    )
    return upload, request.args


def _announced_sha256() -> str | None:
    """The body's SHA-256 from ``Content-Digest: sha-256=:<base64>:`` (RFC 9530), if sent."""
    header = request.headers.get("Content-Digest", "")
    found = re.search(r"(?:^|,)\s*sha-256\s*=\s*:([A-Za-z0-9+/=]+):", header)
    if header and not found:
        raise ServiceError("Content-Digest must carry sha-256=:<base64 of the SHA-256>:.")
    if not found:
        return None
    try:
        digest = base64.b64decode(found.group(1), validate=True)
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise ServiceError("The sha-256 in Content-Digest is not a SHA-256 in base64.")
    return digest.hex()


def _attachment(value: str | None) -> service.Attachment | None:
    kind, _, record_id = (value or "").partition(":")
    if not kind:
        return None
    if kind not in AttachedTo.__members__ or not record_id.isdigit():
        raise ServiceError(f"`attach` is {AttachedTo.forms()}.")
    return service.Attachment(AttachedTo(kind), int(record_id))


def _receive(act) -> ResponseReturnValue:
    """Read the upload, hand it to ``act(upload, fields)``, map refusals to problems; the
    spooled body is removed afterwards whatever happened."""
    try:
        upload, fields = _incoming()
    except TooLarge as error:
        return problem(413, error.message, code=error.code)
    except RejectedUpload as error:  # a body that does not match its Content-Digest
        return problem(422, error.message, code=error.code)
    except ServiceError as error:
        return problem(422, str(error))
    try:
        return act(upload, fields)
    except ServiceError as error:
        db_session().rollback()
        code = getattr(error, "code", None)
        return problem(422, str(error), **({"code": code} if code else {}))
    finally:
        upload.stream.close()


@bp.post("/documents")
@api_access(Role.member)
def upload() -> ResponseReturnValue:
    """A new document: 201 with it, or 413/422 problems (``code`` says why for programs)."""

    def create(upload: service.Upload, fields) -> ResponseReturnValue:
        details = service.Details(
            fields.get("title", ""),
            fields.get("folder", ""),
            tuple(tag for tag in fields.get("tags", "").split(",") if tag.strip()),
        )
        created = service.upload_document(
            service_context(),
            upload,
            details,
            comment=fields.get("comment", ""),
            attach=_attachment(fields.get("attach")),
        )
        location = url_for("api.document", document_id=created.id, _external=True)
        return jsonify(_document_json(created, with_versions=True)), 201, {"Location": location}

    return _receive(create)


@bp.post("/documents/<int:document_id>/versions")
@api_access(Role.member)
def add_version(document_id: int) -> ResponseReturnValue:
    """A new version (refused with 422 while someone else holds the document's lock)."""
    service.get_document(db_session(), current_user, document_id)  # 404 before reading a body

    def add(upload: service.Upload, fields) -> ResponseReturnValue:
        comment = fields.get("comment", "")
        version = service.add_version(service_context(), document_id, upload, comment=comment)
        return jsonify(_version_json(version.document, version)), 201

    return _receive(add)


@bp.get("/documents/<int:document_id>/versions/<int:number>/content")
@api_access()
def document_content(document_id: int, number: int) -> ResponseReturnValue:
    """The bytes (``Range`` honoured), or a 302 to a short-lived URL when storage presigns."""
    version = service.get_version(db_session(), current_user, document_id, number)
    return transfer.serve_version(
        service_context(),
        current_app.extensions["concord.storage"],
        version,
        presign_seconds=_settings().download_url_seconds,
    )
