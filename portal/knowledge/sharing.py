"""Articles as the sharing engine sees them: the vendor owns each one; rules (criteria: product
line, tags) and explicit shares reach partners, but only once it is published. A draft is
excluded for every organization but its owner in the engine's own predicate, so every surface
(list, page, search, suggestions, who may know of its events) agrees without a check here."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_
from sqlalchemy.orm import Session

from partners.models import User
from partners.sharing.grant_tables import grant_table
from partners.sharing.kinds import SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import RecordType
from partners.sharing.records import get_record, visible_records
from partners.sharing.registry import register_kind
from portal.knowledge.models import Article, ArticleStatus


def _unpublished_for(org_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    return and_(Article.status != ArticleStatus.published, Article.owner_org_id != org_id)


ArticleGrant = grant_table("article", Article.__tablename__)

ARTICLES = register_kind(
    SharedKind(
        record_type=RecordType.article,
        model=Article,
        grant=ArticleGrant,
        list_criteria={"product_lines": Article.product_line},
        amount=None,
        score=None,
        rule_scope=lambda: Article.status == ArticleStatus.published,
        participants=(),
        user_columns=("assigned_user_id", "created_by_id"),
        excluded=_unpublished_for,
    )
)


def visible_articles(
    user: User, min_level: AccessLevel = AccessLevel.view, *, db: Session | None = None
) -> Select[tuple[Article]]:
    return visible_records(ARTICLES, user, min_level, db=db)


def get_article(
    db: Session, user: User, article_id: int, min_level: AccessLevel = AccessLevel.view
) -> Article:
    return get_record(db, user, ARTICLES, article_id, min_level)
