"""Signing in and out, server-side sessions, passwords, resets and TOTP two-factor.

Sessions live in ``user_session`` rows; the browser's signed cookie only names one. Logging
out, deactivation and a password change revoke rows, so a copied cookie stops working at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pyotp
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from partners import audit
from partners.context import ServiceContext, ServiceError
from partners.db import Recorder
from partners.models import OneTimeToken, User, UserSession
from partners.outbox import queue_mail
from partners.passwords import hash_password, needs_rehash, password_problem, verify_password
from partners.roles import UserStatus
from partners.sharing import organization_may_sign_in
from partners.tokens import hash_secret, new_secret

RESET = "password_reset"
INVITATION = "invitation"
TOTP_ISSUER = "Concord"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def matching_hash(db: Session, email: str, password: str) -> str | None:
    """The stored hash these credentials match, or None; the same cost either way.

    It only reads, so the web app runs it in a read transaction of its own before the request's
    write transaction begins: on SQLite the argon2 check (tens of milliseconds) then never holds
    the write lock that every other sign-in waits for.
    """
    user = find_user_by_email(db, email)
    stored = user.password_hash if user else None
    return stored if verify_password(stored, password) else None


def check_credentials(
    ctx: ServiceContext, email: str, password: str, *, verified: str
) -> User | None:
    """The user these credentials belong to, if they may sign in. ``verified`` is the hash
    :func:`matching_hash` found the password to match: the user must still have it."""
    user = find_user_by_email(ctx.db, email)
    ok = user is not None and user.password_hash == verified
    if not ok or user is None or not user.is_active:
        return None
    if not organization_may_sign_in(ctx.db, user.organization):
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    return user


def start_session(ctx: ServiceContext, user: User, user_agent: str = "") -> UserSession:
    row = UserSession(
        id=secrets.token_urlsafe(32),
        user_id=user.id,
        created_at=ctx.now(),
        last_seen_at=ctx.now(),
        ip=ctx.ip,
        user_agent=user_agent[:300],
    )
    ctx.db.add(row)
    user.last_login_at = ctx.now()
    ctx.actor = user
    audit.record(ctx, "auth.login", user, summary=f"{user.email} signed in")
    return row


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta
    #: last_seen_at is written at most this often, to spare the database a write per request.
    touch_every: timedelta = timedelta(minutes=1)


_WITH_USER = [joinedload(UserSession.user).joinedload(User.organization)]


def resume_session(
    ctx: ServiceContext,
    session_id: str,
    policy: SessionPolicy,
    record: Recorder | None = None,
) -> UserSession | None:
    """The live session named by a cookie, or None when revoked, timed out or no longer allowed.

    It only reads. What it must write — the last use (at most once a minute) or the revocation
    of a timed-out session — goes to ``record``, which runs it in a transaction of its own
    (the request may be a read); without one, in ``ctx.db``."""
    record = record or (lambda work: work(ctx.db))
    # Every request runs this: the session, its user and their organization in one round trip.
    row = ctx.db.get(UserSession, session_id, options=_WITH_USER)
    if row is None or row.revoked_at is not None:
        return None
    now = ctx.now()
    user = row.user
    if (
        now - row.last_seen_at > policy.idle
        or now - row.created_at > policy.absolute
        or not user.is_active
        or not organization_may_sign_in(ctx.db, user.organization)
    ):
        record(partial(_set_session, session_id, revoked_at=now))
        return None
    if now - row.last_seen_at > policy.touch_every:
        record(partial(_set_session, session_id, last_seen_at=now))
    return row


def _set_session(session_id: str, db: Session, **values) -> None:
    db.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def end_session(ctx: ServiceContext, session_id: str) -> None:
    row = ctx.db.get(UserSession, session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = ctx.now()
        audit.record(ctx, "auth.logout", row.user, summary=f"{row.user.email} signed out")


def revoke_sessions(ctx: ServiceContext, user: User, *, keep: str | None = None) -> None:
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(UserSession.id != keep)
    ctx.db.execute(query.values(revoked_at=ctx.now()))


def active_sessions(db: Session, user: User) -> list[UserSession]:
    return list(
        db.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
            .order_by(UserSession.last_seen_at.desc())
        )
    )


# Passwords ----------------------------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email)
    if problem:
        raise ServiceError(problem)
    user.password_hash = hash_password(password)


def change_password(
    ctx: ServiceContext, user: User, current: str, new: str, *, keep_session: str | None
) -> None:
    if not verify_password(user.password_hash, current):
        raise ServiceError("Your current password is not correct.")
    set_password(user, new)
    revoke_sessions(ctx, user, keep=keep_session)
    audit.record(
        ctx, "auth.password_changed", user, summary="Password changed; other sessions ended"
    )


def _issue_token(ctx: ServiceContext, user: User, purpose: str, ttl: timedelta) -> str:
    raw, digest = new_secret()
    ctx.db.add(
        OneTimeToken(
            purpose=purpose,
            token_hash=digest,
            user=user,
            created_at=ctx.now(),
            expires_at=ctx.now() + ttl,
        )
    )
    return raw


def redeem_token(ctx: ServiceContext, raw: str, purpose: str) -> User:
    """Use a link's token once; expired, used or unknown tokens are told apart for the user."""
    token = ctx.db.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == hash_secret(raw)))
    if token is None or token.purpose != purpose:
        raise ServiceError("This link is not valid. Ask for a new one.")
    if token.used_at is not None:
        raise ServiceError("This link has already been used. Ask for a new one.")
    if token.expires_at <= ctx.now():
        raise ServiceError("This link has expired. Ask for a new one.")
    token.used_at = ctx.now()
    return token.user


def peek_token(ctx: ServiceContext, raw: str, purpose: str) -> User | None:
    """The user a still-usable token belongs to, without using it (to render its form)."""
    token = ctx.db.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == hash_secret(raw),
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > ctx.now(),
        )
    )
    return token.user if token else None


def request_password_reset(ctx: ServiceContext, email: str, ttl: timedelta) -> None:
    """Mail a reset link if the address belongs to an active user; say nothing either way."""
    user = find_user_by_email(ctx.db, email)
    if user is None or not user.is_active:
        return
    raw = _issue_token(ctx, user, RESET, ttl)
    queue_mail(
        ctx,
        user.email,
        "Reset your Concord password",
        f"Hello {user.display_name},\n\nSomeone (hopefully you) asked to reset your Concord "
        f"password. Choose a new one here within {int(ttl.total_seconds() // 60)} minutes:\n\n"
        f"{ctx.link('/reset/' + raw)}\n\nIf it was not you, ignore this message.\n",
    )
    audit.record(
        ctx, "auth.reset_requested", user, summary=f"Password reset requested for {user.email}"
    )


def reset_password(ctx: ServiceContext, raw: str, new_password: str) -> User:
    user = redeem_token(ctx, raw, RESET)
    set_password(user, new_password)
    revoke_sessions(ctx, user)
    ctx.actor = ctx.actor or user
    audit.record(ctx, "auth.password_reset", user, summary="Password reset by emailed link")
    return user


def issue_invitation_token(ctx: ServiceContext, user: User, ttl: timedelta) -> str:
    return _issue_token(ctx, user, INVITATION, ttl)


# Two-factor (TOTP) --------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def _accept_code(user: User, secret: str, code: str, now_ts: float) -> bool:
    """Accept a code for the current or adjacent step, once: replays of a used step fail."""
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return False
    current = int(now_ts // totp.interval)
    for step in (current - 1, current, current + 1):
        if step > user.totp_last_step and secrets.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def verify_totp(ctx: ServiceContext, user: User, code: str) -> bool:
    return user.totp_secret is not None and _accept_code(
        user, user.totp_secret, code, ctx.now().timestamp()
    )


def enable_totp(ctx: ServiceContext, user: User, password: str, secret: str, code: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ServiceError("Your password is not correct.")
    if not _accept_code(user, secret, code, ctx.now().timestamp()):
        raise ServiceError(
            "That code does not match. Check your authenticator's clock and try again."
        )
    user.totp_secret = secret
    audit.record(ctx, "auth.2fa_enabled", user, summary="Two-factor authentication enabled")


def disable_totp(ctx: ServiceContext, user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ServiceError("Your password is not correct.")
    if user.organization.require_two_factor:
        raise ServiceError("Your organization requires two-factor authentication.")
    user.totp_secret = None
    user.totp_last_step = 0
    audit.record(ctx, "auth.2fa_disabled", user, summary="Two-factor authentication disabled")


def change_email(ctx: ServiceContext, user: User, password: str, new_email: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ServiceError("Your password is not correct.")
    email = normalise_email(new_email)
    taken = ctx.db.scalar(select(func.count()).where(User.email == email, User.id != user.id))
    if taken:
        raise ServiceError("Another account already uses that email address.")
    before = user.email
    user.email = email
    audit.record(ctx, "user.email_changed", user, before={"email": before}, after={"email": email})


def is_invited(user: User) -> bool:
    return user.status == UserStatus.invited
