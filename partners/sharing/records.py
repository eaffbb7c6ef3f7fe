"""Which leads a user may see, at which level, and why: one predicate for all of it.

Every way of reaching a lead is a ``lead_grant`` row (ownership, the claim, rules, explicit
shares), so visibility is a single EXISTS over the viewer's audiences. Lists, counts,
single-record loads, access levels and the explainer all filter grants with :func:`grant_reaches`.

The inbox picks one of two query shapes per request, from a bounded count of the viewer's grants
on leads in the pool (``docs/sharing.md``, "Query plans"). Both filter with the same EXISTS; the
sparse shape only adds a condition the EXISTS implies, so the two cannot disagree.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from partners.context import NotFound
from partners.models import Partnership, User
from partners.sharing.audiences import Viewer, viewer_for
from partners.sharing.levels import AccessLevel
from partners.sharing.models import Audience, GrantSource, LeadGrant
from portal.leads.models import Lead, LeadExclusion, LeadStatus


def grant_reaches(viewer: Viewer, min_level: AccessLevel = AccessLevel.view) -> ColumnElement[bool]:
    """The grant rows (joined to their lead) through which ``viewer`` reaches a lead."""
    conditions = [
        # A lead the viewer's organization let lapse or declined is never offered to it again.
        ~exists().where(
            LeadExclusion.lead_id == LeadGrant.lead_id,
            LeadExclusion.organization_id == viewer.organization_id,
        )
    ]
    if min_level > AccessLevel.view:
        conditions.append(LeadGrant.level >= min_level)
    if viewer.restricted:
        mine = or_(
            LeadGrant.source_kind == GrantSource.ownership,
            Lead.assigned_user_id == viewer.user_id,
            Lead.assigned_team_id.in_(viewer.team_ids),
        )
        reach = or_(
            and_(LeadGrant.audience_id.in_(viewer.company_audience_ids), mine),
            LeadGrant.audience_id.in_(viewer.team_audience_ids),
        )
    else:
        reach = LeadGrant.audience_id.in_(viewer.audience_ids)
    return and_(reach, *conditions)


def lead_filter(viewer: Viewer, min_level: AccessLevel = AccessLevel.view) -> ColumnElement[bool]:
    """A WHERE clause on ``lead``: the viewer reaches the lead at ``min_level`` or more."""
    return exists().where(LeadGrant.lead_id == Lead.id, grant_reaches(viewer, min_level))


def _session(user: User, db: Session | None) -> Session:
    session = db or Session.object_session(user)
    assert session is not None, "the user must be attached to a session"
    return session


def visible_leads(
    user: User, min_level: AccessLevel = AccessLevel.view, *, db: Session | None = None
) -> Select[tuple[Lead]]:
    """Every lead the user may see (or act on at ``min_level``), for lists, counts and exports."""
    session = _session(user, db)
    return select(Lead).where(lead_filter(viewer_for(session, user), min_level))


#: The inbox's three shapes, by ``n``, the viewer's grant rows on leads in the pool, and
#: ``pool``, the number of leads in the pool (``docs/sharing.md``, "Query plans"):
#:
#: - ``n < sqrt(pool)``: fetch those few leads by primary key, probe, sort;
#: - ``n < DENSE_FACTOR * sqrt(pool)``: walk the pool newest first, keeping only those ids
#:   (a hashed filter on the index walk, no grant probe for the leads it skips);
#: - more: walk the pool newest first and probe grants; a page is found within
#:   ``pool / n * page`` leads.
#:
#: Tests set :data:`SPARSE_POOL_GRANTS` (the dense bound) to force the dense walk (0) or the
#: other two (a large number); ``None`` derives it from the pool's size.
SPARSE_POOL_GRANTS: int | None = None
DENSE_FACTOR = 8
MIN_DENSE_BOUND = 1000
#: The pool's size changes slowly and only picks a plan (every shape returns the same rows).
POOL_SIZE_TTL_SECONDS = 300.0
_pool_sizes: dict[str, tuple[float, int]] = {}


def _pool_grants(viewer: Viewer) -> Select[tuple[int]]:
    return select(LeadGrant.lead_id).where(
        LeadGrant.audience_id.in_(viewer.audience_ids), LeadGrant.in_pool
    )


def _pool_size(db: Session) -> int:
    key = str(db.get_bind().engine.url)
    cached = _pool_sizes.get(key)
    now = time.monotonic()
    if cached is None or now - cached[0] > POOL_SIZE_TTL_SECONDS:
        count = select(func.count()).where(Lead.status == LeadStatus.available)
        cached = (now, db.scalar(count) or 0)
        _pool_sizes[key] = cached
    return cached[1]


def _bounds(db: Session) -> tuple[int, int]:
    """``(sparse_below, dense_from)`` for the pool's current size."""
    root = math.isqrt(_pool_size(db))
    dense_from = max(MIN_DENSE_BOUND, DENSE_FACTOR * root)
    return root, dense_from if SPARSE_POOL_GRANTS is None else SPARSE_POOL_GRANTS


def _inbox_shape(db: Session, viewer: Viewer) -> tuple[str, list[int]]:
    """``("dense", [])``, or ``("sparse" | "filtered", the viewer's pool lead ids)``.

    On PostgreSQL one round trip also sets, for this transaction, what the inbox query needs:
    no parallel workers (a page is a few hundred index entries; starting workers costs more),
    and custom plans (the plan must see the id list's values for a hashed ``= ANY``).
    """
    sparse_below, dense_from = _bounds(db)
    bounded = _pool_grants(viewer).limit(max(dense_from, 0)).subquery()
    count = func.count()
    if db.get_bind().dialect.name != "postgresql":
        found = db.scalar(select(count).select_from(bounded)) or 0
        return ("dense", []) if found >= dense_from else ("sparse", [])
    row = db.execute(
        select(
            func.set_config("max_parallel_workers_per_gather", "0", True),
            func.set_config("plan_cache_mode", "force_custom_plan", True),
            count,
            case((count < dense_from, func.array_agg(bounded.c.lead_id))),
        ).select_from(bounded)
    ).one()
    found, ids = row[2], sorted(set(row[3] or ()))
    if found >= dense_from:
        return "dense", []
    return ("sparse" if found < sparse_below else "filtered"), ids


def lead_inbox(user: User, *, db: Session | None = None) -> Select[tuple[Lead]]:
    """The pool as this user sees it, newest first, in the query shape that suits its size.

    Every shape keeps the one EXISTS; the others add only a condition it implies.
    """
    session = _session(user, db)
    viewer = viewer_for(session, user)
    query = select(Lead).where(lead_filter(viewer), Lead.status == LeadStatus.available)
    shape, ids = _inbox_shape(session, viewer)
    if shape == "dense":
        pass
    elif session.get_bind().dialect.name != "postgresql":
        # The driving set as a subquery: SQLite has no arrays, and no plan to steer.
        query = query.where(Lead.id.in_(_pool_grants(viewer)))
    elif shape == "sparse":
        query = query.where(Lead.id == any_(bindparam("pool_ids", ids, type_=ARRAY(Integer))))
    else:
        # ``+ 0`` keeps the primary key out of it: PostgreSQL walks the pool index newest
        # first and keeps the listed ids (hashed), probing grants only for those.
        query = query.where(Lead.id + 0 == any_(bindparam("pool_ids", ids, type_=ARRAY(Integer))))
    return query.order_by(Lead.created_at.desc(), Lead.id.desc())


def get_lead(
    db: Session, user: User, lead_id: int, min_level: AccessLevel = AccessLevel.view
) -> Lead:
    query = select(Lead).where(lead_filter(viewer_for(db, user), min_level), Lead.id == lead_id)
    lead = db.scalar(query)
    if lead is None:
        raise NotFound()
    return lead


def _reaching_grants(db: Session, viewer: Viewer, lead_id: int) -> list[LeadGrant]:
    return list(
        db.scalars(
            select(LeadGrant)
            .join(Lead, Lead.id == LeadGrant.lead_id)
            .where(LeadGrant.lead_id == lead_id, grant_reaches(viewer, AccessLevel.view))
        )
    )


def access_level(db: Session, user: User, lead: Lead) -> AccessLevel | None:
    """The highest level any grant gives the user on the lead; ``None`` if they cannot see it."""
    grants = _reaching_grants(db, viewer_for(db, user), lead.id)
    return max((grant.level for grant in grants), default=None)


@dataclass(frozen=True)
class Reason:
    """One reason one user can reach a lead."""

    organization_id: int
    user_id: int
    source: GrantSource
    #: The organization (ownership, participation), rule or share behind the grant.
    source_id: int
    level: AccessLevel


def explain(db: Session, owner_user: User, lead: Lead) -> list[Reason]:
    """Who can reach the owner's lead and every reason why, from the same grant rows."""
    if lead.owner_org_id != owner_user.organization_id:
        raise NotFound()
    reasons: list[Reason] = []
    for user in db.scalars(_candidate_users(lead.id)):
        for grant in _reaching_grants(db, viewer_for(db, user), lead.id):
            reasons.append(
                Reason(
                    user.organization_id, user.id, grant.source_kind, grant.source_id, grant.level
                )
            )
    return reasons


def _candidate_users(lead_id: int) -> Select[tuple[User]]:
    """People of every organization a grant of the lead could cover: named organizations and
    teams' organizations, and the partners of owners that tier/kind/partner audiences name."""
    audiences = (
        select(Audience)
        .join(LeadGrant, LeadGrant.audience_id == Audience.id)
        .where(LeadGrant.lead_id == lead_id)
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
