"""Each kind's grant table, made by one helper: an area calls :func:`grant_table` next to its
model and writes no grant code.

Every kind has its own grant table (as Salesforce has ``LeadShare``, ``OpportunityShare``), so
each keeps its own indexes and cascades; they all have the same columns besides the record's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, false, text
from sqlalchemy.orm import Mapped, mapped_column

from partners.db import Base
from partners.sharing.levels import AccessLevel, IntEnumType
from partners.sharing.models import GrantSource


class GrantColumns:
    """What every grant table has besides the record: who, why, how much."""

    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id"), primary_key=True)
    source_kind: Mapped[GrantSource] = mapped_column(IntEnumType(GrantSource), primary_key=True)
    source_id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[AccessLevel] = mapped_column(IntEnumType(AccessLevel))


class PoolColumns:
    """What a pooled kind's grant rows add (leads)."""

    #: True for every row of a record in the pool (set as it enters); after it leaves, the flag
    #: may linger until the worker clears it, so the inbox treats it as a hint, not the truth.
    in_pool: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def _indexes(table: str, record_column: str, *, pooled: bool) -> tuple[Index, ...]:
    """The probe of one record's grants (record, audience, level; a pooled kind's also reads
    the source: rule rows count only while the record is in the pool), a source's rows (to
    withdraw a rule or share), and an audience's records (a pooled kind's: only those in the
    pool, counted to choose the inbox's plan and its driving set when they are few)."""
    record = record_column.removesuffix("_id")
    probe = (record_column, "audience_id", "level", *(["source_kind"] if pooled else []))
    if pooled:
        in_pool = text("in_pool")
        audience = Index(
            f"ix_{table}_pool",
            "audience_id",
            record_column,
            postgresql_where=in_pool,
            sqlite_where=in_pool,
        )
    else:
        audience = Index(f"ix_{table}_audience", "audience_id", record_column)
    return (
        Index(f"ix_{table}_{record}_audience", *probe),
        Index(f"ix_{table}_source", "source_kind", "source_id"),
        audience,
    )


def grant_table(noun: str, record_table: str, *, pooled: bool = False) -> Any:
    """The mapped grant class of a kind: ``<Noun>Grant`` on table ``<noun>_grant``, keyed by
    the audience, the source and ``<noun>_id`` (deleted with the record in ``record_table``).

    Each row is materialised access: this audience may reach this record at this level, for
    this reason; every way of seeing a record is a row (ownership and participation too), so
    the visibility predicate is one EXISTS the database can drive from either side. A pooled
    kind's rows carry ``in_pool`` (``SharedKind.pool``).
    """
    table = f"{noun}_grant"
    record_column = f"{noun}_id"
    bases = (GrantColumns, *([PoolColumns] if pooled else []), Base)
    namespace = {
        "__doc__": f"Materialised access to a {noun} (``partners.sharing.grant_tables``).",
        "__module__": __name__,
        "__tablename__": table,
        "__table_args__": _indexes(table, record_column, pooled=pooled),
        "__annotations__": {record_column: Mapped[int]},
        record_column: mapped_column(
            ForeignKey(f"{record_table}.id", ondelete="CASCADE"), primary_key=True
        ),
    }
    return type(f"{noun.capitalize()}Grant", bases, namespace)
