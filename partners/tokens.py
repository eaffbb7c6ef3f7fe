"""Random secrets for links and API tokens; only their SHA-256 is ever stored."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> tuple[str, str]:
    """Return (raw, hash): the raw value goes to the user once, the hash to the database."""
    raw = prefix + secrets.token_urlsafe(32)
    return raw, hash_secret(raw)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
