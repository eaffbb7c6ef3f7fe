"""The audit trail: every service that changes state writes one entry here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select

from partners.context import ServiceContext
from partners.models import AuditEntry, Organization, User


def record(
    ctx: ServiceContext,
    action: str,
    target: Any = None,
    *,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    subject_org: Organization | None = None,
) -> AuditEntry:
    actor = ctx.actor
    entry = AuditEntry(
        at=ctx.now(),
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.organization_id if actor else None,
        subject_org_id=subject_org.id if subject_org else None,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "id", "") or ""),
        summary=summary[:300],
        before=before,
        after=after,
        ip=ctx.ip,
    )
    ctx.db.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor_email: str = ""
    since: datetime | None = None
    until: datetime | None = None


def entries_for_organization(org_id: int, filters: AuditFilter) -> Select:
    """An organization's trail: what its people did and what was done to it."""
    query = (
        select(AuditEntry)
        .where(or_(AuditEntry.actor_org_id == org_id, AuditEntry.subject_org_id == org_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action))
    if filters.actor_email:
        query = query.join(User, AuditEntry.actor_user_id == User.id).where(
            User.email.contains(filters.actor_email.lower())
        )
    if filters.since:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until:
        query = query.where(AuditEntry.at < filters.until)
    return query
