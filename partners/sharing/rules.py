"""Sharing rules: an owner publishes its records (leads, deals) to audiences by criteria.

Creating, changing or deactivating a rule rewrites its grant rows in set-based SQL (DELETE by
source, INSERT … SELECT by criteria). :func:`dry_run` measures the change first, per
organization, with the same criteria SQL and the same predicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from partners import audit
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, Partnership, User
from partners.roles import OrgKind, Role, Tier
from partners.sharing import grants
from partners.sharing.audiences import (
    AudienceRef,
    Viewer,
    audience_id,
    kind_audience,
    organization_audience,
    organization_viewer,
    partners_audience,
    tier_audience,
)
from partners.sharing.criteria import Criteria
from partners.sharing.kinds import SharedKind, kind_of
from partners.sharing.levels import AccessLevel
from partners.sharing.models import GranteeKind, GrantSource, RecordType, SharingRule
from partners.sharing.organizations import require_role
from partners.sharing.records import grant_reaches


@dataclass(frozen=True)
class Grantee:
    kind: GranteeKind
    organization_id: int | None = None
    tier: Tier | None = None
    org_kind: OrgKind | None = None

    def audience(self, owner_id: int) -> AudienceRef:
        if self.kind == GranteeKind.organization and self.organization_id is not None:
            return organization_audience(self.organization_id)
        if self.kind == GranteeKind.tier and self.tier is not None:
            return tier_audience(owner_id, self.tier)
        if self.kind == GranteeKind.kind and self.org_kind is not None:
            return kind_audience(owner_id, self.org_kind)
        if self.kind == GranteeKind.all_partners:
            return partners_audience(owner_id)
        raise ServiceError("Choose who the rule shares with.")

    @classmethod
    def of(cls, rule: SharingRule) -> Grantee:
        return cls(rule.grantee_kind, rule.grantee_org_id, rule.grantee_tier, rule.grantee_org_kind)


@dataclass(frozen=True)
class RuleSpec:
    """What a rule says: which records, to whom, at which level."""

    name: str
    criteria: Criteria
    grantee: Grantee
    level: AccessLevel = AccessLevel.claim
    record_type: RecordType = RecordType.lead

    @classmethod
    def of(cls, rule: SharingRule) -> RuleSpec:
        criteria = Criteria.from_json(rule.criteria)
        return cls(rule.name, criteria, Grantee.of(rule), rule.level, rule.record_type)


@dataclass(frozen=True)
class RulePreview:
    records: int
    organizations: list[Organization]


@dataclass(frozen=True)
class RuleDiff:
    """Records each organization would start or stop seeing."""

    gained: dict[int, int] = field(default_factory=dict)
    lost: dict[int, int] = field(default_factory=dict)


def _acting_owner(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.manager)
    return actor


def owner_rules(user: User) -> Select[tuple[SharingRule]]:
    """The rules of the user's organization, active ones first."""
    return (
        select(SharingRule)
        .where(SharingRule.owner_org_id == user.organization_id)
        .order_by(SharingRule.active.desc(), SharingRule.name, SharingRule.id)
    )


def get_rule(db: Session, user: User, rule_id: int) -> SharingRule:
    rule = db.get(SharingRule, rule_id)
    if rule is None or rule.owner_org_id != user.organization_id:
        raise NotFound()
    return rule


def _draft(db: Session, owner_id: int, spec: RuleSpec, rule_id: int | None = None) -> SharingRule:
    """An unsaved rule, so previews run the exact SQL that applying it would."""
    grantee = spec.grantee
    return SharingRule(
        id=rule_id,
        owner_org_id=owner_id,
        record_type=spec.record_type,
        name=spec.name,
        criteria=spec.criteria.to_json(),
        grantee_kind=grantee.kind,
        grantee_org_id=grantee.organization_id,
        grantee_tier=grantee.tier,
        grantee_org_kind=grantee.org_kind,
        audience_id=audience_id(db, grantee.audience(owner_id)),
        level=spec.level,
        active=True,
    )


def _audience_members(db: Session, owner_id: int, rule: SharingRule) -> list[Organization]:
    """Organizations whose audiences include the rule's: its partners, or the named one."""
    candidates = select(Organization).where(
        Organization.id.in_(select(Partnership.child_id).where(Partnership.parent_id == owner_id))
        | (Organization.id == rule.grantee_org_id)
    )
    return [
        org
        for org in db.scalars(candidates.order_by(Organization.name))
        if rule.audience_id in organization_viewer(db, org).company_audience_ids
    ]


def preview(db: Session, owner: User, spec: RuleSpec) -> RulePreview:
    """How many records the rule selects (leads: in the pool), and which organizations it
    reaches."""
    rule = _draft(db, owner.organization_id, spec)
    records = db.scalar(select(func.count()).select_from(grants.rule_matches(rule).subquery()))
    return RulePreview(records or 0, _audience_members(db, owner.organization_id, rule))


def dry_run(db: Session, owner: User, rule: SharingRule | None, spec: RuleSpec | None) -> RuleDiff:
    """What replacing ``rule`` (None: a new rule) by ``spec`` (None: deactivation) changes.

    Counted per organization as records it would start or stop seeing, so records it also
    reaches through another grant do not count. A rule keeps its kind: ``spec`` must have the
    rule's record type.
    """
    owner_id = owner.organization_id
    assert spec is not None or rule is not None, "a dry run compares two versions"
    kind = kind_of(spec.record_type if spec is not None else rule.record_type)
    grant, model = kind.grant, kind.model
    rule_id = rule.id if rule is not None else 0
    before = rule if rule is not None and rule.active else None
    after = _draft(db, owner_id, spec, rule_id) if spec is not None else None
    versions = [version for version in (before, after) if version is not None]
    organizations = {
        org.id: org for version in versions for org in _audience_members(db, owner_id, version)
    }
    diff = RuleDiff()
    for org in organizations.values():
        viewer = organization_viewer(db, org)
        elsewhere = (
            select(kind.grant_record)
            .join(model, model.id == kind.grant_record)
            .where(
                grant_reaches(viewer, AccessLevel.view, kind),
                ~and_(grant.source_kind == GrantSource.rule, grant.source_id == rule_id),
            )
        )
        reached_before = _reached(before, viewer)
        reached_after = _reached(after, viewer)
        for counts, now, then in (
            (diff.gained, reached_after, reached_before),
            (diff.lost, reached_before, reached_after),
        ):
            count = _count_new(db, kind, now, then, elsewhere)
            if count:
                counts[org.id] = count
    return diff


def _reached(version: SharingRule | None, viewer: Viewer) -> Select | None:
    if version is None or version.audience_id not in viewer.company_audience_ids:
        return None
    return grants.rule_matches(version)


def _count_new(
    db: Session, kind: SharedKind, now: Select | None, then: Select | None, elsewhere: Select
) -> int:
    if now is None:
        return 0
    query = now.where(kind.model.id.not_in(elsewhere))
    if then is not None:
        query = query.where(kind.model.id.not_in(then))
    return db.scalar(select(func.count()).select_from(query.subquery())) or 0


def create_rule(ctx: ServiceContext, spec: RuleSpec) -> SharingRule:
    actor = _acting_owner(ctx)
    rule = _draft(ctx.db, actor.organization_id, spec)
    rule.created_by_id = actor.id
    rule.created_at = rule.updated_at = ctx.now()
    ctx.db.add(rule)
    ctx.db.flush()
    granted = grants.apply_rule(ctx.db, rule)
    audit.record(
        ctx,
        "sharing_rule.created",
        rule,
        summary=f"Rule {rule.name!r} shares {granted} {rule.record_type.value}s",
        after=_snapshot(rule),
    )
    return rule


def update_rule(ctx: ServiceContext, rule_id: int, spec: RuleSpec) -> SharingRule:
    """Replace what the rule says and re-grant (reactivating it if it was off)."""
    actor = _acting_owner(ctx)
    rule = get_rule(ctx.db, actor, rule_id)
    if spec.record_type != rule.record_type:
        raise ServiceError("A rule keeps its record type; create a new rule instead.")
    before = _snapshot(rule)
    draft = _draft(ctx.db, actor.organization_id, spec, rule.id)
    for column in ("name", "criteria", "grantee_kind", "grantee_org_id", "grantee_tier"):
        setattr(rule, column, getattr(draft, column))
    rule.grantee_org_kind, rule.audience_id = draft.grantee_org_kind, draft.audience_id
    rule.level, rule.active, rule.updated_at = draft.level, True, ctx.now()
    ctx.db.flush()
    grants.withdraw_rule(ctx.db, rule)
    granted = grants.apply_rule(ctx.db, rule)
    audit.record(
        ctx,
        "sharing_rule.updated",
        rule,
        summary=f"Rule {rule.name!r} now shares {granted} {rule.record_type.value}s",
        before=before,
        after=_snapshot(rule),
    )
    return rule


def deactivate_rule(ctx: ServiceContext, rule_id: int) -> SharingRule:
    actor = _acting_owner(ctx)
    rule = get_rule(ctx.db, actor, rule_id)
    if not rule.active:
        return rule
    rule.active, rule.updated_at = False, ctx.now()
    withdrawn = grants.withdraw_rule(ctx.db, rule)
    audit.record(
        ctx,
        "sharing_rule.deactivated",
        rule,
        summary=f"Rule {rule.name!r} deactivated; {withdrawn} grants withdrawn",
        before={"active": True},
        after={"active": False},
    )
    return rule


def _snapshot(rule: SharingRule) -> dict:
    return {
        "record_type": rule.record_type.value,
        "name": rule.name,
        "criteria": rule.criteria,
        "grantee": Grantee.of(rule).audience(rule.owner_org_id).key,
        "level": rule.level.name,
        "active": rule.active,
    }
