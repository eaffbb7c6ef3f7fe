"""Password hashing with argon2id (argon2-cffi's tuned defaults)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both cases take the same time."""
    return _hasher.hash("concord-dummy-password")


MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password is unacceptable, or None. Length over composition rules (NIST 800-63B)."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
    if email and password.lower() == email.lower():
        return "Do not use your email address as your password."
    if len(set(password)) < 4:
        return "Use a less repetitive password."
    return None
