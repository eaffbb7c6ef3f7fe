"""API tokens: a token acts as its user and sees exactly what that user sees."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from partners import audit
from partners.context import ServiceContext
from partners.db import Recorder
from partners.models import ApiToken, User
from partners.tokens import hash_secret, new_secret

PREFIX = "cnc_"
#: ``last_used_at`` is written at most this often: a read should not be a write.
TOUCH_EVERY = timedelta(minutes=1)


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


def user_for_token(ctx: ServiceContext, raw: str, record: Recorder | None = None) -> User | None:
    """The active user a valid token acts as. It only reads; the token's last use is written at
    most once a minute, through ``record`` (a transaction of its own; without one, ``ctx.db``)."""
    token = ctx.db.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_secret(raw))
        .options(joinedload(ApiToken.user).joinedload(User.organization))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = ctx.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        record = record or (lambda work: work(ctx.db))
        record(partial(_touch, token.id, now))
    return token.user


def _touch(token_id: int, now: datetime, db: Session) -> None:
    db.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
