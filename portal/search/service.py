"""The search box: the records of each kind the viewer may open that match the words typed.

Each kind searches the viewer's scoped select (``partners.sharing``: the same predicate its
list uses), so a hit never names a record its page would answer 404 for. A case also matches
by the text of its notes, but only of the notes the viewer reads (``note_filter``): a vendor's
internal note never makes a partner's search find the case. Kinds whose pages the viewer may
not open (People for a non-admin) are not searched at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from documents.models import Document
from documents.queries import has_words
from documents.queries import matches as document_matches
from documents.sharing import DOCUMENTS
from partners.models import Organization, Partnership, User
from partners.sharing import searched_records, visible_records
from partners.sharing.audiences import viewer_for
from partners.sharing.organizations import colleagues, managed_partnerships
from portal.campaigns.models import Campaign
from portal.campaigns.sharing import CAMPAIGNS
from portal.cases.models import Case, CaseNote
from portal.cases.sharing import CASES, note_filter
from portal.deals.models import Deal
from portal.deals.sharing import DEALS
from portal.knowledge.service import article_list
from portal.leads.models import Lead
from portal.leads.sharing import LEADS
from portal.orders.models import Order
from portal.orders.sharing import visible_orders
from portal.search.matching import text_matches

#: Hits shown per kind; the page says when there are more (narrow the words, or use the list).
LIMIT = 10


@dataclass(frozen=True)
class Hit:
    title: str
    #: The arguments of the record's page (its group's ``endpoint``).
    args: dict[str, int]
    status: str
    #: The organization whose record it is ("" for people and partners: the viewer's own).
    owner: str
    detail: str = ""


@dataclass(frozen=True)
class Group:
    label: str
    #: The page each hit opens.
    endpoint: str
    hits: tuple[Hit, ...]
    more: bool


@dataclass(frozen=True)
class Query:
    """What the box asks of one kind."""

    user: User
    term: str
    dialect: str
    db: Session


@dataclass(frozen=True)
class SearchedKind:
    label: str
    #: The page a hit opens: the kind is searched only for viewers who may open it.
    endpoint: str
    select: Callable[[Query], Select]
    hit: Callable[[Any, Callable[[int], str]], Hit]


def _status(value: Any) -> str:
    return value.label if hasattr(value, "label") else str(value).replace("_", " ").capitalize()


def _leads(q: Query) -> Select:
    found = text_matches(q.term, q.dialect, Lead.company, Lead.contact_name)
    return searched_records(LEADS, q.user, db=q.db).where(found).order_by(Lead.id.desc())


def _deals(q: Query) -> Select:
    found = text_matches(q.term, q.dialect, Deal.name, Deal.customer)
    return visible_records(DEALS, q.user, db=q.db).where(found).order_by(Deal.id.desc())


def _cases(q: Query) -> Select:
    in_notes = select(CaseNote.case_id).where(
        text_matches(q.term, q.dialect, CaseNote.body), note_filter(viewer_for(q.db, q.user))
    )
    found = text_matches(q.term, q.dialect, Case.subject, Case.description) | Case.id.in_(in_notes)
    return visible_records(CASES, q.user, db=q.db).where(found).order_by(Case.id.desc())


def _campaigns(q: Query) -> Select:
    found = text_matches(q.term, q.dialect, Campaign.name, Campaign.description)
    return visible_records(CAMPAIGNS, q.user, db=q.db).where(found).order_by(Campaign.id.desc())


def _orders(q: Query) -> Select:
    found = text_matches(q.term, q.dialect, Order.number)
    return visible_orders(q.user).where(found).order_by(Order.id.desc())


def _documents(q: Query) -> Select:
    found = document_matches(q.term, q.dialect)
    return (
        visible_records(DOCUMENTS, q.user, db=q.db)
        .where(found)
        .order_by(Document.updated_at.desc(), Document.id.desc())
    )


def _articles(q: Query) -> Select:
    return article_list(q.db, q.user, q.term)


def _partners(q: Query) -> Select:
    return managed_partnerships(q.user).where(text_matches(q.term, q.dialect, Organization.name))


def _people(q: Query) -> Select:
    return colleagues(q.user).where(text_matches(q.term, q.dialect, User.name, User.email))


def _record_hit(title: str, key: str, status: Any, detail: str = ""):
    def hit(record: Any, owner: Callable[[int], str]) -> Hit:
        return Hit(
            title=getattr(record, title),
            args={key: record.id},
            status=_status(getattr(record, status)),
            owner=owner(record.owner_org_id),
            detail=getattr(record, detail) if detail else "",
        )

    return hit


def _case_hit(case: Case, owner: Callable[[int], str]) -> Hit:
    status, org = _status(case.status), owner(case.owner_org_id)
    return Hit(case.subject, {"case_id": case.id}, status, org, case.reference)


def _document_hit(document: Document, owner: Callable[[int], str]) -> Hit:
    status = "Locked" if document.locked_by_id else f"Version {document.current_number}"
    args = {"document_id": document.id}
    org = owner(document.owner_org_id)
    return Hit(document.title, args, status, org, document.folder)


def _partner_hit(partnership: Partnership, _owner: Callable[[int], str]) -> Hit:
    status = f"{partnership.tier.label} · {_status(partnership.status)}"
    args = {"partnership_id": partnership.id}
    return Hit(partnership.child.name, args, status, "", partnership.region)


def _person_hit(person: User, _owner: Callable[[int], str]) -> Hit:
    status = f"{_status(person.role)} · {_status(person.status)}"
    args = {"user_id": person.id}
    return Hit(person.name or person.email, args, status, "", person.email)


KINDS: tuple[SearchedKind, ...] = (
    SearchedKind(
        "Leads",
        "leads.detail",
        _leads,
        _record_hit("company", "lead_id", "status", "contact_name"),
    ),
    SearchedKind(
        "Deals",
        "deals.detail",
        _deals,
        _record_hit("name", "deal_id", "stage", "customer"),
    ),
    SearchedKind("Cases", "cases.detail", _cases, _case_hit),
    SearchedKind(
        "Campaigns",
        "campaigns.detail",
        _campaigns,
        _record_hit("name", "campaign_id", "status"),
    ),
    SearchedKind(
        "Orders",
        "orders.detail",
        _orders,
        _record_hit("number", "order_id", "status"),
    ),
    SearchedKind("Documents", "documents.detail", _documents, _document_hit),
    SearchedKind(
        "Articles",
        "knowledge.detail",
        _articles,
        _record_hit("title", "article_id", "status", "product_line"),
    ),
    SearchedKind("Partners", "partnerships.detail", _partners, _partner_hit),
    SearchedKind("People", "admin.user", _people, _person_hit),
)


def search(db: Session, user: User, term: str, may_open: Callable[[str], bool]) -> list[Group]:
    """The kinds with hits for ``term``, in a fixed order, each with at most ``LIMIT`` hits.
    ``may_open(endpoint)`` tells whether the viewer may use a kind's pages at all."""
    term = term.strip()
    if not has_words(term):
        return []
    query = Query(user, term, db.get_bind().dialect.name, db)
    found = []
    for kind in KINDS:
        if may_open(kind.endpoint):
            rows = list(db.scalars(kind.select(query).limit(LIMIT + 1)).unique())
            if rows:
                found.append((kind, rows))
    owner_ids = {
        row.owner_org_id for _kind, rows in found for row in rows if hasattr(row, "owner_org_id")
    }
    names = _organization_names(db, owner_ids)
    return [
        Group(
            kind.label,
            kind.endpoint,
            tuple(kind.hit(row, lambda org_id: names.get(org_id, "")) for row in rows[:LIMIT]),
            len(rows) > LIMIT,
        )
        for kind, rows in found
    ]


def _organization_names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids)))
    return {org_id: name for org_id, name in rows}
