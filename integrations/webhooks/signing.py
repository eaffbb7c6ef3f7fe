"""Standard Webhooks signatures, made by the ``standardwebhooks`` library."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

PREFIX = "whsec_"


def new_secret() -> str:
    """``whsec_`` and 24 random bytes in base64, the form Standard Webhooks libraries read."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature_header(secrets_in_use: list[str], message_id: str, at: datetime, body: str) -> str:
    """``v1,<sig>`` for each secret, space-separated (during a rotation both are sent)."""
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_in_use)


def headers(secrets_in_use: list[str], message_id: str, at: datetime, body: str) -> dict:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature_header(secrets_in_use, message_id, at, body),
        "content-type": "application/json",
    }
