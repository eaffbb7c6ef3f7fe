"""The areas, in one fixed list: importing one registers what it contributes to the layers
below it (its record kind with the sharing engine, its job handlers), so the app factory and
the worker wire the same areas. Adding an area is one line here.
"""

from __future__ import annotations

from types import ModuleType

import documents.sharing
import integrations.webhooks.consumer
import portal.campaigns.sharing
import portal.cases.sharing
import portal.deals.sharing
import portal.funds.sharing
import portal.knowledge.sharing
import portal.leads.imports
import portal.leads.sharing
import portal.notifications.consumer
import portal.orders.sharing
from partners.sharing import registry

#: Each area's registering modules (kinds, then job handlers).
AREAS: tuple[ModuleType, ...] = (
    portal.leads.sharing,
    portal.leads.imports,  # the leads.import job handler
    portal.deals.sharing,
    portal.campaigns.sharing,
    portal.funds.sharing,
    portal.cases.sharing,
    portal.orders.sharing,
    portal.knowledge.sharing,
    documents.sharing,
    integrations.webhooks.consumer,  # the webhooks consumer of the outbox
    portal.notifications.consumer,  # the notifications event consumer
)


def check_registered() -> None:
    """Refuse to start if a record type has no registered kind (a record no area guards would
    otherwise be seen by nobody, or, worse, filtered by nothing)."""
    registry.check_complete()
