"""Audiences: the groups an organization (and a user) belongs to, which grants are made to.

An organization's membership follows from its active partnerships, so tier changes and
suspensions take effect on the next request without touching a single grant row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from partners.models import Organization, Partnership, Team, TeamMembership, User
from partners.roles import OrgKind, OrgStatus, Role, Tier
from partners.sharing.models import Audience


@dataclass(frozen=True)
class AudienceRef:
    key: str
    organization_id: int | None = None
    relative_to_org_id: int | None = None


def organization_audience(org_id: int) -> AudienceRef:
    return AudienceRef(f"org:{org_id}", organization_id=org_id)


def team_audience(team_id: int, organization_id: int) -> AudienceRef:
    return AudienceRef(f"team:{team_id}", organization_id=organization_id)


def tier_audience(owner_id: int, tier: Tier) -> AudienceRef:
    """Partners of the owner at ``tier`` or higher."""
    return AudienceRef(f"tier:{owner_id}:{tier.value}", relative_to_org_id=owner_id)


def kind_audience(owner_id: int, kind: OrgKind) -> AudienceRef:
    return AudienceRef(f"kind:{owner_id}:{kind.value}", relative_to_org_id=owner_id)


def partners_audience(owner_id: int) -> AudienceRef:
    return AudienceRef(f"partners:{owner_id}", relative_to_org_id=owner_id)


def organization_keys(db: Session, org: Organization) -> list[str]:
    """Every audience key the organization belongs to (not its teams)."""
    keys = [organization_audience(org.id).key]
    active = db.scalars(
        select(Partnership).where(
            Partnership.child_id == org.id, Partnership.status == OrgStatus.active
        )
    )
    for partnership in active:
        owner = partnership.parent_id
        keys.append(partners_audience(owner).key)
        keys.append(kind_audience(owner, org.kind).key)
        keys += [tier_audience(owner, tier).key for tier in Tier if tier <= partnership.tier]
    return keys


def audience_id(db: Session, ref: AudienceRef) -> int:
    """The audience's id, created on first use."""
    existing = db.scalar(select(Audience.id).where(Audience.key == ref.key))
    if existing is not None:
        return existing
    audience = Audience(
        key=ref.key,
        organization_id=ref.organization_id,
        relative_to_org_id=ref.relative_to_org_id,
    )
    db.add(audience)
    db.flush()
    return audience.id


def _ids(db: Session, keys: list[str]) -> tuple[int, ...]:
    if not keys:
        return ()
    return tuple(db.scalars(select(Audience.id).where(Audience.key.in_(keys))))


@dataclass(frozen=True)
class Viewer:
    """Who is looking, resolved once per request into the audiences the predicate needs."""

    organization_id: int
    user_id: int | None
    #: Audiences of the whole company (``org:``, tier, kind, partners).
    company_audience_ids: tuple[int, ...]
    team_audience_ids: tuple[int, ...]
    team_ids: tuple[int, ...]
    #: Company grants count only for records assigned to the user or one of their teams.
    restricted: bool

    @property
    def audience_ids(self) -> tuple[int, ...]:
        return self.company_audience_ids + self.team_audience_ids


def viewer_for(db: Session, user: User) -> Viewer:
    org = user.organization
    team_query = select(Team.id).where(Team.organization_id == org.id)
    if user.role < Role.manager:
        team_query = team_query.join(TeamMembership).where(TeamMembership.user_id == user.id)
    restricted = not org.members_see_all_records and user.role < Role.manager
    return _viewer(db, org, user.id, tuple(db.scalars(team_query)), restricted)


def organization_viewer(db: Session, org: Organization) -> Viewer:
    """What the company as a whole reaches: what its managers see."""
    team_ids = tuple(db.scalars(select(Team.id).where(Team.organization_id == org.id)))
    return _viewer(db, org, None, team_ids, restricted=False)


def _viewer(
    db: Session,
    org: Organization,
    user_id: int | None,
    team_ids: tuple[int, ...],
    restricted: bool,
) -> Viewer:
    team_keys = [team_audience(team_id, org.id).key for team_id in team_ids]
    return Viewer(
        organization_id=org.id,
        user_id=user_id,
        company_audience_ids=_ids(db, organization_keys(db, org)),
        team_audience_ids=_ids(db, team_keys),
        team_ids=team_ids,
        restricted=restricted,
    )
