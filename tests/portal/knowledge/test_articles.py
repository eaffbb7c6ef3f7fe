"""Articles through their services: drafts seen by the vendor only, published articles by the
audience they are shared with (all partners, a tier and above, a named partner, a rule),
never by a partner of the wrong tier or of another vendor, on every surface (list, page,
header search, suggestions); versions; views and "was this helpful" once per user."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from partners.context import NotFound, ServiceError
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from partners.sharing import rules as sharing_rules
from partners.sharing.criteria import Criteria
from partners.sharing.models import GranteeKind, RecordType
from partners.sharing.rules import Grantee, RuleSpec
from portal.knowledge import service
from portal.knowledge.service import ArticleAudience, ArticleDetails
from portal.knowledge.sharing import get_article
from portal.search.service import search

from factories import context, create_org, create_partnership, create_user

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(db, clock):
    clock.set(NOW)
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    gold = create_org(db, OrgKind.partner, "Goldline")
    silver = create_org(db, OrgKind.partner, "Silverline")
    create_partnership(db, vendor, gold, tier=Tier.gold)
    create_partnership(db, vendor, silver, tier=Tier.silver)
    other_vendor = create_org(db, OrgKind.vendor, "Zenith")
    stranger = create_org(db, OrgKind.partner, "Stranger")
    create_partnership(db, other_vendor, stranger, tier=Tier.platinum)
    return {
        "writer": create_user(db, vendor, Role.manager, "kb@acme.example"),
        "gold": create_user(db, gold, Role.member, "g@goldline.example"),
        "silver": create_user(db, silver, Role.member, "s@silverline.example"),
        "stranger": create_user(db, stranger, Role.admin, "x@stranger.example"),
        "gold_org": gold,
    }


def written(db, writer, title="Router firmware reset", **details):
    details.setdefault("body", "Hold the **reset** button for ten seconds.")
    return service.create_article(context(db, writer), ArticleDetails(title, **details))


def article_rule(db, owner, grantee: Grantee, **criteria):
    spec = RuleSpec("KB", Criteria(**criteria), grantee, AccessLevel.view, RecordType.article)
    return sharing_rules.create_rule(context(db, owner), spec)


def sees(db, user, article) -> bool:
    try:
        get_article(db, user, article.id)
    except NotFound:
        return False
    return True


def listed(db, user, term="") -> list[int]:
    return [article.id for article in db.scalars(service.article_list(db, user, term))]


def found_in_header_search(db, user, term) -> list[str]:
    groups = search(db, user, term, lambda endpoint: True)
    return [hit.title for group in groups if group.label == "Articles" for hit in group.hits]


def test_a_draft_is_the_vendors_alone_even_with_a_rule(db, world):
    article_rule(db, world["writer"], Grantee(GranteeKind.all_partners))
    article = written(db, world["writer"])
    assert sees(db, world["writer"], article)
    assert not sees(db, world["gold"], article)
    assert listed(db, world["gold"]) == []
    assert found_in_header_search(db, world["gold"], "firmware") == []


def test_tier_and_above_reaches_gold_not_silver_nor_another_vendors_partner(db, world):
    article = written(db, world["writer"])
    service.publish_article(
        context(db, world["writer"]), article.id, ArticleAudience(tier=Tier.gold)
    )
    assert sees(db, world["gold"], article)
    assert listed(db, world["gold"], "firmware") == [article.id]
    assert found_in_header_search(db, world["gold"], "firmware") == ["Router firmware reset"]
    assert service.suggested_articles(db, world["gold"], "Firmware broken after update") == [
        article
    ]
    for outsider in (world["silver"], world["stranger"]):
        assert not sees(db, outsider, article)
        assert listed(db, outsider) == []
        assert found_in_header_search(db, outsider, "firmware") == []
        assert service.suggested_articles(db, outsider, "Firmware broken") == []


def test_a_named_partner_and_all_partners(db, world):
    named = written(db, world["writer"], "Named only")
    everyone = written(db, world["writer"], "For everyone")
    ctx = context(db, world["writer"])
    service.publish_article(ctx, named.id, ArticleAudience(organization=world["gold_org"]))
    service.publish_article(ctx, everyone.id, ArticleAudience(all_partners=True))
    assert set(listed(db, world["gold"])) == {named.id, everyone.id}
    assert listed(db, world["silver"]) == [everyone.id]
    assert listed(db, world["stranger"]) == []


def test_a_rule_for_articles_reaches_only_published_ones_of_its_product_line(db, world):
    writer = world["writer"]
    article_rule(
        db, writer, Grantee(GranteeKind.tier, tier=Tier.silver), product_lines=("Routers",)
    )
    routers = written(db, writer, "Routers FAQ", product_line="Routers")
    switches = written(db, writer, "Switches FAQ", product_line="Switches")
    assert listed(db, world["silver"]) == []
    ctx = context(db, writer)
    service.publish_article(ctx, routers.id, ArticleAudience())
    service.publish_article(ctx, switches.id, ArticleAudience())
    assert listed(db, world["silver"]) == [routers.id]
    assert listed(db, world["stranger"]) == []


def test_each_edit_keeps_the_previous_version(db, world):
    writer = world["writer"]
    article = written(db, writer, body="First text", tags="Reset, firmware")
    assert article.tag_list == ["firmware", "reset"]
    ctx = context(db, writer)
    service.edit_article(ctx, article.id, ArticleDetails("Router reset", "Second text"))
    versions = service.history(db, article)
    assert [(v.number, v.title, v.body) for v in versions] == [
        (2, "Router reset", "Second text"),
        (1, "Router firmware reset", "First text"),
    ]
    assert article.version == 2
    with pytest.raises(ServiceError, match="Nothing changed"):
        service.edit_article(ctx, article.id, ArticleDetails("Router reset", "Second text"))
    with pytest.raises(NotFound):
        service.edit_article(context(db, world["gold"]), article.id, ArticleDetails("Mine"))


def test_helpful_counts_once_per_user_and_views_count_partners_only(db, world):
    article = written(db, world["writer"])
    service.publish_article(
        context(db, world["writer"]), article.id, ArticleAudience(all_partners=True)
    )
    service.rate_article(context(db, world["gold"]), article.id, True)
    service.rate_article(context(db, world["gold"]), article.id, True)
    service.rate_article(context(db, world["silver"]), article.id, True)
    service.rate_article(context(db, world["silver"]), article.id, False)  # changes its mind
    assert service.feedback_counts(db, [article.id]) == {article.id: (1, 1)}
    with pytest.raises(NotFound):
        service.rate_article(context(db, world["stranger"]), article.id, True)
    service.count_view(db, world["gold"], article)
    service.count_view(db, world["writer"], article)
    db.refresh(article)
    assert article.views == 1


def test_a_title_is_required_and_partners_write_no_articles(db, world):
    with pytest.raises(ServiceError, match="title"):
        written(db, world["writer"], "  ")
    with pytest.raises(ServiceError, match="vendors"):
        written(db, world["gold"])
    assert db.scalars(select(service.Article)).all() == []
