"""Which leads a user may see, at which level, and why: one predicate for all of it.

Every way of reaching a lead is a ``lead_grant`` row (ownership, the claim, rules, explicit
shares), so visibility is a single EXISTS over the viewer's audiences. Lists, counts,
single-record loads, access levels and the explainer all filter grants with :func:`grant_reaches`.

The inbox picks one of two query shapes per request, from a bounded count of the viewer's grants
on leads in the pool (``docs/sharing.md``, "Query plans"). Both filter with the same EXISTS; the
sparse shape only adds a condition the EXISTS implies, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, any_, exists, func, or_, select
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


#: Below this many grant rows on pool leads, the inbox starts from those rows (primary-key
#: lookups, then a sort); from it on, it walks the pool newest first and probes grants, which
#: finds a page quickly because at least this many of the pool's leads are visible.
SPARSE_POOL_GRANTS = 3000


def _pool_grants(viewer: Viewer) -> Select[tuple[int]]:
    return select(LeadGrant.lead_id).where(
        LeadGrant.audience_id.in_(viewer.audience_ids), LeadGrant.in_pool
    )


def _is_sparse(db: Session, viewer: Viewer) -> bool:
    bounded = _pool_grants(viewer).limit(SPARSE_POOL_GRANTS).subquery()
    return (db.scalar(select(func.count()).select_from(bounded)) or 0) < SPARSE_POOL_GRANTS


def _among_pool_grants(db: Session, viewer: Viewer) -> ColumnElement[bool]:
    """``lead.id`` is one of the viewer's few pool grants: implied by the EXISTS, but a driving
    set the planner cannot turn into the semi-join it would walk the lead index for."""
    if db.get_bind().dialect.name == "postgresql":
        return Lead.id == any_(func.array(_pool_grants(viewer).scalar_subquery()))
    return Lead.id.in_(_pool_grants(viewer))


def lead_inbox(user: User, *, db: Session | None = None) -> Select[tuple[Lead]]:
    """The pool as this user sees it, newest first, in the query shape that suits its size."""
    session = _session(user, db)
    viewer = viewer_for(session, user)
    query = select(Lead).where(lead_filter(viewer), Lead.status == LeadStatus.available)
    if _is_sparse(session, viewer):
        query = query.where(_among_pool_grants(session, viewer))
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
