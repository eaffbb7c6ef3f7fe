""" "Why can they see this?": :func:`partners.sharing.explain`'s reasons, named for a page.

Shared by every kind of record (leads, deals); the page includes ``_explainer.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from partners.models import Organization, User
from partners.roles import Role
from partners.sharing import explain
from partners.sharing.kinds import kind_for_record
from partners.sharing.models import ExplicitShare, GrantSource, SharingRule
from partners.sharing.records import Reason
from portal.campaigns.models import Campaign


@dataclass
class Explanation:
    """One organization's people and the reasons each can reach a record."""

    organization: Organization
    people: dict[User, list[Reason]] = field(default_factory=dict)


@dataclass(frozen=True)
class Explainer:
    """What the explainer section shows: reasons grouped by organization, and their labels."""

    entries: list[Explanation]
    names: dict[tuple[GrantSource, int], str]


def explanation(db: Session, reasons: list[Reason]) -> list[Explanation]:
    """The explainer's reasons grouped by organization, with names to show."""
    user_ids = {reason.user_id for reason in reasons}
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids)))}
    grouped: dict[int, Explanation] = {}
    for reason in reasons:
        user = users[reason.user_id]
        entry = grouped.setdefault(user.organization_id, Explanation(user.organization))
        entry.people.setdefault(user, []).append(reason)
    return sorted(grouped.values(), key=lambda entry: entry.organization.name)


def source_names(db: Session, reasons: list[Reason], record) -> dict[tuple[GrantSource, int], str]:
    """A label for every rule and organization a reason names, and for shares with a campaign's
    participants; a participant's label says its part in the record (a lead's claimant or
    reseller, a deal's partner or distributor, a campaign's participant)."""
    rule_ids = {r.source_id for r in reasons if r.source == GrantSource.rule}
    org_ids = {
        r.source_id
        for r in reasons
        if r.source in (GrantSource.ownership, GrantSource.participation)
    }
    names: dict[tuple[GrantSource, int], str] = {}
    for rule in db.scalars(select(SharingRule).where(SharingRule.id.in_(rule_ids))):
        names[(GrantSource.rule, rule.id)] = f"rule “{rule.name}”"
    share_ids = {r.source_id for r in reasons if r.source == GrantSource.share}
    campaign_shares = select(ExplicitShare.id, Campaign.name).join(
        Campaign, Campaign.id == ExplicitShare.grantee_campaign_id
    )
    for share_id, campaign in db.execute(campaign_shares.where(ExplicitShare.id.in_(share_ids))):
        names[(GrantSource.share, share_id)] = (
            f"shared with the participants of campaign “{campaign}”"
        )
    for org in db.scalars(select(Organization).where(Organization.id.in_(org_ids))):
        names[(GrantSource.ownership, org.id)] = f"owned by {org.name}"
        names[(GrantSource.participation, org.id)] = _part(record, org).format(org.name)
    return names


def _part(record, org: Organization) -> str:
    kind = kind_for_record(record)
    return next(
        (
            label
            for column, label in kind.participant_labels.items()
            if getattr(record, column) == org.id
        ),
        kind.participant_label,
    )


def explainer_for(db: Session, user: User, record) -> Explainer | None:
    """The explainer for the owner's managers and admins; ``None`` for everybody else."""
    if record.owner_org_id != user.organization_id or user.role < Role.manager:
        return None
    reasons = explain(db, user, record)
    return Explainer(explanation(db, reasons), source_names(db, reasons, record))
