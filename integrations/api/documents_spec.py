"""The OpenAPI description of the document endpoints (:mod:`integrations.api.documents`), which
adds it to ``integrations.api.openapi.SPEC`` as it adds its routes to the blueprint."""

from __future__ import annotations

from documents.models import AttachedTo

_PROBLEM = {
    "description": "Problem details",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_REFUSED = {
    "description": "Refused: `detail` says why; `code` (e.g. `type_mismatch`, `zip_bomb`, "
    "`too_large`, `path_in_filename`) is for programs",
    "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/UploadProblem"}}
    },
}
_DOCUMENT_ID = {
    "name": "document_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}
_NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
    "description": "The version number, 1 for the first upload",
}
_DOCUMENT = {"$ref": "#/components/schemas/Document"}
_TEXT = {"type": "string"}
_UPLOAD_FIELDS = {
    "title": {**_TEXT, "maxLength": 200, "description": "Default: the file's name"},
    "folder": {**_TEXT, "maxLength": 200, "description": "Slash-separated, e.g. `Sales/EMEA`"},
    "tags": {**_TEXT, "description": "Comma-separated"},
    "comment": {**_TEXT, "maxLength": 500},
    "attach": {**_TEXT, "description": AttachedTo.forms()},
}
_UPLOAD_BODY = {
    "required": True,
    "description": "Multipart with the file as the part `file` and the fields as parts; or the "
    "file itself as the body, named by `?filename=` (or `X-Filename`), with the fields as query "
    "parameters. The type is decided from the content, never from the name.",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}, **_UPLOAD_FIELDS},
            }
        },
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
}
_RAW_PARAMETERS = [
    {"name": "filename", "in": "query", "schema": _TEXT, "description": "For a raw body"},
    {
        "name": "Content-Digest",
        "in": "header",
        "schema": _TEXT,
        "description": "`sha-256=:<base64>:` (RFC 9530) of a raw body: a PDF, image or video "
        "is then stored as it arrives; a body that differs is refused (`checksum_mismatch`)",
    },
    *({"name": name, "in": "query", "schema": schema} for name, schema in _UPLOAD_FIELDS.items()),
]

SCHEMAS: dict = {
    "UploadProblem": {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {"type": "object", "properties": {"code": _TEXT}},
        ]
    },
    "DocumentVersion": {
        "type": "object",
        "properties": {
            "number": {"type": "integer"},
            "filename": _TEXT,
            "size": {"type": "integer"},
            "sha256": {**_TEXT, "pattern": "^[0-9a-f]{64}$"},
            "content_type": _TEXT,
            "comment": _TEXT,
            "uploaded_by_id": {"type": ["integer", "null"]},
            "uploaded_at": {**_TEXT, "format": "date-time"},
            "content_url": {**_TEXT, "format": "uri"},
        },
    },
    "Document": {
        "type": "object",
        "description": "A document its reader may see; `versions` only on a single document.",
        "properties": {
            "id": {"type": "integer"},
            "title": _TEXT,
            "folder": _TEXT,
            "tags": {"type": "array", "items": _TEXT},
            "owner_id": {"type": "integer"},
            "current_version": {"$ref": "#/components/schemas/DocumentVersion"},
            "versions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/DocumentVersion"},
            },
            "locked": {"type": "boolean"},
            "attached_to": {
                "type": ["object", "null"],
                "properties": {
                    "type": {"enum": ["lead", "deal", "order"]},
                    "id": {"type": "integer"},
                },
            },
            "generated_kind": {"type": ["string", "null"]},
            "download_count": {"type": "integer"},
            "created_at": {**_TEXT, "format": "date-time"},
            "updated_at": {**_TEXT, "format": "date-time"},
            "url": {**_TEXT, "format": "uri"},
        },
    },
}

PATHS: dict = {
    "/documents": {
        "get": {
            "summary": "Documents the token's user may see, newest first",
            "parameters": [
                {"name": "q", "in": "query", "schema": _TEXT, "description": "Title, tag or text"},
                {"name": "folder", "in": "query", "schema": _TEXT},
                {"name": "tag", "in": "query", "schema": _TEXT},
                {"name": "owner", "in": "query", "schema": {"enum": ["ours", "shared"]}},
                {"name": "before", "in": "query", "schema": {"type": "integer"}},
            ],
            "responses": {
                "200": {
                    "description": "A page",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "items": {"type": "array", "items": _DOCUMENT},
                                    "next": {"type": ["string", "null"]},
                                },
                            }
                        }
                    },
                },
                "401": _PROBLEM,
            },
        },
        "post": {
            "summary": "Upload a new document",
            "parameters": _RAW_PARAMETERS,
            "requestBody": _UPLOAD_BODY,
            "responses": {
                "201": {
                    "description": "Stored; `Location` is its URL",
                    "content": {"application/json": {"schema": _DOCUMENT}},
                },
                "401": _PROBLEM,
                "403": _PROBLEM,
                "404": _PROBLEM,
                "413": _REFUSED,
                "422": _REFUSED,
            },
        },
    },
    "/documents/{document_id}": {
        "get": {
            "summary": "One document with all its versions",
            "parameters": [_DOCUMENT_ID],
            "responses": {
                "200": {
                    "description": "The document",
                    "content": {"application/json": {"schema": _DOCUMENT}},
                },
                "401": _PROBLEM,
                "404": _PROBLEM,
            },
        }
    },
    "/documents/{document_id}/versions": {
        "post": {
            "summary": "Upload a new version (refused while someone else holds the lock)",
            "parameters": [_DOCUMENT_ID, *_RAW_PARAMETERS],
            "requestBody": _UPLOAD_BODY,
            "responses": {
                "201": {
                    "description": "The new version",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/DocumentVersion"}
                        }
                    },
                },
                "401": _PROBLEM,
                "404": _PROBLEM,
                "413": _REFUSED,
                "422": _REFUSED,
            },
        }
    },
    "/documents/{document_id}/versions/{number}/content": {
        "get": {
            "summary": "The version's bytes; honours `Range` (206); counts as a download",
            "parameters": [_DOCUMENT_ID, _NUMBER],
            "responses": {
                "200": {"description": "The bytes, `Content-Disposition: attachment`"},
                "206": {"description": "The requested range"},
                "302": {"description": "On S3 with presigning: a short-lived URL of the bytes"},
                "401": _PROBLEM,
                "404": _PROBLEM,
                "416": {"description": "The range starts beyond the end"},
            },
        }
    },
}
