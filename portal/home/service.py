"""The home page's checklist: the next useful steps for this user, and which are done."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partners import sharing
from partners.models import User
from partners.roles import OrgKind, Role
from portal.campaigns.models import Campaign
from portal.campaigns.queries import pending_invitations


@dataclass(frozen=True)
class Step:
    title: str
    detail: str
    endpoint: str
    done: bool


def _count(db: Session, query) -> int:
    return db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def next_steps(db: Session, user: User) -> list[Step]:
    steps: list[Step] = []
    runs_partners = user.organization.kind in (OrgKind.vendor, OrgKind.distributor)
    if user.role >= Role.admin:
        if runs_partners:
            steps.append(
                Step(
                    "Onboard a partner",
                    "Create a reseller or distributor, set its tier and invite its first admin.",
                    "partnerships.onboard",
                    _count(db, sharing.managed_partnerships(user)) > 0,
                )
            )
        steps.append(
            Step(
                "Invite your colleagues",
                "Give channel managers, sales and support their own accounts and roles.",
                "admin.users",
                _count(db, sharing.colleagues(user)) > 1,
            )
        )
        steps.append(
            Step(
                "Organize people into teams",
                "Teams such as “Support EMEA” share case notes and records as a group.",
                "admin.teams",
                _count(db, sharing.teams(user)) > 0,
            )
        )
    steps.append(
        Step(
            "Protect your account with two-factor authentication",
            "A code from your phone at each sign-in keeps partners' data safe.",
            "account.two_factor",
            user.two_factor_enabled,
        )
    )
    return steps


#: Campaign invitations listed on the home page; the campaign list has them all.
INVITATIONS_SHOWN = 10


def waiting_invitations(db: Session, user: User) -> list[tuple[Campaign, str]]:
    """The newest campaign invitations the user's organization has not answered, with the
    inviting organization's name."""
    return [tuple(row) for row in db.execute(pending_invitations(user).limit(INVITATIONS_SHOWN))]
