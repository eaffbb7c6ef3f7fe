"""EDI worded from the viewer's side.

Interchanges are stored from the vendor's side: ``in`` is what its trading partner (a
distributor) sent it, ``out`` what it sent back. The distributor sees the same rows the other
way round — what it sent and what it received — and the other party is always the one across.
"""

from __future__ import annotations

from dataclasses import dataclass

from integrations.edi_exchange.models import (
    Direction,
    EdiInterchange,
    InterchangeStatus,
    TradingPartner,
)
from partners.models import Organization, User
from partners.roles import OrgKind


@dataclass(frozen=True)
class Side:
    organization_id: int
    #: The viewer's organization is the vendor of its profiles (else their trading partner).
    vendor: bool

    @classmethod
    def of(cls, user: User) -> Side:
        return cls(user.organization_id, user.organization.kind == OrgKind.vendor)

    def sent(self, row: EdiInterchange) -> bool:
        """Whether the viewer's organization sent this interchange (else it received it)."""
        ours = row.trading_partner.vendor_org_id == self.organization_id
        return (row.direction == Direction.outbound) == ours

    def other_party(self, profile: TradingPartner) -> Organization:
        """The organization across the profile from the viewer's."""
        return (
            profile.organization
            if profile.vendor_org_id == self.organization_id
            else profile.vendor
        )

    def direction_label(self, direction: Direction) -> str:
        """The list filter's word for a stored direction."""
        return "Sent" if (direction == Direction.outbound) == self.vendor else "Received"

    def status_label(self, row: EdiInterchange) -> str:
        """The status in the viewer's words: what the other party sent us reads "received"."""
        if row.status == InterchangeStatus.sent and not self.sent(row):
            return "received"
        return row.status.label
