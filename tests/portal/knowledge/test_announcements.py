"""Announcements reach the vendor's partners in their audience while current, until read."""

from datetime import UTC, datetime, timedelta

from partners.roles import OrgKind, Role, Tier
from portal.knowledge.announcements import (
    AnnouncementDetails,
    create_announcement,
    mark_read,
    pinned_announcements,
)
from portal.knowledge.models import AudienceKind

from factories import context, create_org, create_partnership, create_user

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_audience_expiry_and_read(db):
    vendor = create_org(db, OrgKind.vendor)
    gold, silver, other = (create_org(db, OrgKind.partner) for _ in range(3))
    create_partnership(db, vendor, gold, tier=Tier.gold, region="EMEA")
    create_partnership(db, vendor, silver, tier=Tier.silver, region="APAC")
    create_partnership(db, create_org(db, OrgKind.vendor), other, tier=Tier.platinum)
    manager = create_user(db, vendor, Role.manager)
    g, s, o = (create_user(db, org) for org in (gold, silver, other))
    ctx = context(db, manager)
    window = {"starts_at": NOW - timedelta(days=1), "expires_at": NOW + timedelta(days=1)}
    tiered = create_announcement(
        ctx, AnnouncementDetails("Gold", "", AudienceKind.tier, tier=Tier.gold, **window)
    )
    apac = create_announcement(
        ctx, AnnouncementDetails("APAC", "", AudienceKind.region, region="APAC", **window)
    )

    def pinned(user, at=NOW):
        return [a.title for a in db.scalars(pinned_announcements(user, at))]

    assert pinned(g) == ["Gold"]
    assert pinned(s) == ["APAC"]
    assert pinned(o) == []
    assert pinned(g, NOW + timedelta(days=2)) == []
    mark_read(context(db, g), tiered.id)
    assert pinned(g) == []
    assert apac.id
