"""Domain events: the transactional outbox every consumer (feed, webhooks, notifications) reads.

An event is written by :func:`partners.audit.record` in the same call, and so in the same
transaction, as the audit entry of the change: a change that rolls back leaves neither, a change
that commits always has both, and no service can write one and forget the other.

Event ids grow with each insert, but transactions commit in their own order: an event with a
lower id can become visible after one with a higher id. On PostgreSQL each event therefore
carries the id of the transaction that wrote it (``txid``), so a consumer reads only events of
transactions older than every transaction still running (see :mod:`partners.consumers`). SQLite
has one writer at a time, where id order is commit order.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    cast,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from partners.db import Base, UTCDateTime, utcnow

#: The id column: 64 bits on PostgreSQL (an outbox outlives 2^31 changes), SQLite's rowid there.
EventId = BigInteger().with_variant(Integer(), "sqlite")

#: Columns a payload never carries, whatever the record: secrets and their hashes.
_SECRET = re.compile(r"password|secret|token|hash|totp|key", re.IGNORECASE)
#: Text longer than this is cut in a payload (a document's extracted text can be megabytes).
_MAX_TEXT = 500


class Event(Base):
    """One thing that happened: what, to which record, by whom, when, and the record then."""

    __tablename__ = "event"
    #: A record's own events (its activity card), newest first, without reading the outbox;
    #: consumers on PostgreSQL read in ``(txid, id)`` order (see :mod:`partners.consumers`).
    __table_args__ = (
        Index("ix_event_record", "record_type", "record_id", "id"),
        Index("ix_event_txid_id", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(EventId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: ``lead.claimed``, ``deal.approved``: the audit action of the change.
    type: Mapped[str] = mapped_column(String(60), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    #: The organization the change concerns when it is not the actor's (as in the audit entry).
    subject_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    #: ``lead``, ``deal``, ``case_note``, ``partnership``: the record's class in snake case.
    record_type: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(EventId)
    #: ``{"summary", "before", "after", "record"}``: the change and the record as it then was.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    #: PostgreSQL: the writing transaction's id (``pg_current_xact_id``); NULL on SQLite.
    txid: Mapped[int | None] = mapped_column(BigInteger)


def record_type_of(target: Any) -> str:
    """``CaseNote`` → ``case_note``: the name events and consumers know a record kind by."""
    if target is None:
        return ""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(target).__name__).lower()


def snapshot(target: Any) -> dict[str, Any]:
    """The record's loaded column values as JSON, without secrets and without loading anything.

    Only what the session already holds is read (``InstanceState.dict``), so building a payload
    never costs a query; values are made JSON-safe (dates as ISO text, enums by value).
    """
    if target is None:
        return {}
    state = inspect(target, raiseerr=False)
    if state is None or not hasattr(state, "mapper"):
        return {}
    loaded = state.dict
    values = {}
    for column in state.mapper.column_attrs:
        name = column.key
        if name in loaded and not _SECRET.search(name):
            values[name] = _json_value(loaded[name])
    return values


def _json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        return value[:_MAX_TEXT] + "…"
    if isinstance(value, bytes):
        return None
    return value


def event_row(audit_row: dict, target: Any, target_id: int | None = None) -> dict:
    """The event of one audit row: the same actor, subject, action and time."""
    record_id = getattr(target, "id", None) if target is not None else target_id
    return {
        "at": audit_row["at"],
        "type": audit_row["action"],
        "actor_user_id": audit_row["actor_user_id"],
        "actor_org_id": audit_row["actor_org_id"],
        "subject_org_id": audit_row["subject_org_id"],
        "record_type": record_type_of(target) if target is not None else _snake(audit_row),
        "record_id": record_id,
        "payload": {
            "summary": audit_row["summary"],
            "before": audit_row["before"],
            "after": audit_row["after"],
            "record": snapshot(target),
        },
    }


def _snake(audit_row: dict) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", audit_row["target_type"]).lower()


def insert_events(db: Session, rows: list[dict]) -> None:
    """Insert events in the session's transaction, stamped with its id on PostgreSQL."""
    if not rows:
        return
    statement = insert(Event.__table__)
    if db.get_bind().dialect.name == "postgresql":
        statement = statement.values(txid=CURRENT_TXID)
    db.execute(statement, rows[0] if len(rows) == 1 else rows)


#: ``pg_current_xact_id()`` is an ``xid8``; as bigint it compares with snapshot bounds.
CURRENT_TXID = cast(cast(func.pg_current_xact_id(), Text), BigInteger)


def events_for_record(record_type: str, record_id: int):
    """One record's events, newest first (the caller filters and pages)."""
    return (
        select(Event)
        .where(Event.record_type == record_type, Event.record_id == record_id)
        .order_by(Event.id.desc())
    )
