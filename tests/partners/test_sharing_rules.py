"""Sharing rules: previews and dry runs count exactly what applying the change does."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from partners.models import AuditEntry
from partners.roles import OrgKind, OrgStatus, Role, Tier
from partners.sharing import rules
from partners.sharing.audiences import organization_viewer
from partners.sharing.criteria import Criteria
from partners.sharing.models import GranteeKind
from partners.sharing.records import record_filter
from partners.sharing.rules import Grantee, RuleSpec
from portal.leads.models import Lead
from portal.leads.sharing import LEADS

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user


@pytest.fixture
def network(db):
    """A vendor with partners of every tier (the silver one suspended) and a spread of leads."""
    vendor = create_org(db, OrgKind.vendor)
    owner = create_user(db, vendor, Role.manager)
    partners = {tier: create_org(db) for tier in Tier}
    for tier, partner in partners.items():
        partnership = create_partnership(db, vendor, partner, tier=tier)
        if tier == Tier.silver:
            partnership.status = OrgStatus.suspended
    for i in range(12):
        create_lead(
            db,
            owner,
            region=["EMEA", "NA"][i % 2],
            industry=["retail", "health", "energy"][i % 3],
            score=i * 10,
            amount=Decimal(1000 * i) if i % 4 else None,
        )
    return owner, partners


def visible_sets(db, organizations) -> dict[int, set[int]]:
    return {
        org.id: set(
            db.scalars(select(Lead.id).where(record_filter(LEADS, organization_viewer(db, org))))
        )
        for org in organizations
    }


def measured(before, after) -> tuple[dict[int, int], dict[int, int]]:
    gained = {org: len(after[org] - before[org]) for org in before if after[org] - before[org]}
    lost = {org: len(before[org] - after[org]) for org in before if before[org] - after[org]}
    return gained, lost


def test_preview_counts_the_pool_and_lists_active_partners_in_the_audience(db, network):
    owner, partners = network
    silver_and_up = Grantee(GranteeKind.tier, tier=Tier.silver)
    spec = RuleSpec("Silver+ EMEA", Criteria(regions=("EMEA",)), silver_and_up)
    preview = rules.preview(db, owner, spec)
    assert preview.records == 6
    assert {org.id for org in preview.organizations} == {
        partners[Tier.gold].id,
        partners[Tier.platinum].id,
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, (Criteria(regions=("EMEA",)), Grantee(GranteeKind.tier, tier=Tier.gold))),
        (
            (Criteria(score_min=30), Grantee(GranteeKind.all_partners)),
            (Criteria(score_min=60, amount_min=Decimal(2000)), Grantee(GranteeKind.all_partners)),
        ),
        (
            (Criteria(industries=("retail",)), Grantee(GranteeKind.tier, tier=Tier.registered)),
            (Criteria(industries=("retail", "health")), Grantee(GranteeKind.tier, tier=Tier.gold)),
        ),
        ((Criteria(regions=("NA",)), Grantee(GranteeKind.kind, org_kind=OrgKind.partner)), None),
    ],
    ids=["create", "narrow", "widen-criteria-narrow-audience", "deactivate"],
)
def test_dry_run_numbers_equal_the_change_applying_makes(db, network, old, new):
    owner, partners = network
    # Another rule already shows some leads to the platinum partner: those never count.
    platinum = Grantee(GranteeKind.organization, partners[Tier.platinum].id)
    create_rule(db, owner, platinum, regions=("NA",))
    ctx = context(db, owner)
    rule = rules.create_rule(ctx, RuleSpec("old", *old)) if old else None
    spec = RuleSpec("changed", new[0], new[1]) if new else None
    before = visible_sets(db, partners.values())

    diff = rules.dry_run(db, owner, rule, spec)
    if rule is None:
        rules.create_rule(ctx, spec)
    elif spec is None:
        rules.deactivate_rule(ctx, rule.id)
    else:
        rules.update_rule(ctx, rule.id, spec)

    assert (diff.gained, diff.lost) == measured(before, visible_sets(db, partners.values()))
    assert diff.gained or diff.lost
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "SharingRule"))
    assert set(actions) >= {"sharing_rule.created"}


def test_the_audit_entry_says_how_many_leads_a_rule_shares(db, network):
    owner, _partners = network
    spec = RuleSpec("EMEA", Criteria(regions=("EMEA",)), Grantee(GranteeKind.all_partners))
    rule = rules.create_rule(context(db, owner), spec)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "sharing_rule.created"))
    assert entry.summary == f"Rule {rule.name!r} shares 6 leads"
