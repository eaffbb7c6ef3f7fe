"""An organization's people: invitations, roles, deactivation, teams."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from partners import audit
from partners.auth import (
    INVITATION,
    issue_invitation_token,
    normalise_email,
    redeem_token,
    revoke_sessions,
    set_password,
)
from partners.context import ServiceContext, ServiceError
from partners.models import Organization, Team, User
from partners.outbox import queue_mail
from partners.roles import Role, UserStatus
from partners.sharing import require_role

INVITATION_TTL = timedelta(days=7)


def _acting_admin(ctx: ServiceContext) -> User:
    assert ctx.actor is not None
    require_role(ctx.actor, Role.admin)
    return ctx.actor


def _email_free(ctx: ServiceContext, email: str) -> None:
    if ctx.db.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise ServiceError(f"{email} already has an account.")


def invite(
    ctx: ServiceContext,
    organization: Organization,
    *,
    email: str,
    name: str = "",
    role: Role = Role.member,
    ttl: timedelta = INVITATION_TTL,
) -> User:
    """Create an invited user and mail them a single-use link that sets their password."""
    email = normalise_email(email)
    _email_free(ctx, email)
    user = User(
        organization=organization,
        email=email,
        name=name.strip(),
        role=role,
        status=UserStatus.invited,
    )
    ctx.db.add(user)
    ctx.db.flush()
    raw = issue_invitation_token(ctx, user, ttl)
    inviter = ctx.actor.display_name if ctx.actor else "Concord"
    queue_mail(
        ctx,
        email,
        f"You are invited to {organization.name} on Concord",
        f"Hello {user.name or email},\n\n{inviter} invited you to join {organization.name} on "
        f"Concord, our partner portal, as {role.label.lower()}.\n\nSet your password and sign in "
        f"here (the link works once, for {ttl.days} days):\n\n{ctx.link('/invitations/' + raw)}\n",
    )
    audit.record(
        ctx,
        "user.invited",
        user,
        summary=f"Invited {email} as {role.value}",
        after={"email": email, "role": role.value},
        subject_org=organization,
    )
    return user


def invite_colleague(ctx: ServiceContext, *, email: str, name: str, role: Role) -> User:
    actor = _acting_admin(ctx)
    return invite(ctx, actor.organization, email=email, name=name, role=role)


def accept_invitation(ctx: ServiceContext, raw_token: str, *, name: str, password: str) -> User:
    user = redeem_token(ctx, raw_token, INVITATION)
    if user.status != UserStatus.invited:
        raise ServiceError("This invitation is no longer valid.")
    set_password(user, password)
    user.name = name.strip() or user.name
    user.status = UserStatus.active
    ctx.actor = user
    audit.record(ctx, "user.joined", user, summary=f"{user.email} accepted the invitation")
    return user


def create_user(
    ctx: ServiceContext,
    organization: Organization,
    *,
    email: str,
    role: Role,
    password: str,
    name: str = "",
) -> User:
    """Create an active user directly (the admin CLI and demo data)."""
    email = normalise_email(email)
    _email_free(ctx, email)
    user = User(
        organization=organization, email=email, name=name, role=role, status=UserStatus.active
    )
    set_password(user, password)
    ctx.db.add(user)
    ctx.db.flush()
    audit.record(
        ctx,
        "user.created",
        user,
        summary=f"Created {email} as {role.value}",
        subject_org=organization,
    )
    return user


def _admin_count(ctx: ServiceContext, org_id: int) -> int:
    return (
        ctx.db.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.organization_id == org_id,
                User.role == Role.admin,
                User.status == UserStatus.active,
            )
        )
        or 0
    )


def change_role(ctx: ServiceContext, user: User, role: Role) -> None:
    actor = _acting_admin(ctx)
    if user.id == actor.id:
        raise ServiceError("You cannot change your own role; ask another admin.")
    if (
        user.role == Role.admin
        and role != Role.admin
        and _admin_count(ctx, user.organization_id) <= 1
    ):
        raise ServiceError("An organization needs at least one admin.")
    before = user.role
    user.role = role
    audit.record(
        ctx,
        "user.role_changed",
        user,
        before={"role": before.value},
        after={"role": role.value},
        summary=f"{user.email}: {before.value} → {role.value}",
    )


def deactivate(ctx: ServiceContext, user: User) -> None:
    actor = _acting_admin(ctx)
    if user.id == actor.id:
        raise ServiceError("You cannot deactivate yourself.")
    if user.status == UserStatus.deactivated:
        return
    before = user.status
    user.status = UserStatus.deactivated
    revoke_sessions(ctx, user)
    audit.record(
        ctx,
        "user.deactivated",
        user,
        before={"status": before.value},
        after={"status": user.status.value},
        summary=f"Deactivated {user.email}",
    )


def reactivate(ctx: ServiceContext, user: User) -> None:
    _acting_admin(ctx)
    if user.status != UserStatus.deactivated:
        return
    user.status = UserStatus.active if user.password_hash else UserStatus.invited
    audit.record(
        ctx,
        "user.reactivated",
        user,
        before={"status": "deactivated"},
        after={"status": user.status.value},
        summary=f"Reactivated {user.email}",
    )


def set_require_two_factor(ctx: ServiceContext, required: bool) -> None:
    actor = _acting_admin(ctx)
    org = actor.organization
    before = org.require_two_factor
    org.require_two_factor = required
    audit.record(
        ctx,
        "org.two_factor_policy",
        org,
        before={"required": before},
        after={"required": required},
        summary="Two-factor authentication " + ("required" if required else "optional"),
    )


def set_members_see_all(ctx: ServiceContext, see_all: bool) -> None:
    """Whether members see every record granted to the company, or only their own and their
    teams' (managers and admins always see all)."""
    actor = _acting_admin(ctx)
    org = actor.organization
    before = org.members_see_all_records
    org.members_see_all_records = see_all
    audit.record(
        ctx,
        "org.record_visibility",
        org,
        before={"members_see_all_records": before},
        after={"members_see_all_records": see_all},
        summary="Members see "
        + (
            "every record shared with the company"
            if see_all
            else "only their own and their teams' records"
        ),
    )


# Teams --------------------------------------------------------------------------------------


def create_team(ctx: ServiceContext, name: str, description: str = "") -> Team:
    actor = _acting_admin(ctx)
    name = name.strip()
    exists = ctx.db.scalar(
        select(func.count())
        .select_from(Team)
        .where(Team.organization_id == actor.organization_id, Team.name == name)
    )
    if exists:
        raise ServiceError(f"There is already a team called {name}.")
    team = Team(organization_id=actor.organization_id, name=name, description=description.strip())
    ctx.db.add(team)
    ctx.db.flush()
    audit.record(ctx, "team.created", team, summary=f"Created team {name}", after={"name": name})
    return team


def set_team_members(ctx: ServiceContext, team: Team, members: list[User]) -> None:
    _acting_admin(ctx)
    if any(m.organization_id != team.organization_id for m in members):
        raise ServiceError("Teams can only hold people of your organization.")
    before = sorted(m.email for m in team.members)
    team.members = members
    after = sorted(m.email for m in members)
    audit.record(
        ctx,
        "team.members_changed",
        team,
        before={"members": before},
        after={"members": after},
        summary=f"Team {team.name}: {len(after)} members",
    )


def delete_team(ctx: ServiceContext, team: Team) -> None:
    _acting_admin(ctx)
    audit.record(
        ctx, "team.deleted", team, before={"name": team.name}, summary=f"Deleted team {team.name}"
    )
    ctx.db.delete(team)
