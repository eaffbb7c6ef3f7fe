"""Which records a user may see, at which level, and why: one predicate for all of it.

Every way of reaching a record is a grant row (ownership, participation such as a claim, rules,
explicit shares) in its kind's grant table, so visibility is a single EXISTS over the viewer's
audiences. Lists, counts, single-record loads, access levels and the explainer all filter grants
with :func:`grant_reaches`, for every kind (:mod:`partners.sharing.kinds`).

The lead inbox picks one of three query shapes per request, from a bounded count of the
viewer's grants on leads in the pool (``docs/sharing.md``, "Query plans"). All filter with the
same EXISTS; the others only add a condition the EXISTS implies, so they cannot disagree.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    exists,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from partners.context import NotFound
from partners.models import Organization, Partnership, User
from partners.sharing.audiences import Viewer, organization_viewer, viewer_for
from partners.sharing.kinds import PartyRecords, SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import Audience, GrantSource
from partners.sharing.registry import kind_for_record


def grant_reaches(viewer: Viewer, min_level: AccessLevel, kind: SharedKind) -> ColumnElement[bool]:
    """The grant rows (joined to their record) through which ``viewer`` reaches a record."""
    grant, model = kind.grant, kind.model
    conditions = []
    if kind.excluded is not None:
        # E.g. a lead the viewer's organization let lapse or declined is never offered again.
        conditions.append(~kind.excluded(viewer.organization_id))
    if min_level > AccessLevel.view:
        conditions.append(grant.level >= min_level)
    if kind.pooled:
        # A rule reaches a lead only while it is in the pool. Leaving the pool (a claim) keeps
        # the rule rows, so a claim writes three rows instead of thirty; they are inert here and
        # ``grants.prune_pool_grants`` deletes them later.
        conditions.append(or_(grant.source_kind != GrantSource.rule, kind.rule_scope()))
    if viewer.restricted:
        mine = or_(
            grant.source_kind == GrantSource.ownership,
            *(getattr(model, column) == viewer.user_id for column in kind.user_columns),
            model.assigned_team_id.in_(viewer.team_ids),
        )
        reach = or_(
            and_(grant.audience_id.in_(viewer.company_audience_ids), mine),
            grant.audience_id.in_(viewer.team_audience_ids),
        )
    else:
        reach = grant.audience_id.in_(viewer.audience_ids)
    return and_(reach, *conditions)


def record_filter(
    kind: SharedKind, viewer: Viewer, min_level: AccessLevel = AccessLevel.view
) -> ColumnElement[bool]:
    """A WHERE clause on the kind's table: the viewer reaches the record at ``min_level``
    (for view, also by seeing the record it is attached to)."""
    granted = exists().where(
        kind.grant_record == kind.model.id, grant_reaches(viewer, min_level, kind)
    )
    if kind.attachments is None or min_level > AccessLevel.view:
        return granted
    return or_(granted, attachment_reaches(kind, viewer))


def attachment_reaches(kind: SharedKind, viewer: Viewer) -> ColumnElement[bool]:
    """The record is attached to a record of a parent kind that the viewer sees."""
    attachments = kind.attachments
    assert attachments is not None
    return or_(
        *(
            and_(
                attachments.type_column == parent.noun,
                exists().where(
                    parent.model.id == attachments.id_column, _parent_filter(parent, viewer)
                ),
            )
            for parent in attachments.parents
        )
    )


def _parent_filter(parent: SharedKind | PartyRecords, viewer: Viewer) -> ColumnElement[bool]:
    if isinstance(parent, PartyRecords):
        return parent.seen_by(viewer.organization_id)
    return record_filter(parent, viewer)


def _session(user: User, db: Session | None) -> Session:
    session = db or Session.object_session(user)
    assert session is not None, "the user must be attached to a session"
    return session


def visible_records(
    kind: SharedKind,
    user: User,
    min_level: AccessLevel = AccessLevel.view,
    *,
    db: Session | None = None,
) -> Select:
    """Every record of the kind the user may see (or act on at ``min_level``), for lists,
    counts, searches and exports."""
    return select(kind.model).where(reached_by(_session(user, db), user, kind, min_level))


def reached_by(
    db: Session, user: User, kind: SharedKind, min_level: AccessLevel = AccessLevel.view
) -> ColumnElement[bool]:
    """A WHERE clause on the kind's table: the user reaches the record at ``min_level``. For
    statements that act on a record only if the user may (a claim's conditional UPDATE)."""
    return record_filter(kind, viewer_for(db, user), min_level)


def seen_by_partner(
    db: Session,
    owner: User,
    partner: Organization,
    kind: SharedKind,
    min_level: AccessLevel = AccessLevel.view,
) -> Select:
    """The owner's records of the kind as the partner organization (its managers) reaches them:
    "view as", read-only. Only the owner's own records, never other owners' the partner has."""
    viewer = organization_viewer(db, partner)
    model = kind.model
    return select(model).where(
        model.owner_org_id == owner.organization_id, record_filter(kind, viewer, min_level)
    )


#: The inbox's three shapes, by ``n``, the viewer's grant rows on leads in the pool (estimated:
#: :func:`_pool_grant_rows`), and ``pool``, the number of leads in the pool
#: (``docs/sharing.md``, "Query plans"):
#:
#: - ``n < sqrt(pool)``: fetch those few leads by primary key, probe, sort;
#: - ``n < DENSE_FACTOR * sqrt(pool)``: walk the pool newest first, keeping only the leads in
#:   a hash of those grants' lead ids that PostgreSQL builds once (a few hundred ns per lead
#:   skipped, no grant probe for it);
#: - more: walk the pool newest first and probe grants; a page is found within
#:   ``pool / leads * page`` leads, ``leads`` being the distinct leads behind the ``n`` rows.
#:
#: Hashing costs ``h`` ≈ 0.35 µs per grant row (reading and hashing it), probing ``p`` ≈ 2.5 µs
#: per lead walked, and a visible pool lead has ``r`` ≈ 4 grant rows of the viewer's (several
#: rules reach it through several tier audiences): hashing wins while
#: ``h * n < p * page * pool * r / n``, i.e. up to ``n = sqrt(p / h * page * r) * sqrt(pool)``,
#: about 38 ``sqrt(pool)``.
DENSE_FACTOR = 36
MIN_DENSE_BOUND = 1000
#: Plan statistics are counted at most this often per process (see :func:`_estimated`).
ESTIMATE_TTL_SECONDS = 300.0
_estimates: dict[tuple[str, str, str | int], tuple[float, int]] = {}


def _pool_grants(kind: SharedKind, viewer: Viewer) -> Select[tuple[int]]:
    grant = kind.grant
    return select(kind.grant_record).where(
        grant.audience_id.in_(viewer.audience_ids), grant.in_pool
    )


def _estimated(
    db: Session, kind: SharedKind, keys: list, count: Callable[[list], dict[Any, int]]
) -> dict[Any, int]:
    """Counts that only pick a plan (every shape returns the same rows) and change slowly: the
    pool's size, each audience's grant rows on pool leads. Kept per database and process; the
    missing or older ones are counted again, all in one call of ``count``."""
    url, now = str(db.get_bind().engine.url), time.monotonic()
    found, stale = {}, []
    for key in keys:
        cached = _estimates.get((url, kind.noun, key))
        if cached is None or now - cached[0] > ESTIMATE_TTL_SECONDS:
            stale.append(key)
        else:
            found[key] = cached[1]
    if stale:
        counted = count(stale)
        for key in stale:
            found[key] = counted.get(key, 0)
            _estimates[(url, kind.noun, key)] = (now, found[key])
    return found


def _pool_size(db: Session, kind: SharedKind) -> int:
    size = select(func.count()).select_from(kind.model).where(kind.rule_scope())
    return _estimated(db, kind, ["pool"], lambda _keys: {"pool": db.scalar(size) or 0})["pool"]


def _pool_grant_rows(db: Session, kind: SharedKind, viewer: Viewer) -> int:
    """About how many grant rows the viewer has on pool leads, from each audience's count: no
    scan of the viewer's grants per request."""

    def count(audiences: list[int]) -> dict[int, int]:
        grant = kind.grant
        per_audience = (
            select(grant.audience_id, func.count())
            .where(grant.audience_id.in_(audiences), grant.in_pool)
            .group_by(grant.audience_id)
        )
        return {audience: rows for audience, rows in db.execute(per_audience)}

    return sum(_estimated(db, kind, list(viewer.audience_ids), count).values())


def _bounds(db: Session, kind: SharedKind) -> tuple[int, int]:
    """``(sparse_below, dense_from)`` for the pool's current size (tests replace it to force
    a shape)."""
    root = math.isqrt(_pool_size(db, kind))
    return root, max(MIN_DENSE_BOUND, DENSE_FACTOR * root)


def _inbox_shape(db: Session, kind: SharedKind, viewer: Viewer) -> tuple[str, list[int]]:
    """``("sparse", the viewer's pool lead ids)``, ``("filtered", [])`` or ``("dense", [])``.

    On PostgreSQL one round trip sets, for this transaction, what the inbox query needs: no
    parallel workers (a page is a few hundred index entries; starting workers costs more),
    custom plans (the plan must see the id list's values) and, but for the dense walk, no
    bitmap scans: PostgreSQL guesses that the hashed filter keeps half the pool, and for a
    viewer of one audience it would then read the whole pool and sort it (150-200 ms at 1M
    leads, against 4-5 for the walk). For the sparse shape, the same round trip fetches the
    ids, bounded: if there are more than the estimate said, the dense walk serves.
    """
    sparse_below, dense_from = _bounds(db, kind)
    rows = _pool_grant_rows(db, kind, viewer)
    shape = "sparse" if rows < sparse_below else "filtered" if rows < dense_from else "dense"
    if db.get_bind().dialect.name != "postgresql":
        return ("dense" if shape == "dense" else "sparse"), []
    settings = [
        func.set_config("max_parallel_workers_per_gather", "0", True),
        func.set_config("plan_cache_mode", "force_custom_plan", True),
    ]
    if shape != "dense":
        settings.append(func.set_config("enable_bitmapscan", "off", True))
    if shape != "sparse":
        db.execute(select(*settings))
        return shape, []
    bounded = _pool_grants(kind, viewer).limit(max(dense_from, 0)).subquery()
    record_ids = bounded.c[kind.grant_record.key]
    found, ids = db.execute(
        select(*settings, func.count(), func.array_agg(record_ids)).select_from(bounded)
    ).one()[-2:]
    if found >= dense_from:
        return "dense", []
    return "sparse", sorted(set(ids or ()))


def pool_inbox(kind: SharedKind, user: User, *, db: Session | None = None) -> Select:
    """The kind's pool (records in its ``rule_scope``) as this user sees it, newest first, in
    the query shape that suits its size. The kind must be pooled; its model has ``created_at``.

    Every shape keeps the one EXISTS; the others add only a condition it implies.
    """
    assert kind.pooled, f"{kind.noun} records have no pool"
    session = _session(user, db)
    viewer = viewer_for(session, user)
    model = kind.model
    query = select(model).where(record_filter(kind, viewer), kind.rule_scope())
    shape, ids = _inbox_shape(session, kind, viewer)
    if shape == "dense":
        pass
    elif session.get_bind().dialect.name != "postgresql":
        # The driving set as a subquery: SQLite has no arrays, and no plan to steer.
        query = query.where(model.id.in_(_pool_grants(kind, viewer)))
    elif shape == "sparse":
        query = query.where(model.id == any_(bindparam("pool_ids", ids, type_=ARRAY(Integer))))
    else:
        # ``IS TRUE`` keeps PostgreSQL from turning the IN into a join (it would hash the
        # whole pool): it stays a filter on the walk of the pool index newest first, against a
        # hash of the viewer's pool grants built once ("hashed SubPlan").
        query = query.where(model.id.in_(_pool_grants(kind, viewer)).is_(true()))
    return query.order_by(model.created_at.desc(), model.id.desc())


def searched_records(kind: SharedKind, user: User, *, db: Session | None = None) -> Select:
    """Every record of ``kind`` the user may see, for the search box, which adds its words,
    order and limit.

    On PostgreSQL, no parallel workers for this transaction: for a word in every lead the plan
    walks ``pk_lead`` newest first and finds a page within a few hundred leads, and starting
    workers cost more (15-25 ms) than the walk (``docs/sharing.md``, "Query plans").
    """
    session = _session(user, db)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.set_config("max_parallel_workers_per_gather", "0", True)))
    return visible_records(kind, user, db=session)


def get_record(
    db: Session,
    user: User,
    kind: SharedKind,
    record_id: int,
    min_level: AccessLevel = AccessLevel.view,
) -> Any:
    """The record, if the user reaches it at ``min_level``; :class:`NotFound` otherwise."""
    viewer = viewer_for(db, user)
    model = kind.model
    record = db.scalar(
        select(model).where(record_filter(kind, viewer, min_level), model.id == record_id)
    )
    if record is None:
        raise NotFound()
    return record


def _reaching_grants(db: Session, viewer: Viewer, kind: SharedKind, record_id: int) -> list[Any]:
    grant = kind.grant
    return list(
        db.scalars(
            select(grant)
            .join(kind.model, kind.model.id == kind.grant_record)
            .where(kind.grant_record == record_id, grant_reaches(viewer, AccessLevel.view, kind))
        )
    )


def access_level(db: Session, user: User, record: Any) -> AccessLevel | None:
    """The highest level any grant gives the user on the record (view, if only the record it
    is attached to reaches them); ``None`` if they cannot see it."""
    viewer, kind = viewer_for(db, user), kind_for_record(record)
    grants = _reaching_grants(db, viewer, kind, record.id)
    level = max((grant.level for grant in grants), default=None)
    if level is None and kind.attachments is not None:
        reached = exists().where(kind.model.id == record.id, attachment_reaches(kind, viewer))
        level = AccessLevel.view if db.scalar(select(reached)) else None
    return level


@dataclass(frozen=True)
class Reason:
    """One reason one user can reach a record."""

    organization_id: int
    user_id: int
    source: GrantSource
    #: The organization (ownership, participation), rule or share behind the grant.
    source_id: int
    level: AccessLevel


def explain(db: Session, owner_user: User, record: Any) -> list[Reason]:
    """Who can reach the owner's record and every reason why, from the same grant rows."""
    if record.owner_org_id != owner_user.organization_id:
        raise NotFound()
    kind = kind_for_record(record)
    reasons: list[Reason] = []
    for user in db.scalars(_candidate_users(kind, record.id)):
        for grant in _reaching_grants(db, viewer_for(db, user), kind, record.id):
            reasons.append(
                Reason(
                    user.organization_id, user.id, grant.source_kind, grant.source_id, grant.level
                )
            )
    return reasons + _attachment_reasons(db, kind, record)


def _attachment_reasons(db: Session, kind: SharedKind, record: Any) -> list[Reason]:
    """Everyone who sees the record this one is attached to may view it."""
    parent = kind.attachments.parent_of(record) if kind.attachments else None
    if parent is None:
        return []
    parent_id = getattr(record, kind.attachments.id_column.key)
    return [
        Reason(user.organization_id, user.id, GrantSource.attachment, parent_id, AccessLevel.view)
        for user in _parent_viewers(db, parent, parent_id)
    ]


def _parent_viewers(db: Session, parent: SharedKind | PartyRecords, parent_id: int) -> list[User]:
    if isinstance(parent, PartyRecords):
        found = db.get(parent.model, parent_id)
        parties = parent.party_ids(found) if found is not None else set()
        users = select(User).where(User.organization_id.in_(parties))
        return list(db.scalars(users.order_by(User.organization_id, User.id)))
    return [
        user
        for user in db.scalars(_candidate_users(parent, parent_id))
        if _reaching_grants(db, viewer_for(db, user), parent, parent_id)
    ]


def _candidate_users(kind: SharedKind, record_id: int) -> Select[tuple[User]]:
    """People of every organization a grant of the lead could cover: named organizations and
    teams' organizations, and the partners of owners that tier/kind/partner audiences name."""
    audiences = (
        select(Audience)
        .join(kind.grant, kind.grant.audience_id == Audience.id)
        .where(kind.grant_record == record_id)
        .subquery()
    )
    named = select(audiences.c.organization_id).where(audiences.c.organization_id.is_not(None))
    partners = select(Partnership.child_id).where(
        Partnership.parent_id.in_(select(audiences.c.relative_to_org_id))
    )
    return (
        select(User)
        .where(User.organization_id.in_(named.union(partners)))
        .order_by(User.organization_id, User.id)
    )
