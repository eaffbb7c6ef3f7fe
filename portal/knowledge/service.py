"""Articles: writing, editing (each edit a new version), publishing and sharing them, the
counts the vendor reads (views, "was this helpful"), suggestions, and linking the article that
solved a case. Every change is audited (so it is an event too)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import Session

from partners import audit
from partners.context import ServiceContext, ServiceError
from partners.models import Organization, User
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, get_record, require_role
from partners.sharing import shares as sharing_shares
from partners.sharing.grants import refresh_record
from portal.cases.models import Case
from portal.cases.sharing import CASES
from portal.knowledge.models import Article, ArticleFeedback, ArticleStatus, ArticleVersion
from portal.knowledge.sharing import ARTICLES, get_article, visible_articles
from portal.search.matching import text_matches

OWNERS = (OrgKind.vendor, OrgKind.distributor)
MAX_BODY_LENGTH = 100_000
SUGGESTIONS = 5
_WORDS = re.compile(r"\w{3,}")


@dataclass(frozen=True)
class ArticleDetails:
    title: str
    body: str = ""
    product_line: str = ""
    #: Free text, comma-separated.
    tags: str = ""

    def cleaned(self) -> ArticleDetails:
        title = self.title.strip()
        if not title:
            raise ServiceError("An article needs a title.")
        if len(self.body) > MAX_BODY_LENGTH:
            raise ServiceError(f"The body is longer than {MAX_BODY_LENGTH:,} characters.")
        tags = sorted({tag.strip().lower() for tag in self.tags.split(",") if tag.strip()})
        return ArticleDetails(
            title[:200], self.body.strip(), self.product_line.strip()[:80], ",".join(tags)[:300]
        )


@dataclass(frozen=True)
class ArticleAudience:
    """Whom a published article is shared with: all the owner's partners, its partners of a
    tier and above, or one named partner (``None`` everywhere: only the owner's rules)."""

    all_partners: bool = False
    tier: Tier | None = None
    organization: Organization | None = None

    @property
    def chosen(self) -> bool:
        return self.all_partners or self.tier is not None or self.organization is not None


def _member(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    return actor


def _managed(ctx: ServiceContext, article_id: int) -> tuple[User, Article]:
    """The acting member and the article, which only its owner manages (others: 404)."""
    actor = _member(ctx)
    return actor, get_article(ctx.db, actor, article_id, AccessLevel.manage)


def _fields(details: ArticleDetails) -> dict:
    return {
        "title": details.title,
        "body": details.body,
        "product_line": details.product_line,
        "tags": details.tags,
    }


def _keep_version(ctx: ServiceContext, actor: User, article: Article) -> None:
    ctx.db.add(
        ArticleVersion(
            article_id=article.id,
            number=article.version,
            title=article.title,
            body=article.body,
            product_line=article.product_line,
            tags=article.tags,
            edited_by_id=actor.id,
            edited_at=ctx.now(),
        )
    )


def create_article(ctx: ServiceContext, details: ArticleDetails) -> Article:
    """A draft: only its owner sees it until it is published."""
    actor = _member(ctx)
    if actor.organization.kind not in OWNERS:
        raise ServiceError("Only vendors and distributors write articles.")
    details = details.cleaned()
    article = Article(
        owner_org_id=actor.organization_id,
        status=ArticleStatus.draft,
        version=1,
        created_by_id=actor.id,
        created_at=ctx.now(),
        updated_at=ctx.now(),
        **_fields(details),
    )
    ctx.db.add(article)
    ctx.db.flush()
    _keep_version(ctx, actor, article)
    refresh_record(ctx.db, ARTICLES, article)
    audit.record(ctx, "article.created", article, summary=f"Article drafted: {article.title}")
    return article


def edit_article(ctx: ServiceContext, article_id: int, details: ArticleDetails) -> Article:
    """A new version; the earlier ones stay in the history."""
    actor, article = _managed(ctx, article_id)
    details = details.cleaned()
    current = ArticleDetails(article.title, article.body, article.product_line, article.tags)
    before = _fields(current)
    after = _fields(details)
    if before == after:
        raise ServiceError("Nothing changed: the article is as it was.")
    for name, value in after.items():
        setattr(article, name, value)
    article.version += 1
    article.updated_at = ctx.now()
    _keep_version(ctx, actor, article)
    refresh_record(ctx.db, ARTICLES, article)  # the product line may match other rules now
    changed = [name for name in after if after[name] != before[name]]
    audit.record(
        ctx,
        "article.edited",
        article,
        summary=f"Article edited (version {article.version}): {article.title}",
        before={"version": article.version - 1},
        after={"version": article.version, "changed": changed},
    )
    return article


def publish_article(ctx: ServiceContext, article_id: int, audience: ArticleAudience) -> Article:
    """Partners may see it from now on: those the owner's rules for articles reach, and the
    audience chosen here."""
    _actor, article = _managed(ctx, article_id)
    if article.status == ArticleStatus.published:
        raise ServiceError("The article is published already.")
    article.status = ArticleStatus.published
    article.published_at = ctx.now()
    refresh_record(ctx.db, ARTICLES, article)  # the owner's rules reach published articles only
    audit.record(
        ctx,
        "article.published",
        article,
        summary=f"Article published: {article.title}",
        before={"status": ArticleStatus.draft.value},
        after={"status": article.status.value},
    )
    if audience.chosen:
        share_article(ctx, article.id, audience)
    return article


def share_article(ctx: ServiceContext, article_id: int, audience: ArticleAudience) -> None:
    """Share the article with one more audience (an explicit share, revocable on its page)."""
    if not audience.chosen:
        raise ServiceError("Choose whom to share the article with.")
    _managed(ctx, article_id)
    sharing_shares.share_record(
        ctx,
        ARTICLES,
        article_id,
        organization=audience.organization,
        tier=audience.tier,
        all_partners=audience.all_partners,
        level=AccessLevel.view,
    )


def history(db: Session, article: Article) -> list[ArticleVersion]:
    """Every version of the article, newest first (the first is the current text)."""
    return list(
        db.scalars(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == article.id)
            .order_by(ArticleVersion.number.desc())
        )
    )


def count_view(db: Session, user: User, article: Article) -> None:
    """One more view, when someone outside the owner opens the article (not audited: a counter,
    not a change of the article)."""
    if user.organization_id != article.owner_org_id:
        db.execute(update(Article).where(Article.id == article.id).values(views=Article.views + 1))


def rate_article(ctx: ServiceContext, article_id: int, helpful: bool) -> ArticleFeedback:
    """The viewer's "was this helpful": one answer per person (answering again changes it)."""
    actor = ctx.actor
    assert actor is not None
    article = get_article(ctx.db, actor, article_id)
    if actor.organization_id == article.owner_org_id:
        raise ServiceError("Partners rate your articles; your own people cannot.")
    feedback = ctx.db.get(ArticleFeedback, (article.id, actor.id))
    before = None if feedback is None else {"helpful": feedback.helpful}
    if feedback is None:
        feedback = ArticleFeedback(article_id=article.id, user_id=actor.id)
        ctx.db.add(feedback)
    feedback.helpful = helpful
    feedback.at = ctx.now()
    ctx.db.flush()
    audit.record(
        ctx,
        "article.rated",
        article,
        subject_org_id=article.owner_org_id,
        summary=f"Article rated {'helpful' if helpful else 'not helpful'}: {article.title}",
        before=before,
        after={"helpful": helpful},
    )
    return feedback


def feedback_counts(db: Session, article_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Article id → (helpful, not helpful), for the owner's pages."""
    ids = list(article_ids)
    if not ids:
        return {}
    helpful = func.count().filter(ArticleFeedback.helpful.is_(True))
    unhelpful = func.count().filter(ArticleFeedback.helpful.is_(False))
    rows = db.execute(
        select(ArticleFeedback.article_id, helpful, unhelpful)
        .where(ArticleFeedback.article_id.in_(ids))
        .group_by(ArticleFeedback.article_id)
    )
    return {article_id: (yes, no) for article_id, yes, no in rows}


def own_feedback(db: Session, user: User, article: Article) -> ArticleFeedback | None:
    return db.get(ArticleFeedback, (article.id, user.id))


# Finding articles -------------------------------------------------------------------------------


def _article_text_matches(term: str, dialect: str) -> ColumnElement[bool]:
    return text_matches(term, dialect, Article.title, Article.body, Article.tags)


def article_list(
    db: Session, user: User, search: str = "", product_line: str = ""
) -> Select[tuple[Article]]:
    """The articles the user sees (a partner: published ones shared with it), newest first,
    narrowed by the words searched (``portal.search.matching``) and a product line."""
    query = visible_articles(user, db=db)
    if search.strip():
        query = query.where(_article_text_matches(search, db.get_bind().dialect.name))
    if product_line:
        query = query.where(Article.product_line == product_line)
    return query.order_by(Article.updated_at.desc(), Article.id.desc())


def suggested_articles(db: Session, user: User, subject: str) -> list[Article]:
    """Published articles the user sees that share a word (of three letters or more) with a
    case's subject: any word, not all of them, as people phrase a problem in many ways."""
    words = _WORDS.findall(subject)[:10]
    if not words:
        return []
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        found = _article_text_matches(" or ".join(words), dialect)
    else:
        found = or_(*(_article_text_matches(word, dialect) for word in words))
    query = (
        visible_articles(user, db=db)
        .where(Article.status == ArticleStatus.published, found)
        .order_by(Article.views.desc(), Article.id.desc())
        .limit(SUGGESTIONS)
    )
    return list(db.scalars(query))


def product_lines(db: Session, user: User) -> list[str]:
    """The product lines of the articles the user sees (the list's filter)."""
    query = visible_articles(user, db=db).where(Article.product_line != "")
    lines = query.with_only_columns(Article.product_line).distinct()
    return sorted(db.scalars(lines))


# The case an article solved ---------------------------------------------------------------------


def link_solving_article(ctx: ServiceContext, case_id: int, article_id: int | None) -> Case:
    """Record (or clear) the article that solved a case: someone who may edit the case, naming
    an article they see."""
    actor = _member(ctx)
    case = get_record(ctx.db, actor, CASES, case_id, AccessLevel.edit)
    article = get_article(ctx.db, actor, article_id) if article_id is not None else None
    before = {"solved_by_article_id": case.solved_by_article_id}
    case.solved_by_article_id = article.id if article else None
    case.updated_at = ctx.now()
    audit.record(
        ctx,
        "case.article_linked",
        case,
        subject_org_id=case.partner_org_id
        if actor.organization_id == case.owner_org_id
        else case.owner_org_id,
        summary=f"{case.reference} solved by article: {article.title}"
        if article
        else f"{case.reference}: solving article cleared",
        before=before,
        after={"solved_by_article_id": case.solved_by_article_id},
    )
    return case
