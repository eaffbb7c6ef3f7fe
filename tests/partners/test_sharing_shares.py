"""Explicit shares: one lead to one organization or team, lapsing at their expiry."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from partners.context import NotFound, ServiceError
from partners.models import AuditEntry
from partners.roles import OrgKind, Role
from partners.sharing import AccessLevel, access_level, shares
from partners.sharing.models import ExplicitShare, ShareStatus
from portal.leads.service import claim_lead
from portal.leads.sharing import get_lead, share_lead

from factories import context, create_lead, create_org, create_team, create_user

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def owner(db):
    return create_user(db, create_org(db, OrgKind.vendor), Role.manager)


def test_share_lapses_at_its_expiry_and_the_lapse_is_audited(db, clock, owner):
    partner_user = create_user(db, create_org(db))
    lead = create_lead(db, owner, publish=False)
    clock.set(NOON)
    ctx = context(db, owner)
    ctx.clock = clock
    share = share_lead(
        ctx,
        lead.id,
        organization=partner_user.organization,
        level=AccessLevel.edit,
        expires_at=NOON + timedelta(days=7),
        reason="Joint pitch",
    )
    assert access_level(db, partner_user, lead) == AccessLevel.edit

    clock.set(NOON + timedelta(days=7) - timedelta(seconds=1))
    assert shares.expire_shares(ctx) == 0
    assert get_lead(db, partner_user, lead.id) is lead

    clock.set(NOON + timedelta(days=7))
    assert shares.expire_shares(ctx) == 1
    assert share.status == ShareStatus.expired and share.ended_at == clock()
    with pytest.raises(NotFound):
        get_lead(db, partner_user, lead.id)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "share.expired"))
    assert (entry.target_id, entry.at, entry.after["status"]) == (str(share.id), clock(), "expired")
    assert shares.expire_shares(ctx) == 0


def test_team_share_reaches_the_team_and_its_managers_only(db, owner):
    partner = create_org(db)
    member, outsider = create_user(db, partner), create_user(db, partner)
    manager = create_user(db, partner, Role.manager)
    team = create_team(db, partner, (member,))
    lead = create_lead(db, owner, publish=False)
    share_lead(context(db, owner), lead.id, team=team)
    assert [access_level(db, u, lead) for u in (member, manager, outsider)] == [
        AccessLevel.view,
        AccessLevel.view,
        None,
    ]


def test_shares_survive_the_claim_and_unsharing_withdraws_them(db, owner):
    partner_user = create_user(db, create_org(db))
    lead = create_lead(db, owner)
    ctx = context(db, owner)
    share = share_lead(
        ctx, lead.id, organization=partner_user.organization, level=AccessLevel.claim
    )
    claim_lead(context(db, partner_user), lead.id)
    other = create_user(db, create_org(db))
    share_lead(ctx, lead.id, organization=other.organization)
    assert access_level(db, other, lead) == AccessLevel.view  # claimed, yet shared explicitly
    shares.unshare(ctx, share.id)
    assert access_level(db, partner_user, lead) == AccessLevel.edit  # the claim remains
    assert db.get(ExplicitShare, share.id).status == ShareStatus.revoked


def test_only_someone_who_manages_the_lead_can_share_it(db, owner):
    partner_user = create_user(db, create_org(db))
    lead = create_lead(db, owner)
    with pytest.raises(NotFound):
        share_lead(context(db, partner_user), lead.id, organization=partner_user.organization)
    with pytest.raises(ServiceError, match="either an organization or a team"):
        share_lead(context(db, owner), lead.id)
