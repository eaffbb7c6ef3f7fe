"""The kinds of record the sharing engine guards, and what it needs to know about each.

Every kind has its own grant table (``grant_tables.grant_table``), while rules, shares, the
predicate and the explainer are written once against a :class:`SharedKind`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, or_
from sqlalchemy.orm import Session

from partners.context import NotFound
from partners.sharing import registry
from partners.sharing.levels import AccessLevel
from partners.sharing.models import RecordType


@dataclass(frozen=True, eq=False)
class SharedKind:
    """One kind of shared record (compared and hashed by identity: there is one of each)."""

    record_type: RecordType
    model: Any
    #: The kind's grant table, made by ``grant_tables.grant_table`` (pooled if ``pool`` is set).
    grant: Any
    #: Criteria that list accepted values → the record column each tests.
    list_criteria: dict[str, Any]
    amount: Any
    #: ``None`` when records of this kind have no score (criteria on it match nothing).
    score: Any
    #: Records that rule grants reach at all (leads: only those in the pool).
    rule_scope: Callable[[], ColumnElement[bool]]
    #: Participants: organization column → the level it gets (the claimant, the registrant).
    participants: tuple[tuple[str, AccessLevel], ...]
    #: How the explainer words each participant column ("claimed by {}").
    participant_labels: dict[str, str] = field(default_factory=dict)
    #: Organizations a record of this kind is never offered to again (leads: exclusions).
    excluded: Callable[[int], ColumnElement[bool]] | None = None
    #: Records of other kinds these records can be attached to (documents: leads, deals,
    #: campaigns, cases, orders).
    attachments: Attachments | None = None
    #: Columns naming a user whose record it is: a member who sees only their own records
    #: sees those (a case also belongs to the partner user who opened it).
    user_columns: tuple[str, ...] = ("assigned_user_id",)
    #: Participants kept in a table rather than in columns (a campaign's organizations):
    #: ``(db, record)`` → ``(organization id, level)`` pairs.
    participant_rows: Callable[[Session, Any], Iterable[tuple[int, AccessLevel]]] | None = None
    #: How the explainer words a participant no column names ("takes part: {}").
    participant_label: str = "takes part: {}"
    #: Kinds with a pool (leads): whether one record is in it. Rule grants then reach a record
    #: only while it is (``rule_scope`` is the same test as a clause), and grant rows carry
    #: ``in_pool``, a copy of it, for the inbox (``records.pool_inbox``).
    pool: Callable[[Any], bool] | None = None
    #: Kinds whose records have an audience of their own (a campaign's participants): a
    #: select of ``(record id, organization id)``, each organization in the record's audience
    #: (``audiences.campaign_audience``).
    audience_members: Callable[[], Select[tuple[int, int]]] | None = None

    def __post_init__(self) -> None:
        if self.pooled != hasattr(self.grant, "in_pool"):
            raise TypeError(f"{self.noun}: a kind with a pool needs a pooled grant table")

    @property
    def noun(self) -> str:
        return self.record_type.value

    @property
    def grant_record(self) -> Any:
        """The grant column naming the record (``lead_grant.lead_id``)."""
        return getattr(self.grant, f"{self.noun}_id")

    @property
    def pooled(self) -> bool:
        """Whether grant rows carry ``in_pool`` (a copy of the record's pool status)."""
        return self.pool is not None

    def grant_columns(self) -> list[str]:
        names = ["audience_id", self.grant_record.key, "source_kind", "source_id", "level"]
        return names + (["in_pool"] if self.pooled else [])

    def in_pool(self, record: Any) -> bool:
        assert self.pool is not None, f"{self.noun} records have no pool"
        return self.pool(record)

    def parties(self, db: Session, record: Any) -> list[tuple[int, AccessLevel]]:
        """The organizations taking part in the record besides its owner, with their level:
        those its participant columns name, then those of ``participant_rows``."""
        found = [(getattr(record, column), level) for column, level in self.participants]
        if self.participant_rows is not None:
            found += self.participant_rows(db, record)
        return [(org, level) for org, level in found if org not in (None, record.owner_org_id)]


@dataclass(frozen=True, eq=False)
class PartyRecords:
    """Records that whole organizations named on them see, without grants: an order is seen by
    the vendor that owns it and by its buyer (``portal/orders/sharing.py``), and its parties
    never change."""

    noun: str
    model: Any
    #: The record's organization columns; each names a party.
    parties: tuple[Any, ...]

    def seen_by(self, organization_id: int) -> ColumnElement[bool]:
        return or_(*(column == organization_id for column in self.parties))

    def party_ids(self, record: Any) -> set[int]:
        return {getattr(record, column.key) for column in self.parties} - {None}

    def get(self, db: Session, organization_id: int, record_id: int) -> Any:
        """The record, if the organization is a party to it; :class:`NotFound` otherwise."""
        record = db.get(self.model, record_id)
        if record is None or organization_id not in self.party_ids(record):
            raise NotFound()
        return record


@dataclass(frozen=True, eq=False)
class Attachments:
    """Whoever sees a record of a parent kind may view what is attached to it (documents on a
    lead, deal, campaign, case or order). Not a grant: it follows the parent's own grants (or
    parties) as they change, in the one predicate (``records.record_filter``)."""

    #: The attached record's columns naming the parent: its kind's noun and its id.
    type_column: Any
    id_column: Any
    #: The parents' nouns, resolved through the registry when asked (an attached record's
    #: area sits below its parents' areas, so it names them rather than imports them).
    parent_nouns: tuple[str, ...]

    @property
    def parents(self) -> tuple[SharedKind | PartyRecords, ...]:
        return tuple(registry.parent_kind(noun) for noun in self.parent_nouns)

    def parent_of(self, record: Any) -> SharedKind | PartyRecords | None:
        noun = getattr(record, self.type_column.key)
        return registry.parent_kind(noun) if noun in self.parent_nouns else None


def market_criteria(model: Any) -> dict[str, Any]:
    """Leads and deals carry the same market attributes, so rules test them alike."""
    return {
        "regions": model.region,
        "industries": model.industry,
        "countries": model.country,
        "campaigns": model.campaign,
        "product_lines": model.product_line,
    }


# The registry's look-ups, here too: callers that know kinds find them where the classes are.
kind_of = registry.kind_of
kind_for_record = registry.kind_for_record
