"""The one place that decides what a user may see or do.

Every list, count, export and single-record load goes through a function here, so all surfaces
show the same records. A record the user may not see raises :class:`NotFound` (404), never 403,
so its existence does not leak.
"""

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

__all__ = [
    "colleagues",
    "get_colleague",
    "get_managed_partnership",
    "get_team",
    "managed_partnerships",
    "organization_may_sign_in",
    "own_partnerships",
    "require_role",
    "teams",
]
