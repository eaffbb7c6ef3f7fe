"""The /api/v1 blueprint itself: the route modules (:mod:`integrations.api.v1`, ``deals``,
``documents``) import it, and the app factory imports each of them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
