"""A user's notifications, and how each user wants each kind of them mailed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from partners.db import Base, UTCDateTime, string_enum, utcnow


class Delivery(StrEnum):
    """How a user wants one kind of notification mailed (in-app they always appear)."""

    immediately = "immediately"
    digest = "digest"
    never = "never"

    @property
    def label(self) -> str:
        return {
            "immediately": "Email me at once",
            "digest": "In a daily digest",
            "never": "Never by email",
        }[self.value]


class MailState(StrEnum):
    """Where a notification is in its mailing."""

    pending = "pending"
    mailed = "mailed"
    #: The user's preference said never (or the user cannot receive mail).
    skipped = "skipped"


class Notification(Base):
    """One thing one user is told about: what, where to look, whether they have read it."""

    __tablename__ = "notification"
    __table_args__ = (
        #: One event tells one user once, however often the consumer replays it.
        UniqueConstraint("user_id", "event_id", name="uq_notification_user_event"),
        #: The bell's count and the page's "unread first": the user's unread rows.
        Index("ix_notification_user_read", "user_id", "read_at"),
        #: The mailer looks for rows still to mail.
        Index("ix_notification_mail_state", "mail_state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("event.id")
    )
    #: One of ``portal.notifications.kinds.KINDS``: what preferences are set by.
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(400))
    #: A path of this portal (``/cases/12``): the record the notification is about.
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_state: Mapped[MailState] = mapped_column(string_enum(MailState), default=MailState.pending)


class NotificationPreference(Base):
    """A user's choice for one kind; without a row the kind is mailed immediately."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(string_enum(Delivery))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
