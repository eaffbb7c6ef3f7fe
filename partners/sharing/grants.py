"""Keeping each kind's grant table in step with its records, rules and shares, in set-based SQL."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    Insert,
    Integer,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from partners.context import ServiceContext
from partners.sharing.audiences import audience_id, audience_ids, organization_audience
from partners.sharing.criteria import Criteria, criteria_clause
from partners.sharing.kinds import SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import Audience, ExplicitShare, GrantSource, SharingRule
from partners.sharing.registry import kind_for_record, kind_of, registered


def rule_matches(rule: SharingRule) -> Select:
    """The ids of the owner's records (of the rule's kind) that the rule's criteria select."""
    kind = kind_of(rule.record_type)
    model = kind.model
    return select(model.id).where(
        model.owner_org_id == rule.owner_org_id,
        kind.rule_scope(),
        criteria_clause(Criteria.from_json(rule.criteria), kind),
    )


def _rule_grant_rows(kind: SharedKind, matches: Select, rule: SharingRule) -> Select:
    records = matches.subquery()
    columns: list[Any] = [
        literal(rule.audience_id),
        records.c.id,
        literal(int(GrantSource.rule)),
        literal(rule.id),
        literal(int(rule.level)),
    ]
    if kind.pooled:
        columns.append(true())  # rule grants exist only for leads in the pool
    return select(*columns)


def apply_rule(db: Session, rule: SharingRule, only: ColumnElement[bool] | None = None) -> int:
    """Grant the rule's audience every matching record (INSERT … SELECT), or only those of
    them that ``only`` selects; returns rows added."""
    kind = kind_of(rule.record_type)
    matches = rule_matches(rule)
    if only is not None:
        matches = matches.where(only)
    rows = _rule_grant_rows(kind, matches, rule)
    statement = insert(kind.grant.__table__).from_select(kind.grant_columns(), rows)
    return _count(db, statement)


def _count(db: Session, statement: Insert) -> int:
    """Run an INSERT … SELECT and return the rows it added: SQLAlchemy keeps an INSERT's row
    count only when asked (without it PostgreSQL's answer comes back as -1)."""
    return db.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def apply_owner_rules(db: Session, kind: SharedKind, owner_org_id: int, only: ColumnElement) -> int:
    """Apply each of the owner's active rules for this kind to the records ``only`` selects."""
    rules = db.scalars(
        select(SharingRule).where(
            SharingRule.owner_org_id == owner_org_id,
            SharingRule.record_type == kind.record_type,
            SharingRule.active.is_(True),
        )
    ).all()
    return sum(apply_rule(db, rule, only) for rule in rules)


def _withdraw(db: Session, kind: SharedKind, source: GrantSource, source_id: int) -> int:
    grant = kind.grant
    result = db.execute(
        delete(grant)
        .where(grant.source_kind == source, grant.source_id == source_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def withdraw_rule(db: Session, rule: SharingRule) -> int:
    return _withdraw(db, kind_of(rule.record_type), GrantSource.rule, rule.id)


def _row(
    kind: SharedKind, audience: int, record: Any, source: GrantSource, source_id: int, level: int
) -> dict:
    row = {
        "audience_id": audience,
        kind.grant_record.key: record.id,
        "source_kind": source,
        "source_id": source_id,
        "level": level,
    }
    if kind.pooled:
        row["in_pool"] = kind.in_pool(record)
    return row


def grant_share(db: Session, share: ExplicitShare) -> None:
    kind = kind_of(share.record_type)
    record = db.get_one(kind.model, share.record_id)
    row = _row(kind, share.audience_id, record, GrantSource.share, share.id, share.level)
    db.execute(insert(kind.grant), [row])


def withdraw_share(db: Session, share: ExplicitShare) -> int:
    return _withdraw(db, kind_of(share.record_type), GrantSource.share, share.id)


def changed(db: Session, record: Any) -> None:
    """Bring a record's grants up to date after it was created or its criteria columns, status
    or parties changed: the one call an area makes (the kind is the record's registered one)."""
    refresh_record(db, kind_for_record(record), record)


def refresh_record(db: Session, kind: SharedKind, record: Any) -> None:
    """Re-derive the record's ownership, participation and rule grants; shares stay as they
    are (for leads, they follow the lead in and out of the pool).

    Called whenever a record is created or its attributes, status or participants change. The
    party rows (owner, participants) are upserted and every other non-share row is deleted
    (:func:`_stale`), so rows that stay are not rewritten. On PostgreSQL that, the shares' pool
    flag and the lookup of the parties' audiences are one prebuilt statement (its parts touch
    disjoint rows). Rule rows are then re-applied while the record is in the pool.
    """
    db.flush()
    parties = [(record.owner_org_id, GrantSource.ownership, AccessLevel.manage)]
    parties += [(org, GrantSource.participation, level) for org, level in kind.parties(db, record)]
    audiences = [organization_audience(org_id) for org_id, _, _ in parties]
    if db.get_bind().dialect.name == "postgresql":
        params: dict[str, Any] = {
            "record_id": record.id,
            "keys": [audience.key for audience in audiences],
            "source_kinds": [int(source) for _, source, _ in parties],
            "source_ids": [org_id for org_id, _, _ in parties],
            "levels": [int(level) for _, _, level in parties],
        }
        if kind.pooled:
            params["in_pool"] = kind.in_pool(record)
        if db.scalar(_refresh_statement(kind), params) < len(parties):
            # An organization's first grant: create its audience, then run it again (the
            # statement is idempotent, and the rows of a missing audience cannot exist).
            audience_ids(db, audiences)
            db.execute(_refresh_statement(kind), params)
    else:  # SQLite has no data-modifying CTEs nor arrays: the same steps, one by one
        rows = [
            _row(kind, audience, record, source, org_id, level)
            for audience, (org_id, source, level) in zip(
                audience_ids(db, audiences), parties, strict=True
            )
        ]
        table = kind.grant.__table__
        of_record = table.c[kind.grant_record.key] == record.id
        kept = [(row["audience_id"], int(row["source_kind"]), row["source_id"]) for row in rows]
        stale = _stale(kind, of_record, kept)
        pool = {"in_pool": kind.in_pool(record)} if kind.pooled else {}
        db.execute(delete(table).where(stale), pool)
        if kind.pooled:
            db.execute(_shares_to_pool(table, of_record), pool)
        db.execute(_upsert(kind, sqlite.insert(table)), rows)
    if not kind.pooled or kind.in_pool(record):
        apply_owner_rules(db, kind, record.owner_org_id, kind.model.id == record.id)


_Upsert = TypeVar("_Upsert", postgresql.Insert, sqlite.Insert)
#: Whether the refreshed record is in the pool: one parameter object, as several parts of the
#: refresh statement read it.
_IN_POOL = bindparam("in_pool", type_=Boolean)


def _stale(kind: SharedKind, of_record: ColumnElement[bool], parties: Any) -> ColumnElement[bool]:
    """The record's rows that a refresh deletes: not a share, not a current party, and for a
    lead out of the pool (``:in_pool`` false) not a rule row either: those stay, inert (the
    predicate ignores rule rows of leads out of the pool), until :func:`prune_pool_grants`,
    so that a claim does not delete a row per rule."""
    table = kind.grant.__table__
    source_kind = table.c.source_kind
    not_a_party = tuple_(table.c.audience_id, source_kind, table.c.source_id).not_in(parties)
    stale = and_(of_record, source_kind != GrantSource.share, not_a_party)
    if kind.pooled:
        return and_(stale, or_(_IN_POOL, source_kind != GrantSource.rule))
    return stale


def _shares_to_pool(table: Table, of_record: ColumnElement[bool]) -> Update:
    """Share rows of a record entering the pool (``:in_pool`` true) take the pool flag. Leaving
    the pool clears nothing: the flag may linger until :func:`prune_pool_grants`."""
    return (
        update(table)
        .where(
            of_record,
            table.c.source_kind == GrantSource.share,
            _IN_POOL,
            ~table.c.in_pool,
        )
        .values(in_pool=true())
    )


def _upsert(kind: SharedKind, statement: _Upsert) -> _Upsert:
    """Where a party row exists already, update its level (and raise its pool flag) only if
    they differ, so an unchanged row is not rewritten."""
    table = kind.grant.__table__
    new = statement.excluded
    set_: dict[str, Any] = {"level": new.level}
    changed = [table.c.level != new.level]
    if kind.pooled:
        set_["in_pool"] = or_(table.c.in_pool, new.in_pool)
        changed.append(and_(new.in_pool, ~table.c.in_pool))
    return statement.on_conflict_do_update(
        index_elements=list(table.primary_key.columns), set_=set_, where=or_(*changed)
    )


@cache
def _refresh_statement(kind: SharedKind) -> Select[tuple[int]]:
    """PostgreSQL: delete the record's stale non-share rows, move its shares in or out of the
    pool, upsert its party rows. The parties come as arrays (audience keys, sources, levels);
    the statement returns how many of their audiences exist."""
    table = kind.grant.__table__
    record_id = bindparam("record_id", type_=Integer)
    of_record = table.c[kind.grant_record.key] == record_id
    given = (
        func.unnest(
            bindparam("keys", type_=ARRAY(String)),
            *(
                bindparam(name, type_=ARRAY(Integer))
                for name in ("source_kinds", "source_ids", "levels")
            ),
        )
        .table_valued("key", "source_kind", "source_id", "level")
        .render_derived()
    )
    parties = (
        select(Audience.id.label("audience_id"), *list(given.c)[1:])
        .join_from(given, Audience, Audience.key == given.c.key)
        .cte("parties")
    )
    key = (parties.c.audience_id, parties.c.source_kind, parties.c.source_id)
    stale = delete(table).where(_stale(kind, of_record, select(*key)))
    changes = [stale.cte("stale")]
    rows = select(parties.c.audience_id, record_id, *key[1:], parties.c.level)
    if kind.pooled:
        changes.append(_shares_to_pool(table, of_record).cte("pool"))
        rows = rows.add_columns(_IN_POOL)
    upsert = _upsert(kind, postgresql.insert(table).from_select(kind.grant_columns(), rows))
    return select(func.count()).select_from(parties).add_cte(*changes, upsert.cte("upsert"))


def grant_new_records(
    db: Session, kind: SharedKind, owner_org_id: int, record_ids: Select[tuple[int]]
) -> int:
    """Set-based :func:`refresh_record` for many new records of one owner (a bulk import): the
    ownership grant for each, and each active rule's (for a pooled kind, while they are in the
    pool). Returns rows added. ``record_ids`` selects the new records' ids (e.g. by batch)."""
    db.flush()
    owner_audience = audience_id(db, organization_audience(owner_org_id))
    model = kind.model
    pool = [kind.rule_scope().label("in_pool")] if kind.pooled else []
    new = select(model.id, *pool).where(model.id.in_(record_ids)).subquery()
    ownership = select(
        literal(owner_audience),
        new.c.id,
        literal(int(GrantSource.ownership)),
        literal(owner_org_id),
        literal(int(AccessLevel.manage)),
        *([new.c.in_pool] if kind.pooled else []),
    )
    table = kind.grant.__table__
    added = _count(db, insert(table).from_select(kind.grant_columns(), ownership))
    return added + apply_owner_rules(db, kind, owner_org_id, model.id.in_(record_ids))


#: Rows tidied per statement (each statement's plan stays a bounded index walk).
PRUNE_BATCH = 5000


def prune_pool_grants(ctx: ServiceContext) -> int:
    """Tidy the grant rows of records that left their kind's pool (leads), which a claim
    leaves as they were so that it writes three rows, not thirty: delete their rule rows and
    clear their pool flags (the predicate and the inbox ignore both already). The worker runs
    this; returns rows tidied."""
    return sum(_prune_pool(ctx.db, kind) for kind in registered() if kind.pooled)


def _prune_pool(db: Session, kind: SharedKind) -> int:
    table = kind.grant.__table__
    record = table.c[kind.grant_record.key]
    key = (record, table.c.audience_id, table.c.source_kind, table.c.source_id)
    rules = table.c.source_kind == GrantSource.rule
    tidied = 0
    for statement, rows in (
        (delete(table), rules),
        (update(table).values(in_pool=False), ~rules & table.c.in_pool),
    ):
        lingering = (
            select(*key)
            .join(kind.model, kind.model.id == record)
            .where(rows, ~kind.rule_scope())
            .limit(PRUNE_BATCH)
        )
        while True:
            done = db.execute(statement.where(tuple_(*key).in_(lingering))).rowcount
            tidied += done
            if done < PRUNE_BATCH:
                break
    return tidied
