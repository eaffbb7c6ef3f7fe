"""The one place that decides what a user may see or do.

Every list, count, export and single-record load goes through a function here, so all surfaces
show the same records. A record the user may not see raises :class:`NotFound` (404), never 403,
so its existence does not leak. The engine knows no area: each registers its kind
(:mod:`partners.sharing.registry`), and its own helpers (``get_lead``, ``visible_deals``…)
live beside it (``portal/leads/sharing.py``).
"""

from partners.sharing.grants import changed
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
    get_record,
    pool_inbox,
    reached_by,
    searched_records,
    seen_by_partner,
    visible_records,
)

__all__ = [
    "AccessLevel",
    "Reason",
    "access_level",
    "changed",
    "colleagues",
    "explain",
    "get_colleague",
    "get_managed_partnership",
    "get_record",
    "get_team",
    "managed_partnerships",
    "organization_may_sign_in",
    "own_partnerships",
    "pool_inbox",
    "reached_by",
    "require_role",
    "searched_records",
    "seen_by_partner",
    "teams",
    "visible_records",
]
