"""Audiences: the groups an organization (and a user) belongs to, which grants are made to.

An organization's membership follows from its active partnerships (and the campaigns it takes
part in), so tier changes, suspensions and a campaign's participants changing take effect on
the next request without touching a single grant row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    event,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import ORMExecuteState, Session

from partners.models import Organization, Partnership, Team, TeamMembership, User
from partners.roles import OrgKind, OrgStatus, Role, Tier
from partners.sharing.models import Audience, RecordType
from partners.sharing.registry import kind_of


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


def campaign_audience(campaign_id: int, owner_id: int) -> AudienceRef:
    """The organizations taking part in the owner's campaign, while they do (they are the
    owner's partners, which is what ``relative_to_org_id`` tells the explainer)."""
    return AudienceRef(campaign_key(campaign_id), relative_to_org_id=owner_id)


def campaign_key(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def _company_keys(
    org: Organization, partnerships: Iterable[tuple[int, Tier]], campaigns: Iterable[int] = ()
) -> list[str]:
    """The organization's audience keys, given its active partnerships (owner, tier) and the
    campaigns it takes part in."""
    keys = [organization_audience(org.id).key]
    for owner, tier in partnerships:
        keys.append(partners_audience(owner).key)
        keys.append(kind_audience(owner, org.kind).key)
        keys += [tier_audience(owner, below).key for below in list(Tier)[: tier.rank + 1]]
    keys += [campaign_key(campaign_id) for campaign_id in campaigns]
    return keys


def audience_id(db: Session, ref: AudienceRef) -> int:
    """The audience's id, created on first use."""
    existing = db.scalar(select(Audience.id).where(Audience.key == ref.key))
    if existing is not None:
        return existing
    return _create(db, ref)


def audience_ids(db: Session, refs: list[AudienceRef]) -> list[int]:
    """The audiences' ids in the order given, looked up in one round trip; any missing one is
    created, as :func:`audience_id` does."""
    found = dict(db.execute(_AUDIENCE_IDS, {"keys": list({ref.key for ref in refs})}).all())
    for ref in refs:
        if ref.key not in found:
            found[ref.key] = _create(db, ref)
    return [found[ref.key] for ref in refs]


def _create(db: Session, ref: AudienceRef) -> int:
    audience = Audience(
        key=ref.key,
        organization_id=ref.organization_id,
        relative_to_org_id=ref.relative_to_org_id,
    )
    db.add(audience)
    db.flush()
    return audience.id


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


#: Where a session keeps the viewers it resolved (``Session.info``).
_VIEWERS = "concord.sharing.viewers"


def _cached(db: Session, key: tuple, resolve: Callable[[], Viewer]) -> Viewer:
    """A viewer resolved once per session and transaction: the cache is dropped whenever the
    session writes, commits or rolls back, so a change of partnership or team is never missed."""
    cache = db.info.get(_VIEWERS)
    if cache is None:
        cache = db.info[_VIEWERS] = {}
        _watch(db)
    viewer = cache.get(key)
    if viewer is None:
        viewer = cache[key] = resolve()
    return viewer


def _forget(session: Session, *_args) -> None:
    session.info.pop(_VIEWERS, None)


def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget(state.session)


def _watch(db: Session) -> None:
    if not event.contains(db, "after_flush", _forget):
        for name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
            event.listen(db, name, _forget)
        event.listen(db, "do_orm_execute", _forget_on_write)


def viewer_for(db: Session, user: User) -> Viewer:
    return _cached(db, ("user", user.id), lambda: _user_viewer(db, user))


def _user_viewer(db: Session, user: User) -> Viewer:
    org = user.organization
    member = user.role < Role.manager
    restricted = not org.members_see_all_records and member
    return _viewer(db, org, user.id, member, restricted)


def organization_viewer(db: Session, org: Organization) -> Viewer:
    """What the company as a whole reaches: what its managers see."""
    return _viewer(db, org, None, member=False, restricted=False)


def _memberships(member: bool) -> CompoundSelect:
    """The organization's active partnerships ``(owner, tier, NULL, NULL)``, its teams
    ``(NULL, NULL, team, NULL)`` (those of ``:user_id`` only, for a member) and the campaigns
    it accepted to take part in ``(NULL, NULL, NULL, campaign)``, in one round trip."""
    no_id = cast(null(), Integer)  # typed, or PostgreSQL takes two NULLs in a column for text
    partnerships = select(Partnership.parent_id, Partnership.tier, no_id, no_id).where(
        Partnership.child_id == bindparam("org_id"), Partnership.status == OrgStatus.active
    )
    teams = select(null(), null(), Team.id, null()).where(
        Team.organization_id == bindparam("org_id")
    )
    if member:
        teams = teams.join(TeamMembership).where(TeamMembership.user_id == bindparam("user_id"))
    members = kind_of(RecordType.campaign).audience_members
    assert members is not None, "the campaigns area names who takes part in a campaign"
    campaigns = members()
    record_id, org_id = campaigns.selected_columns
    campaigns = campaigns.where(org_id == bindparam("org_id"))
    campaigns = campaigns.with_only_columns(null(), null(), null(), record_id)
    return union_all(partnerships, teams, campaigns)


# Built once (on first use: the campaigns area registers its kind first): resolving a viewer
# runs on every request, and building a statement costs more than running a prebuilt one.
_MEMBERSHIPS = functools.cache(_memberships)
_AUDIENCE_IDS = select(Audience.key, Audience.id).where(
    Audience.key.in_(bindparam("keys", expanding=True))
)


def _viewer(
    db: Session, org: Organization, user_id: int | None, member: bool, restricted: bool
) -> Viewer:
    """Two round trips: the memberships (a member's own teams, or all; campaigns), then the ids
    of every audience key they imply."""
    params = {"org_id": org.id, "user_id": user_id} if member else {"org_id": org.id}
    partnerships, team_ids, campaign_ids = [], [], []
    for owner, tier, team_id, campaign_id in db.execute(_MEMBERSHIPS(member), params):
        if team_id is not None:
            team_ids.append(team_id)
        elif campaign_id is not None:
            campaign_ids.append(campaign_id)
        else:
            partnerships.append((owner, tier))
    company_keys = _company_keys(org, partnerships, campaign_ids)
    team_keys = [team_audience(team_id, org.id).key for team_id in team_ids]
    # Both kinds of key in one round trip; a key without a row yet has no grants.
    ids = dict(db.execute(_AUDIENCE_IDS, {"keys": company_keys + team_keys}).all())
    return Viewer(
        organization_id=org.id,
        user_id=user_id,
        company_audience_ids=tuple(dict.fromkeys(ids[k] for k in company_keys if k in ids)),
        team_audience_ids=tuple(dict.fromkeys(ids[k] for k in team_keys if k in ids)),
        team_ids=tuple(team_ids),
        restricted=restricted,
    )


def audience_members() -> CompoundSelect:
    """Every audience with the organizations it covers, the reverse of :func:`_viewer`:
    ``(audience_id, organization_id, team_id)``, ``team_id`` set for a team audience (which
    covers that team's members and the organization's managers, as their viewers hold it).

    Set-based, for "who may know" (:mod:`partners.sharing.knowers`): the keys are rebuilt in
    SQL from partnerships, teams and accepted campaign invitations, as ``_company_keys`` does.
    """
    key, parent = Audience.key, cast(Partnership.parent_id, String)
    no_team = cast(null(), Integer)
    own = select(
        Audience.id.label("audience_id"),
        Audience.organization_id.label("organization_id"),
        no_team.label("team_id"),
    ).where(key.startswith("org:"))
    tiers = [
        and_(
            Partnership.tier == tier,
            or_(
                *(
                    key == _key("tier:", parent, ":", below.value)
                    for below in list(Tier)[: tier.rank + 1]
                )
            ),
        )
        for tier in Tier
    ]
    related = (
        select(Audience.id, Partnership.child_id, no_team)
        .join(Partnership, Partnership.parent_id == Audience.relative_to_org_id)
        .join(Organization, Organization.id == Partnership.child_id)
        .where(
            Partnership.status == OrgStatus.active,
            or_(
                key == _key("partners:", parent),
                key == _key("kind:", parent, ":", cast(Organization.kind, String)),
                *tiers,
            ),
        )
    )
    taking_part = kind_of(RecordType.campaign).audience_members
    assert taking_part is not None, "the campaigns area names who takes part in a campaign"
    pairs = taking_part().subquery()
    campaigns = select(Audience.id, pairs.c[1], no_team).join(
        pairs, key == _key("campaign:", cast(pairs.c[0], String))
    )
    teams = select(Audience.id, Team.organization_id, Team.id).join(
        Team, key == _key("team:", cast(Team.id, String))
    )
    return union_all(own, related, campaigns, teams)


def _key(*parts) -> ColumnElement[str]:
    """An audience key built in SQL (``||``), as the ``*_audience`` functions build it."""
    text = literal(parts[0], String)
    for part in parts[1:]:
        text = text + (literal(part, String) if isinstance(part, str) else part)
    return text
