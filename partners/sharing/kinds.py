"""The kinds of record the sharing engine guards, and what it needs to know about each.

Every kind has its own grant table (as Salesforce has ``LeadShare``, ``OpportunityShare``), so
each keeps its own indexes and cascades, while rules, shares, the predicate and the explainer
are written once against a :class:`SharedKind`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from documents.models import Document, DocumentTag
from partners.sharing.levels import AccessLevel
from partners.sharing.models import (
    CampaignGrant,
    CaseGrant,
    DealGrant,
    DocumentGrant,
    LeadGrant,
    RecordType,
)
from portal.campaigns.models import (
    Campaign,
    CampaignParticipant,
    CampaignStatus,
    ParticipantState,
)
from portal.cases.models import Case
from portal.deals.models import Deal
from portal.leads.models import Lead, LeadExclusion, LeadStatus
from portal.orders.models import Order


@dataclass(frozen=True, eq=False)
class SharedKind:
    """One kind of shared record (compared and hashed by identity: there is one of each)."""

    record_type: RecordType
    model: Any
    grant: Any
    #: The grant column naming the record (``lead_grant.lead_id``).
    grant_record: Any
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

    @property
    def noun(self) -> str:
        return self.record_type.value

    @property
    def pooled(self) -> bool:
        """Whether grant rows carry ``in_pool`` (a copy of the record's pool status)."""
        return self.record_type == RecordType.lead

    def grant_columns(self) -> list[str]:
        names = ["audience_id", self.grant_record.key, "source_kind", "source_id", "level"]
        return names + (["in_pool"] if self.pooled else [])

    def in_pool(self, record: Any) -> bool:
        return record.status == LeadStatus.available

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
    the vendor that owns it and by its buyer (``partners.sharing.orders``), and its parties
    never change."""

    noun: str
    model: Any
    #: The record's organization columns; each names a party.
    parties: tuple[Any, ...]

    def seen_by(self, organization_id: int) -> ColumnElement[bool]:
        return or_(*(column == organization_id for column in self.parties))

    def party_ids(self, record: Any) -> set[int]:
        return {getattr(record, column.key) for column in self.parties} - {None}


ORDERS = PartyRecords("order", Order, (Order.owner_org_id, Order.buyer_org_id))


@dataclass(frozen=True, eq=False)
class Attachments:
    """Whoever sees a record of a parent kind may view what is attached to it (documents on a
    lead, deal, campaign, case or order). Not a grant: it follows the parent's own grants (or
    parties) as they change, in the one predicate (``records.record_filter``)."""

    #: The attached record's columns naming the parent: its kind's noun and its id.
    type_column: Any
    id_column: Any
    parents: tuple[SharedKind | PartyRecords, ...]

    def parent_of(self, record: Any) -> SharedKind | PartyRecords | None:
        noun = getattr(record, self.type_column.key)
        return next((kind for kind in self.parents if kind.noun == noun), None)


class _TagCriterion:
    """A rule's ``tags`` criterion: the document carries one of the tags. Tags are rows, not a
    column, so this stands in for a column in ``SharedKind.list_criteria``."""

    def in_(self, tags: tuple[str, ...]) -> ColumnElement[bool]:
        return exists().where(DocumentTag.document_id == Document.id, DocumentTag.tag.in_(tags))


def _market_criteria(model: Any) -> dict[str, Any]:
    """Leads and deals carry the same market attributes, so rules test them alike."""
    return {
        "regions": model.region,
        "industries": model.industry,
        "countries": model.country,
        "campaigns": model.campaign,
        "product_lines": model.product_line,
    }


def _lead_excluded(org_id: int) -> ColumnElement[bool]:
    return exists().where(
        LeadExclusion.lead_id == LeadGrant.lead_id, LeadExclusion.organization_id == org_id
    )


LEADS = SharedKind(
    record_type=RecordType.lead,
    model=Lead,
    grant=LeadGrant,
    grant_record=LeadGrant.lead_id,
    list_criteria=_market_criteria(Lead),
    amount=Lead.amount,
    score=Lead.score,
    rule_scope=lambda: Lead.status == LeadStatus.available,
    participants=(
        ("claimed_by_org_id", AccessLevel.edit),
        ("forwarded_to_org_id", AccessLevel.edit),
    ),
    participant_labels={
        "claimed_by_org_id": "claimed by {}",
        "forwarded_to_org_id": "forwarded to {}",
    },
    excluded=_lead_excluded,
)

DEALS = SharedKind(
    record_type=RecordType.deal,
    model=Deal,
    grant=DealGrant,
    grant_record=DealGrant.deal_id,
    list_criteria=_market_criteria(Deal),
    amount=Deal.amount,
    score=None,
    rule_scope=true,
    participants=(("partner_org_id", AccessLevel.edit), ("distributor_org_id", AccessLevel.view)),
    participant_labels={
        "partner_org_id": "partner on the deal: {}",
        "distributor_org_id": "distributor of the deal's partner: {}",
    },
)


def _campaign_participants(db: Session, campaign: Campaign) -> list[tuple[int, AccessLevel]]:
    """Invited and accepted organizations view the campaign (an invitee, to decide); a
    declined one does not."""
    participants = select(CampaignParticipant.organization_id).where(
        CampaignParticipant.campaign_id == campaign.id,
        CampaignParticipant.state != ParticipantState.declined,
    )
    return [(org_id, AccessLevel.view) for org_id in db.scalars(participants)]


CAMPAIGNS = SharedKind(
    record_type=RecordType.campaign,
    model=Campaign,
    grant=CampaignGrant,
    grant_record=CampaignGrant.campaign_id,
    list_criteria={"regions": Campaign.region, "product_lines": Campaign.product_line},
    amount=None,
    score=None,
    #: A draft is still being prepared: rules reach a campaign once it is launched.
    rule_scope=lambda: Campaign.status != CampaignStatus.draft,
    participants=(),
    participant_rows=_campaign_participants,
    participant_label="takes part in the campaign: {}",
)

CASES = SharedKind(
    record_type=RecordType.case,
    model=Case,
    grant=CaseGrant,
    grant_record=CaseGrant.case_id,
    #: Cases have none of the market attributes: a rule for cases selects all of the owner's
    #: (criteria they do not have match nothing, as on documents).
    list_criteria={},
    amount=None,
    score=None,
    rule_scope=true,
    participants=(("partner_org_id", AccessLevel.edit),),
    participant_labels={"partner_org_id": "partner on the case: {}"},
    user_columns=("assigned_user_id", "opened_by_id"),
)

DOCUMENTS = SharedKind(
    record_type=RecordType.document,
    model=Document,
    grant=DocumentGrant,
    grant_record=DocumentGrant.document_id,
    list_criteria={"folders": Document.folder, "tags": _TagCriterion()},
    amount=None,
    score=None,
    rule_scope=true,
    participants=(),
    attachments=Attachments(
        Document.attached_type, Document.attached_id, (LEADS, DEALS, CAMPAIGNS, CASES, ORDERS)
    ),
)

KINDS = {kind.record_type: kind for kind in (LEADS, DEALS, CAMPAIGNS, CASES, DOCUMENTS)}


def kind_of(record_type: RecordType | str) -> SharedKind:
    return KINDS[RecordType(record_type)]


def kind_for_record(record: object) -> SharedKind:
    for kind in KINDS.values():
        if isinstance(record, kind.model):
            return kind
    raise TypeError(f"{type(record).__name__} is not shared through partners.sharing")
