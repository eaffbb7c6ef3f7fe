"""The leads blueprint and who may use it; the route modules (:mod:`portal.leads.views`,
:mod:`portal.leads.import_views`) import it, and the app factory imports each of them."""

from __future__ import annotations

from flask import Blueprint

from partners.roles import OrgKind

bp = Blueprint("leads", __name__, url_prefix="/leads", template_folder="templates")
#: Organizations that take leads from a pool, and those that publish their own.
CLAIMERS = (OrgKind.partner, OrgKind.distributor)
OWNERS = (OrgKind.vendor, OrgKind.distributor)
