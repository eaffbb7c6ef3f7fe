"""View models: exactly what a generated document may show, and nothing more.

A view model is built by the area that owns the data (from records the recipient may see) and
holds display-ready values. A template can only show fields that exist here, so what a kind of
document can reveal is decided in this file, not by whoever edits the template.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""
    """Several lines, separated by newlines."""


@dataclass(frozen=True)
class Signatory:
    organization: str
    name: str
    title: str


@dataclass(frozen=True)
class Term:
    heading: str
    text: str


@dataclass(frozen=True)
class PartnerAgreement:
    reference: str
    vendor: Party
    partner: Party
    tier: str
    region: str
    effective_date: date
    terms: tuple[Term, ...]
    signatories: tuple[Signatory, ...]


@dataclass(frozen=True)
class LineItem:
    product: str
    sku: str
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class DealRegistrationConfirmation:
    """Goes to the registering partner only.

    It deliberately has no field that could carry another registration of the same opportunity
    (a competing partner's name, its products or its dates), so no template can show one.
    """

    registration_number: str
    vendor: Party
    partner: Party
    customer: Party
    opportunity: str
    approved_on: date
    protection_until: date
    currency: str
    lines: tuple[LineItem, ...]
    total: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum((line.amount for line in self.lines), Decimal(0)))


@dataclass(frozen=True)
class LeadDetails:
    company: str
    contact_name: str
    contact_email: str
    country: str
    industry: str
    product_line: str


@dataclass(frozen=True)
class ScoreLine:
    points: int
    reason: str


@dataclass(frozen=True)
class ActivityEntry:
    at: datetime
    """In the recipient's timezone."""
    kind: str
    by: str
    note: str


@dataclass(frozen=True)
class LeadHandoff:
    """Hands a lead to a partner; `activities` holds only what that partner may see."""

    vendor: Party
    partner: Party
    lead: LeadDetails
    handed_off_on: date
    score: int
    score_lines: tuple[ScoreLine, ...]
    activities: tuple[ActivityEntry, ...]
