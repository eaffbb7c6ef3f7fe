"""The OpenAPI description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

_PROBLEM = {
    "description": "Problem details",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_DEAL_ID = {"name": "deal_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_VALIDATION = {
    "description": "Refused: `errors` maps each invalid field (e.g. `products[0].quantity`) to "
    "its messages, or `detail` says why",
    "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/ValidationProblem"}}
    },
}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_DEAL_STAGES = ["prospecting", "qualification", "proposal", "negotiation", "won", "lost"]
_PRODUCT_LINE = {
    "type": "object",
    "required": ["product"],
    "properties": {
        "product": {"type": "string", "maxLength": 200},
        "quantity": {"type": "integer", "minimum": 1, "default": 1},
        "unit_price": {"type": ["string", "number", "null"], "description": "Decimal, 0 or more"},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_DEAL = {"$ref": "#/components/schemas/Deal"}
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
            "ValidationProblem": {
                "allOf": [
                    {"$ref": "#/components/schemas/Problem"},
                    {
                        "type": "object",
                        "properties": {
                            "errors": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": "array",
                                    "items": {"type": "string"},
                                },
                            }
                        },
                    },
                ]
            },
            "Deal": {
                "type": "object",
                "description": "A deal as its reader may see it. `partner_id` appears only to "
                "the vendor and to the partner itself; competing registrations never appear.",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "customer": {"type": "string"},
                    "contact_name": {"type": "string"},
                    "contact_email": {"type": "string"},
                    "vat_number": {"type": "string"},
                    "country": {"type": "string"},
                    "region": {"type": "string"},
                    "industry": {"type": "string"},
                    "product_line": {"type": "string"},
                    "campaign": _NULLABLE_TEXT,
                    "amount": {**_NULLABLE_TEXT, "description": "Decimal as a string"},
                    "stage": {"enum": _DEAL_STAGES},
                    "expected_close": {**_NULLABLE_TEXT, "format": "date"},
                    "products": {"type": "array", "items": _PRODUCT_LINE},
                    "vendor_id": {"type": "integer"},
                    "partner_id": {"type": ["integer", "null"]},
                    "registration": {
                        "enum": ["submitted", "approved", "rejected", "expired", None]
                    },
                    "registered_at": {**_NULLABLE_TEXT, "format": "date-time"},
                    "protected_until": {**_NULLABLE_TEXT, "format": "date-time"},
                    "decision_reason": _NULLABLE_TEXT,
                    "protection_notice": {
                        **_NULLABLE_TEXT,
                        "description": "On the registrant's own registration: whether the "
                        "customer is already protected and until when (never by whom)",
                    },
                    "created_at": {"type": "string", "format": "date-time"},
                    "updated_at": {"type": "string", "format": "date-time"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
            "DealRegistration": {
                "type": "object",
                "required": ["vendor_id", "customer"],
                "properties": {
                    "vendor_id": {
                        "type": "integer",
                        "description": "A vendor the partner is an active partner of",
                    },
                    "customer": {"type": "string", "maxLength": 200},
                    "name": {"type": "string", "maxLength": 200},
                    "contact_name": {"type": "string", "maxLength": 200},
                    "contact_email": {"type": "string", "format": "email"},
                    "vat_number": {"type": "string", "maxLength": 40},
                    "country": {"type": "string", "minLength": 2, "maxLength": 2},
                    "region": {"type": "string", "maxLength": 40},
                    "industry": {"type": "string", "maxLength": 80},
                    "product_line": {"type": "string", "maxLength": 80},
                    "campaign": {"type": "string", "maxLength": 80},
                    "amount": {"type": ["string", "number"], "description": "0 or more"},
                    "expected_close": {"type": "string", "format": "date"},
                    "notes": {"type": "string", "maxLength": 5000},
                    "products": {"type": "array", "maxItems": 50, "items": _PRODUCT_LINE},
                },
                "additionalProperties": False,
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
        "/deals": {
            "get": {
                "summary": "The deals the token's user may see, newest first",
                "parameters": [
                    {"name": "stage", "in": "query", "schema": {"enum": _DEAL_STAGES}},
                    {
                        "name": "registration",
                        "in": "query",
                        "schema": {
                            "enum": ["submitted", "approved", "rejected", "expired", "none"]
                        },
                    },
                    {
                        "name": "q",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "Search customer and deal name",
                    },
                    {
                        "name": "before",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "Cursor: the `next` link of the previous page",
                    },
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": _DEAL},
                                "next": _NULLABLE_TEXT,
                            },
                        },
                        "A page",
                    ),
                    "401": _PROBLEM,
                },
            }
        },
        "/deals/{deal_id}": {
            "get": {
                "summary": "One deal",
                "parameters": [_DEAL_ID],
                "responses": {"200": _json(_DEAL, "The deal"), "401": _PROBLEM, "404": _PROBLEM},
            }
        },
        "/deals/{deal_id}/history": {
            "get": {
                "summary": "What happened to the deal, newest first (at most 50 entries)",
                "parameters": [_DEAL_ID],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["items", "truncated"],
                            "properties": {
                                "items": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["at", "what", "who"],
                                        "properties": {
                                            "at": {"type": "string", "format": "date-time"},
                                            "what": {"type": "string"},
                                            "who": {"type": "string"},
                                        },
                                    },
                                },
                                "truncated": {"type": "boolean"},
                            },
                        },
                        "The deal's history",
                    ),
                    "401": _PROBLEM,
                    "404": _PROBLEM,
                },
            }
        },
        "/deals/registrations": {
            "post": {
                "summary": "Register a deal with a vendor (conflicts go to the vendor's review)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/DealRegistration"}
                        }
                    },
                },
                "responses": {
                    "201": _json(_DEAL, "Registered; see `protection_notice`"),
                    "401": _PROBLEM,
                    "403": _PROBLEM,
                    "422": _VALIDATION,
                },
            }
        },
        "/deals/{deal_id}/stage": {
            "post": {
                "summary": "Move the deal to another stage (audited)",
                "parameters": [_DEAL_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["stage"],
                                "properties": {"stage": {"enum": _DEAL_STAGES}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(_DEAL, "The deal at its new stage"),
                    "401": _PROBLEM,
                    "403": _PROBLEM,
                    "404": _PROBLEM,
                    "422": _VALIDATION,
                },
            }
        },
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
