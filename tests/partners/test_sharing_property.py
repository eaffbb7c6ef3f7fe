"""Property: the sharing predicate, single-record loads and the explainer agree with a plain
reference model of the rules, for random organizations, people, rules, shares and leads."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from partners.context import NotFound
from partners.roles import OrgKind, OrgStatus, Role, Tier
from partners.sharing import (
    AccessLevel,
    access_level,
    explain,
    get_lead,
    lead_inbox,
    shares,
    visible_leads,
)
from partners.sharing import rules as sharing_rules
from partners.sharing.grants import refresh_lead
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads.models import LeadStatus

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_team,
    create_user,
)

REGIONS = ["EMEA", "NA"]
INDUSTRIES = ["retail", "health", "energy"]
STATUSES = [LeadStatus.new, LeadStatus.available, LeadStatus.available, LeadStatus.working]
VENDORS, PARTNERS = 2, 3

levels = st.sampled_from(list(AccessLevel))


@dataclass(frozen=True)
class RuleDraft:
    vendor: int
    regions: tuple[str, ...]
    industries: tuple[str, ...]
    score_min: int | None
    grantee: tuple  # ("organization", partner) | ("tier", Tier) | ("kind", OrgKind) | ("all",)
    level: AccessLevel
    before_leads: bool
    deactivated: bool


@dataclass(frozen=True)
class LeadDraft:
    vendor: int
    region: str
    industry: str
    score: int
    status: LeadStatus
    claimant: int  # partner index, used when the status is past the pool
    assignee: int | None  # index into the claimant's users
    team_assigned: bool


@dataclass(frozen=True)
class ShareDraft:
    lead: int
    partner: int
    to_team: bool
    level: AccessLevel


grantees = st.one_of(
    st.tuples(st.just("organization"), st.integers(0, PARTNERS - 1)),
    st.tuples(st.just("tier"), st.sampled_from(list(Tier))),
    st.tuples(st.just("kind"), st.sampled_from([OrgKind.partner, OrgKind.distributor])),
    st.tuples(st.just("all")),
)
rule_drafts = st.builds(
    RuleDraft,
    vendor=st.integers(0, VENDORS - 1),
    regions=st.lists(st.sampled_from(REGIONS), max_size=1, unique=True).map(tuple),
    industries=st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True).map(tuple),
    score_min=st.one_of(st.none(), st.integers(0, 100)),
    grantee=grantees,
    level=levels,
    before_leads=st.booleans(),
    deactivated=st.booleans(),
)
lead_drafts = st.builds(
    LeadDraft,
    vendor=st.integers(0, VENDORS - 1),
    region=st.sampled_from(REGIONS),
    industry=st.sampled_from(INDUSTRIES),
    score=st.integers(0, 100),
    status=st.sampled_from(STATUSES),
    claimant=st.integers(0, PARTNERS - 1),
    assignee=st.one_of(st.none(), st.integers(0, 1)),
    team_assigned=st.booleans(),
)
share_drafts = st.builds(
    ShareDraft,
    lead=st.integers(0, 99),
    partner=st.integers(0, PARTNERS - 1),
    to_team=st.booleans(),
    level=levels,
)
partner_setups = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([OrgKind.partner, OrgKind.distributor]),
        "see_all": st.booleans(),
        "roles": st.lists(st.sampled_from(list(Role)), min_size=1, max_size=2),
        "in_team": st.lists(st.booleans(), min_size=2, max_size=2),
        # per vendor: no partnership, or (tier, active)
        "links": st.lists(
            st.one_of(st.none(), st.tuples(st.sampled_from(list(Tier)), st.booleans())),
            min_size=VENDORS,
            max_size=VENDORS,
        ),
    }
)
scenarios = st.fixed_dictionaries(
    {
        "partners": st.lists(partner_setups, min_size=PARTNERS, max_size=PARTNERS),
        "rules": st.lists(rule_drafts, max_size=4),
        "leads": st.lists(lead_drafts, max_size=7),
        "shares": st.lists(share_drafts, max_size=3),
    }
)


# The reference model ---------------------------------------------------------------------------


def matches(rule: RuleDraft, lead: LeadDraft) -> bool:
    return (
        (not rule.regions or lead.region in rule.regions)
        and (not rule.industries or lead.industry in rule.industries)
        and (rule.score_min is None or lead.score >= rule.score_min)
    )


def in_grantee(scenario: dict, rule: RuleDraft, partner: int) -> bool:
    setup = scenario["partners"][partner]
    if rule.grantee[0] == "organization":
        return rule.grantee[1] == partner
    link = setup["links"][rule.vendor]
    if link is None or not link[1]:
        return False
    if rule.grantee[0] == "tier":
        return link[0] >= rule.grantee[1]
    if rule.grantee[0] == "kind":
        return setup["kind"] == rule.grantee[1]
    return True


def expected_level(scenario: dict, who: tuple, lead_index: int) -> AccessLevel | None:
    """``who`` is ("vendor", v, role) or ("partner", p, user_index, role)."""
    lead = scenario["leads"][lead_index]
    if who[0] == "vendor":
        return AccessLevel.manage if who[1] == lead.vendor else None
    _, partner, user_index, role = who
    setup = scenario["partners"][partner]
    is_manager = role >= Role.manager
    in_team = setup["in_team"][user_index] or is_manager
    company: list[AccessLevel] = []
    claimed = lead.status not in (LeadStatus.new, LeadStatus.available)
    if claimed and lead.claimant == partner:
        company.append(AccessLevel.edit)
    if lead.status == LeadStatus.available:
        company += [
            rule.level
            for rule in scenario["rules"]
            if not rule.deactivated
            and rule.vendor == lead.vendor
            and matches(rule, lead)
            and in_grantee(scenario, rule, partner)
        ]
    team: list[AccessLevel] = []
    for share in scenario["shares"]:
        if share.lead % len(scenario["leads"]) == lead_index and share.partner == partner:
            (team if share.to_team else company).append(share.level)
    team = team if in_team else []
    if not setup["see_all"] and not is_manager:
        mine = (
            claimed
            and lead.claimant == partner
            and (
                lead.assignee == user_index or (lead.team_assigned and setup["in_team"][user_index])
            )
        )
        company = company if mine else []
    return max(company + team, default=None)


# Building the scenario through the services -------------------------------------------------------


def build(db, scenario: dict):
    vendors = [create_org(db, OrgKind.vendor) for _ in range(VENDORS)]
    owners = [create_user(db, vendor, Role.admin) for vendor in vendors]
    orgs, people, teams = [], [], []
    for setup in scenario["partners"]:
        org = create_org(db, setup["kind"])
        org.members_see_all_records = setup["see_all"]
        users = [create_user(db, org, role) for role in setup["roles"]]
        teams.append(
            create_team(
                db, org, tuple(u for u, t in zip(users, setup["in_team"], strict=False) if t)
            )
        )
        for vendor, link in zip(vendors, setup["links"], strict=True):
            if link is not None:
                partnership = create_partnership(db, vendor, org, tier=link[0])
                partnership.status = OrgStatus.active if link[1] else OrgStatus.suspended
        orgs.append(org)
        people.append(users)

    def make_rule(draft: RuleDraft):
        kind, *arg = draft.grantee
        grantee = {
            "organization": lambda: Grantee(GranteeKind.organization, orgs[arg[0]].id),
            "tier": lambda: Grantee(GranteeKind.tier, tier=arg[0]),
            "kind": lambda: Grantee(GranteeKind.kind, org_kind=arg[0]),
            "all": lambda: Grantee(GranteeKind.all_partners),
        }[kind]()
        criteria = {"regions": draft.regions, "industries": draft.industries}
        rule = create_rule(db, owners[draft.vendor], grantee, draft.level, **criteria)
        if draft.score_min is not None:
            spec = sharing_rules.RuleSpec.of(rule)
            spec = sharing_rules.RuleSpec(
                spec.name,
                sharing_rules.Criteria(**criteria, score_min=draft.score_min),
                spec.grantee,
                spec.level,
            )
            sharing_rules.update_rule(context(db, owners[draft.vendor]), rule.id, spec)
        if draft.deactivated:
            sharing_rules.deactivate_rule(context(db, owners[draft.vendor]), rule.id)

    for draft in scenario["rules"]:
        if draft.before_leads:
            make_rule(draft)
    leads = []
    for draft in scenario["leads"]:
        lead = create_lead(
            db,
            owners[draft.vendor],
            publish=draft.status != LeadStatus.new,
            region=draft.region,
            industry=draft.industry,
            score=draft.score,
        )
        if draft.status == LeadStatus.working:
            claimant = draft.claimant
            lead.status, lead.claimed_by_org_id = draft.status, orgs[claimant].id
            if draft.assignee is not None and draft.assignee < len(people[claimant]):
                lead.assigned_user_id = people[claimant][draft.assignee].id
            if draft.team_assigned:
                lead.assigned_team_id = teams[claimant].id
            refresh_lead(db, lead)
        leads.append(lead)
    for draft in scenario["rules"]:
        if not draft.before_leads:
            make_rule(draft)
    for draft in scenario["shares"]:
        if not leads:
            break
        lead = leads[draft.lead % len(leads)]
        owner = owners[scenario["leads"][draft.lead % len(leads)].vendor]
        target = (
            {"team": teams[draft.partner]}
            if draft.to_team
            else {"organization": orgs[draft.partner]}
        )
        shares.share_lead(context(db, owner), lead.id, level=draft.level, **target)

    everyone = [(("vendor", v, Role.admin), owners[v]) for v in range(VENDORS)]
    for p, users in enumerate(people):
        everyone += [(("partner", p, i, user.role), user) for i, user in enumerate(users)]
    return owners, leads, everyone


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios)
def test_enforcement_and_explainer_match_the_reference_model(db, scenario):
    savepoint = db.begin_nested()
    try:
        owners, leads, everyone = build(db, scenario)
        explained = _explained_levels(db, owners, leads, scenario)
        for who, user in everyone:
            expected = {
                leads[i].id: level
                for i in range(len(leads))
                if (level := expected_level(scenario, who, i)) is not None
            }
            query = visible_leads(user)
            assert {lead.id for lead in db.scalars(query)} == set(expected), who
            count = select(func.count()).select_from(query.subquery())
            assert db.scalar(count) == len(expected)
            in_pool = [lead.id for lead in leads if lead.status == LeadStatus.available]
            assert_inbox_shapes_agree(db, user, {i for i in in_pool if i in expected})
            for lead in leads:
                level = expected.get(lead.id)
                assert access_level(db, user, lead) == level, (who, lead)
                assert explained.get((user.id, lead.id)) == level, (who, lead)
                if level is None:
                    with pytest.raises(NotFound):
                        get_lead(db, user, lead.id)
                else:
                    assert get_lead(db, user, lead.id, level) is lead
    finally:
        savepoint.rollback()


def assert_inbox_shapes_agree(db, user, expected: set[int]) -> None:
    """The inbox driven from the lead index and from the grant rows lists the same leads."""
    for sparse_below in (0, 1_000_000):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("partners.sharing.records.SPARSE_POOL_GRANTS", sparse_below)
            assert {lead.id for lead in db.scalars(lead_inbox(user))} == expected


def _explained_levels(db, owners, leads, scenario) -> dict[tuple[int, int], AccessLevel]:
    """The highest level the explainer lists per (user, lead)."""
    levels: dict[tuple[int, int], AccessLevel] = {}
    for lead, draft in zip(leads, scenario["leads"], strict=True):
        for reason in explain(db, owners[draft.vendor], lead):
            key = (reason.user_id, lead.id)
            levels[key] = max(levels.get(key, reason.level), reason.level)
    return levels
