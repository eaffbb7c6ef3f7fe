"""Access to organizations, partnerships, colleagues and teams."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, contains_eager

from partners.context import Forbidden, NotFound
from partners.models import Organization, Partnership, Team, User
from partners.roles import OrgKind, OrgStatus, Role


def require_role(user: User, role: Role) -> None:
    if user.role < role:
        raise Forbidden(f"This needs the {role.label.lower()} role in your organization.")


def organization_may_sign_in(db: Session, org: Organization) -> bool:
    """Suspended organizations, and partners none of whose partnerships is active, may not."""
    if org.status != OrgStatus.active:
        return False
    if org.kind == OrgKind.vendor:
        return True
    has_active = select(
        exists().where(Partnership.child_id == org.id, Partnership.status == OrgStatus.active)
    )
    has_any = select(exists().where(Partnership.child_id == org.id))
    return bool(db.scalar(has_active)) or not db.scalar(has_any)


# Partnerships -------------------------------------------------------------------------------


def managed_partnerships(user: User) -> Select[tuple[Partnership]]:
    """The partnerships the user's organization runs as vendor (or as distributor)."""
    return (
        select(Partnership)
        .join(Partnership.child)
        .options(contains_eager(Partnership.child))  # pages list the partners' names
        .where(Partnership.parent_id == user.organization_id)
        .order_by(Organization.name)
    )


def own_partnerships(user: User) -> Select[tuple[Partnership]]:
    """The partnerships in which the user's organization is the partner."""
    return select(Partnership).where(Partnership.child_id == user.organization_id)


def get_managed_partnership(db: Session, user: User, partnership_id: int) -> Partnership:
    partnership = db.get(Partnership, partnership_id)
    if partnership is None or partnership.parent_id != user.organization_id:
        raise NotFound()
    return partnership


# People and teams of the user's own organization ----------------------------------------------


def colleagues(user: User) -> Select[tuple[User]]:
    return select(User).where(User.organization_id == user.organization_id).order_by(User.email)


def get_colleague(db: Session, user: User, user_id: int) -> User:
    other = db.get(User, user_id)
    if other is None or other.organization_id != user.organization_id:
        raise NotFound()
    return other


def teams(user: User) -> Select[tuple[Team]]:
    return select(Team).where(Team.organization_id == user.organization_id).order_by(Team.name)


def get_team(db: Session, user: User, team_id: int) -> Team:
    team = db.get(Team, team_id)
    if team is None or team.organization_id != user.organization_id:
        raise NotFound()
    return team
