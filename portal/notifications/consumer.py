"""The ``notifications`` consumer: events in, one notification per person told.

For each event a rule (:mod:`portal.notifications.rules`) names the people it concerns; the
consumer keeps only those of them the sharing engine says may know of the event
(``knowing_users``), never the actor, and only active users. The rows of a batch are written in
one bulk insert (COPY on PostgreSQL), so one event seen by thousands costs one statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from partners.consumers import consumer
from partners.db import insert_rows
from partners.events import Event
from partners.models import User
from partners.roles import UserStatus
from partners.sharing.knowers import knowing_users
from portal.notifications.models import MailState, Notification
from portal.notifications.rules import RULES


@consumer("notifications", types=tuple(RULES))
def notify(db: Session, events: Sequence[Event]) -> None:
    knowers = knowing_users(db, [event.id for event in events])
    rows: list[dict] = []
    for event in events:
        told = RULES[event.type](db, event)
        may_know = knowers[event.id] - {event.actor_user_id}
        if told is None or not may_know:
            continue
        recipients = db.scalars(
            select(User.id).where(
                User.id.in_(may_know),
                User.status == UserStatus.active,
                told.audience,
                # A replayed event tells nobody twice.
                ~exists().where(Notification.user_id == User.id, Notification.event_id == event.id),
            )
        )
        rows += [
            {
                "user_id": user_id,
                "event_id": event.id,
                "kind": told.kind,
                "text": told.text[:400],
                "link": told.link,
                "created_at": event.at,
                "read_at": None,
                "mail_state": MailState.pending,
            }
            for user_id in recipients
        ]
    insert_rows(db, Notification, rows)
