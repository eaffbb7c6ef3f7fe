"""The OpenAPI description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

_PROBLEM = {
    "description": "Problem details",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_INTERCHANGE_ID = {
    "name": "interchange_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}

SPEC: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "Concord API",
        "version": "1",
        "description": "A token acts as its user and sees exactly what that user sees.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Problem": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                },
            },
            "Interchange": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "direction": {"enum": ["in", "out"]},
                    "standard": {"enum": ["X12", "EDIFACT"]},
                    "control_number": {"type": "string"},
                    "sender": {"type": "string"},
                    "receiver": {"type": "string"},
                    "status": {"type": "string"},
                    "contents": {"type": "string"},
                    "orders_created": {"type": "integer"},
                    "notes": {"type": "array", "items": {"type": "string"}},
                    "errors": {"type": "array", "items": {"type": "object"}},
                    "responds_to": {"type": ["integer", "null"]},
                    "created_at": {"type": "string", "format": "date-time"},
                    "raw_url": {"type": "string", "format": "uri"},
                },
            },
        },
    },
    "paths": {
        "/edi/inbound": {
            "post": {
                "summary": "Send one EDI file (X12 or EDIFACT) as the raw body",
                "parameters": [
                    {
                        "name": "profile",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "Trading-partner profile, when the user has several",
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/edi-x12": {},
                        "application/edifact": {},
                        "text/plain": {},
                        "application/octet-stream": {},
                    },
                },
                "responses": {
                    "201": {
                        "description": "Received: the interchanges, acknowledgments and orders"
                    },
                    "400": _PROBLEM,
                    "401": _PROBLEM,
                    "403": _PROBLEM,
                    "404": _PROBLEM,
                    "413": _PROBLEM,
                    "422": _PROBLEM,
                },
            }
        },
        "/edi/interchanges": {
            "get": {
                "summary": "Interchanges received and sent, newest first",
                "parameters": [
                    {"name": "direction", "in": "query", "schema": {"enum": ["in", "out"]}},
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "before",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "Cursor: the `next` link of the previous page",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "A page",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Interchange"},
                                        },
                                        "next": {"type": ["string", "null"]},
                                    },
                                }
                            }
                        },
                    },
                    "401": _PROBLEM,
                },
            }
        },
        "/edi/interchanges/{interchange_id}": {
            "get": {
                "summary": "One interchange",
                "parameters": [_INTERCHANGE_ID],
                "responses": {
                    "200": {
                        "description": "The interchange",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Interchange"}
                            }
                        },
                    },
                    "401": _PROBLEM,
                    "404": _PROBLEM,
                },
            }
        },
        "/edi/interchanges/{interchange_id}/raw": {
            "get": {
                "summary": "The interchange's bytes, as received or sent",
                "parameters": [_INTERCHANGE_ID],
                "responses": {"200": {"description": "EDI"}, "401": _PROBLEM, "404": _PROBLEM},
            }
        },
    },
}
