"""API tokens: a token acts as its user and sees exactly what that user sees."""

from __future__ import annotations

from sqlalchemy import select

from partners import audit
from partners.context import ServiceContext
from partners.models import ApiToken, User
from partners.tokens import hash_secret, new_secret

PREFIX = "cnc_"


def create_token(ctx: ServiceContext, user: User, name: str = "") -> str:
    """Return the raw token; it is shown once and only its hash is kept."""
    raw, digest = new_secret(PREFIX)
    token = ApiToken(user=user, name=name, prefix=raw[:10], token_hash=digest, created_at=ctx.now())
    ctx.db.add(token)
    ctx.db.flush()
    audit.record(
        ctx,
        "api_token.created",
        token,
        subject_org=user.organization,
        summary=f"API token {token.prefix}… for {user.email}",
    )
    return raw


def user_for_token(ctx: ServiceContext, raw: str) -> User | None:
    token = ctx.db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = ctx.now()
    return token.user
