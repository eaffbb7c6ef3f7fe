"""Cursor pagination for /api/v1 lists: newest first, ``?before=<id>`` pages on.

A cursor (not an offset) keeps pages stable while new records arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Select

from web.database import db_session
from web.numbers import id_arg

PAGE_SIZE = 50


def cursor_page(
    query: Select, id_column: Any, render: Callable[[Any], dict]
) -> ResponseReturnValue:
    """``{"items": [...], "next": <url or null>}`` for ``query``, ordered by ``id_column``
    descending; ``next`` keeps the request's other arguments."""
    before = id_arg("before")
    if before:
        query = query.where(id_column < before)
    query = query.order_by(None).order_by(id_column.desc()).limit(PAGE_SIZE + 1)
    rows = list(db_session().scalars(query))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    others = {k: v for k, v in request.args.items() if k != "before"}
    return jsonify(
        {
            "items": [render(row) for row in rows],
            "next": url_for(request.endpoint or "", before=rows[-1].id, _external=True, **others)
            if more
            else None,
        }
    )
