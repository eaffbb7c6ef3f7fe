"""Reading and marking one's notifications, mail preferences, and one-click unsubscribe."""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from partners.context import NotFound, ServiceContext
from partners.models import User
from portal.notifications.kinds import KINDS
from portal.notifications.models import Delivery, Notification, NotificationPreference

_UNSUBSCRIBE_SALT = "concord.notifications.unsubscribe"


def unread_count(db: Session, user: User) -> int:
    """The bell's figure: one count on the user's unread rows (an index covers it)."""
    query = select(func.count()).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return db.scalar(query) or 0


def my_notifications(user: User) -> Select:
    """The user's notifications, unread first, newest first (the page paginates it)."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
    )


def mark_read(ctx: ServiceContext, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read; another user's is NotFound."""
    notification = ctx.db.get(Notification, notification_id)
    if notification is None or ctx.actor is None or notification.user_id != ctx.actor.id:
        raise NotFound()
    notification.read_at = notification.read_at or ctx.now()
    return notification


def mark_all_read(ctx: ServiceContext) -> int:
    result = ctx.db.execute(
        update(Notification)
        .where(Notification.user_id == ctx.actor.id, Notification.read_at.is_(None))
        .values(read_at=ctx.now())
    )
    return result.rowcount


def preferences(db: Session, user_id: int) -> dict[str, Delivery]:
    """Kind → how the user wants it mailed (immediately unless they chose otherwise)."""
    chosen = dict(
        db.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: chosen.get(kind, Delivery.immediately) for kind in KINDS}


def set_preference(db: Session, user_id: int, kind: str, delivery: Delivery, now: datetime) -> None:
    if kind not in KINDS:
        raise NotFound()
    row = db.get(NotificationPreference, (user_id, kind))
    if row is None:
        row = NotificationPreference(user_id=user_id, kind=kind, delivery=delivery, updated_at=now)
        db.add(row)
    else:
        row.delivery, row.updated_at = delivery, now
    db.flush()


def unsubscribe_token(secret: str, user_id: int, kind: str) -> str:
    """A signed, per-recipient, per-kind token for the mail's unsubscribe link."""
    return URLSafeSerializer(secret, salt=_UNSUBSCRIBE_SALT).dumps([user_id, kind])


def unsubscribe(db: Session, secret: str, token: str, now: datetime) -> str:
    """RFC 8058 one-click: set the token's kind to never for its user; returns the kind's label.
    A forged or altered token, or an unknown user, is NotFound."""
    try:
        user_id, kind = URLSafeSerializer(secret, salt=_UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound() from None
    if db.get(User, user_id) is None:
        raise NotFound()
    set_preference(db, user_id, kind, Delivery.never, now)
    return KINDS[kind]
