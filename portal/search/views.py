"""GET /search?q=: the header's search box, a plain form (works without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.search.service import LIMIT, search
from web.access import may_open, requires
from web.database import db_session

bp = Blueprint("search", __name__, template_folder="templates")

#: Longer input is cut: nobody types more, and the query stays cheap.
MAX_TERM = 200


@bp.route("/search")
@requires()
def results():
    term = request.args.get("q", "").strip()[:MAX_TERM]
    groups = search(db_session(), current_user, term, may_open) if term else []
    return render_template("search/results.html", term=term, groups=groups, limit=LIMIT)
