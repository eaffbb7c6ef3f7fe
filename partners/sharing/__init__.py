"""The one place that decides what a user may see or do.

Every list, count, export and single-record load goes through a function here, so all surfaces
show the same records. A record the user may not see raises :class:`NotFound` (404), never 403,
so its existence does not leak.
"""

from partners.sharing.grants import refresh_lead as refresh_lead_grants
from partners.sharing.levels import AccessLevel
from partners.sharing.organizations import (
    colleagues,
    get_colleague,
    get_managed_partnership,
    get_team,
    managed_partnerships,
    organization_may_sign_in,
    own_partnerships,
    require_role,
    teams,
)
from partners.sharing.records import (
    Reason,
    access_level,
    explain,
    get_deal,
    get_lead,
    get_record,
    lead_inbox,
    reached_by,
    searched_leads,
    seen_by_partner,
    visible_deals,
    visible_leads,
    visible_records,
)

__all__ = [
    "AccessLevel",
    "Reason",
    "access_level",
    "colleagues",
    "explain",
    "get_colleague",
    "get_deal",
    "get_lead",
    "get_managed_partnership",
    "get_record",
    "get_team",
    "lead_inbox",
    "managed_partnerships",
    "organization_may_sign_in",
    "own_partnerships",
    "reached_by",
    "refresh_lead_grants",
    "require_role",
    "searched_leads",
    "seen_by_partner",
    "teams",
    "visible_deals",
    "visible_leads",
    "visible_records",
]
