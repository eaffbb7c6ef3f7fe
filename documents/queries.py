"""Read side of the library, built on partners.sharing's scoped selects: the list and its search,
folders and tags, attachments of a record, the access log, and what storage must keep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Select, Text, and_, cast, exists, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR
from sqlalchemy.orm import Session, aliased

from documents.models import (
    AccessAction,
    AttachedTo,
    Document,
    DocumentAccess,
    DocumentTag,
    DocumentTemplate,
    DocumentText,
    DocumentVersion,
)
from documents.sharing import DOCUMENTS
from partners.models import Organization, User
from partners.sharing import visible_records

SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Document.updated_at.desc(), Document.id.desc()),
    "title": (func.lower(Document.title), Document.id),
    "downloads": (Document.download_count.desc(), Document.id.desc()),
}
OWNERSHIP = ("", "ours", "shared")


@dataclass(frozen=True)
class LibraryFilters:
    """What the library's filter bar asks for; empty values do not filter."""

    search: str = ""
    folder: str = ""
    tag: str = ""
    #: ``ours`` (owned by the viewer's organization), ``shared`` (shared with it), or both.
    owner: str = ""
    sort: str = "newest"

    def apply(self, query: Select, user: User) -> Select:
        if self.search.strip():
            query = query.where(matches(self.search.strip(), _dialect(user)))
        if self.folder.strip():
            folder = self.folder.strip().strip("/")
            query = query.where(
                (Document.folder == folder)
                | Document.folder.startswith(folder + "/", autoescape=True)
            )
        if self.tag.strip():
            query = query.where(_tagged(self.tag.strip().lower()))
        if self.owner == "ours":
            query = query.where(Document.owner_org_id == user.organization_id)
        elif self.owner == "shared":
            query = query.where(Document.owner_org_id != user.organization_id)
        return query.order_by(*SORTS.get(self.sort, SORTS["newest"]))


def _dialect(user: User) -> str:
    session = Session.object_session(user)
    assert session is not None, "the user must be attached to a session"
    return session.get_bind().dialect.name


def _tagged(tag: str):
    return exists().where(DocumentTag.document_id == Document.id, DocumentTag.tag == tag)


#: The text search configuration of ``document_text.search_vector`` (migration 5c1e0f3a9b27).
#: ``simple`` lower-cases words and nothing else: partners write in many languages, and
#: prefix matching finds "contracts" for "contract" without a language's stemmer.
SEARCH_CONFIG = "simple"
#: PostgreSQL only, so not mapped on ``DocumentText``: a stored generated tsvector of ``body``
#: with a GIN index.
_SEARCH_VECTOR = literal_column("document_text.search_vector", TSVECTOR)
#: A lexeme in a tsquery's text form (quotes inside doubled) → the same lexeme as a prefix.
_LEXEME, _PREFIX = "'((?:[^']|'')*)'", "'\\1':*"
_WORD = re.compile(r"\w")


def matches(term: str, dialect: str = "sqlite"):
    """Title, a tag, or the text of the current version matches ``term``.

    Titles and tags contain ``term`` (case-insensitive). Text: on PostgreSQL every word of
    ``term`` begins a word of the text (full-text index; web search syntax: ``"a phrase"``,
    ``or``, ``-word``); elsewhere the text contains ``term``.
    """
    in_tags = Document.id.in_(
        select(DocumentTag.document_id).where(
            DocumentTag.tag.icontains(term.lower(), autoescape=True)
        )
    )
    terms = [Document.title.icontains(term, autoescape=True), in_tags]
    if dialect != "postgresql":
        terms.append(_text_contains(term))
    elif has_words(term):
        terms.append(_text_matches(term))
    return or_(*terms)


def _in_current_text(hits: Select[tuple[int, int]]):
    """The document is among ``hits`` (``document_text`` rows: document id, version id) by the
    text of its current version. Uncorrelated, so it runs once even inside an OR."""
    found = hits.subquery() if not isinstance(hits, CTE) else hits
    current = aliased(Document)
    return Document.id.in_(
        select(found.c.document_id)
        .join(DocumentVersion, DocumentVersion.id == found.c.version_id)
        .join(
            current,
            and_(
                current.id == DocumentVersion.document_id,
                current.current_number == DocumentVersion.number,
            ),
        )
    )


_TEXT_ROWS = select(DocumentText.document_id, DocumentText.version_id)


def _text_contains(term: str):
    return _in_current_text(_TEXT_ROWS.where(DocumentText.body.icontains(term, autoescape=True)))


def prefix_query(term: str):
    """PostgreSQL: ``term`` in web search syntax as a tsquery of ``SEARCH_CONFIG`` in which
    every word is a prefix (the search box's query too)."""
    parsed = cast(func.websearch_to_tsquery(search_config(), term), Text)
    # The parsed query's lexemes are normalised already: cast, do not parse them again.
    return cast(func.regexp_replace(parsed, _LEXEME, _PREFIX, "g"), TSQUERY)


def search_config():
    """``SEARCH_CONFIG`` as a literal (not a bound parameter), so that an expression index
    over ``to_tsvector(config, …)`` matches the query's expression."""
    return literal_column(f"'{SEARCH_CONFIG}'::regconfig", REGCONFIG)


def has_words(term: str) -> bool:
    """Whether ``term`` has a word to look for (PostgreSQL says so when it has none)."""
    return bool(_WORD.search(term))


def _text_matches(term: str):
    prefixes = prefix_query(term)
    # Materialised, so that the index finds the rows first: joined to the versions, the
    # planner may instead walk document_text and test each row's (TOASTed) vector.
    hits = _TEXT_ROWS.where(_SEARCH_VECTOR.op("@@")(prefixes)).cte("text_hits")
    return _in_current_text(hits.prefix_with("MATERIALIZED"))


def library(user: User, filters: LibraryFilters) -> Select[tuple[Document]]:
    """The documents the user may see, filtered and sorted: the page, its count, the API."""
    return filters.apply(visible_records(DOCUMENTS, user), user)


def folders(db: Session, user: User) -> list[str]:
    """Every folder (and parent folder) of a document the user sees, sorted."""
    visible = visible_records(DOCUMENTS, user).with_only_columns(Document.folder).distinct()
    paths: set[str] = set()
    for folder in db.scalars(visible):
        parts = folder.split("/") if folder else []
        paths.update("/".join(parts[: n + 1]) for n in range(len(parts)))
    return sorted(paths, key=str.lower)


def tags(db: Session, user: User) -> list[tuple[str, int]]:
    """The tags of documents the user sees, with how many carry each, most used first."""
    visible = visible_records(DOCUMENTS, user).with_only_columns(Document.id).subquery()
    count = func.count().label("n")
    return [
        (tag, n)
        for tag, n in db.execute(
            select(DocumentTag.tag, count)
            .where(DocumentTag.document_id.in_(select(visible.c.id)))
            .group_by(DocumentTag.tag)
            .order_by(count.desc(), DocumentTag.tag)
        )
    ]


def attachments(user: User, kind: AttachedTo, record_id: int) -> Select[tuple[Document]]:
    """The documents attached to a record, as far as the user sees them."""
    return (
        visible_records(DOCUMENTS, user)
        .where(Document.attached_type == kind, Document.attached_id == record_id)
        .order_by(func.lower(Document.title), Document.id)
    )


def versions(db: Session, document: Document) -> list[tuple[DocumentVersion, User | None]]:
    """The document's versions, newest first, with who uploaded each."""
    rows = db.execute(
        select(DocumentVersion, User)
        .outerjoin(User, User.id == DocumentVersion.uploaded_by_id)
        .where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.number.desc())
    )
    return [(version, user) for version, user in rows]


@dataclass(frozen=True)
class AccessEntry:
    access: DocumentAccess
    user: User | None
    organization: Organization
    version: int


def access_log(document: Document) -> Select:
    """Who opened the document, newest first: (access, user, organization, version number).
    Only for those who manage the document; the caller checks."""
    return (
        select(DocumentAccess, User, Organization, DocumentVersion.number)
        .join(Organization, Organization.id == DocumentAccess.organization_id)
        .join(DocumentVersion, DocumentVersion.id == DocumentAccess.version_id)
        .outerjoin(User, User.id == DocumentAccess.user_id)
        .where(DocumentAccess.document_id == document.id)
        .order_by(DocumentAccess.at.desc(), DocumentAccess.id.desc())
    )


def access_entries(db: Session, query: Select) -> list[AccessEntry]:
    return [AccessEntry(*row) for row in db.execute(query)]


def downloads_by_organization(db: Session, document: Document) -> list[tuple[str, int]]:
    """How many downloads each organization made, most first."""
    count = func.count().label("n")
    return [
        (name, n)
        for name, n in db.execute(
            select(Organization.name, count)
            .join(DocumentAccess, DocumentAccess.organization_id == Organization.id)
            .where(
                DocumentAccess.document_id == document.id,
                DocumentAccess.action == AccessAction.download,
            )
            .group_by(Organization.name)
            .order_by(count.desc(), Organization.name)
        )
    ]


def stored_blobs(db: Session) -> set[str]:
    """Every storage key a version or a replacement template refers to (sweeper, verifier)."""
    versions_ = select(DocumentVersion.sha256)
    templates = select(DocumentTemplate.sha256)
    return set(db.scalars(versions_.union(templates)))
