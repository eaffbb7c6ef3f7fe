"""Mailing notifications through the outbox, by each recipient's preference per kind.

The worker runs :meth:`NotificationMailer.run_due` each round: pending notifications whose kind
the recipient wants ``immediately`` become one mail each; ``never`` ones are marked skipped; the
``digest`` ones of a day (UTC) wait until the day is over and then go as one mail per recipient.
A mail holds only notification texts and links, which the notification consumer wrote for
people who may see the record; each mail carries the RFC 8058 one-click unsubscribe headers for
its kind (a digest's for the kinds it gathers, its link on each line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from partners.db import unit_of_work, utcnow
from partners.models import User
from partners.outbox import queue_rows
from partners.roles import UserStatus
from portal.notifications.kinds import KINDS
from portal.notifications.models import (
    Delivery,
    MailState,
    Notification,
    NotificationPreference,
)
from portal.notifications.service import unsubscribe_token

#: Pending notifications one round looks at.
ROUND = 500


@dataclass
class NotificationMailer:
    factory: sessionmaker[Session]
    base_url: str
    secret: str
    clock: Callable[[], datetime] = utcnow

    def run_due(self) -> int:
        """Mail (or skip) the due pending notifications; returns how many were settled."""
        now = self.clock()
        midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
        with unit_of_work(self.factory, writer=True) as db:
            due = db.execute(self._due(midnight)).all()
            digests: dict[User, list[Notification]] = defaultdict(list)
            mails = []
            for notification, user, delivery in due:
                delivery = delivery or Delivery.immediately
                if delivery == Delivery.never or user.status != UserStatus.active:
                    notification.mail_state = MailState.skipped
                    continue
                notification.mail_state = MailState.mailed
                if delivery == Delivery.digest:
                    digests[user].append(notification)
                else:
                    mails.append(self._single(user, notification))
            mails += [self._digest(user, items) for user, items in digests.items()]
            queue_rows(db, mails, now)
            return len(due)

    def _due(self, midnight: datetime):
        preference = NotificationPreference
        return (
            select(Notification, User, preference.delivery)
            .join(User, User.id == Notification.user_id)
            .outerjoin(
                preference,
                and_(
                    preference.user_id == Notification.user_id,
                    preference.kind == Notification.kind,
                ),
            )
            .where(
                Notification.mail_state == MailState.pending,
                or_(
                    preference.delivery.is_(None),
                    preference.delivery != Delivery.digest,
                    Notification.created_at < midnight,
                ),
            )
            .order_by(Notification.id)
            .limit(ROUND)
            .with_for_update(of=Notification, skip_locked=True)
        )

    def _link(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def _unsubscribe_url(self, user: User, kind: str) -> str:
        token = unsubscribe_token(self.secret, user.id, kind)
        return self._link(f"/notifications/unsubscribe/{token}")

    def _headers(self, user: User, kind: str) -> dict[str, str]:
        return {
            "List-Unsubscribe": f"<{self._unsubscribe_url(user, kind)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    def _footer(self, user: User, kinds: list[str]) -> str:
        stops = "".join(
            f"Stop these emails ({KINDS[kind].lower()}): {self._unsubscribe_url(user, kind)}\n"
            for kind in kinds
        )
        return f"\n--\n{stops}All your choices: {self._link('/account/notifications')}\n"

    def _single(self, user: User, notification: Notification) -> dict:
        return {
            "recipient": user.email,
            "subject": notification.text[:300],
            "body": f"Hello {user.display_name},\n\n{notification.text}\n\n"
            f"{self._link(notification.link)}\n" + self._footer(user, [notification.kind]),
            "headers": self._headers(user, notification.kind),
        }

    def _digest(self, user: User, items: list[Notification]) -> dict:
        kinds = sorted({item.kind for item in items})
        lines = "".join(f"- {item.text}\n  {self._link(item.link)}\n" for item in items)
        return {
            "recipient": user.email,
            "subject": f"Your Concord digest: {len(items)} notification(s)",
            "body": f"Hello {user.display_name},\n\nSince your last digest:\n\n{lines}"
            + self._footer(user, kinds),
            # One header names one kind: the digest's first; the body links each kind.
            "headers": self._headers(user, kinds[0]),
        }
