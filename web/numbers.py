"""Numbers from URLs and query strings, kept inside what SQL can bind.

SQLite and PostgreSQL store ids as signed 64-bit integers; a larger number cannot even be
bound as a parameter, so it must never reach a query. Route ids are checked by the ``int``
converter (an id out of range does not match the route: 404); query-string ids and page
numbers by the helpers below (400).
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

#: The largest signed 64-bit integer: the largest id any table can hold.
MAX_ID = 2**63 - 1

#: Pages beyond this are refused: no list here is a billion pages long, and the offset of a
#: page must stay a 64-bit number.
MAX_PAGE = 10**9


class IdConverter(IntegerConverter):
    """``<int:…>`` for record ids and numbers: 1 to :data:`MAX_ID`, else the route does not
    match (404). ``<int(min=0):…>`` still allows zero where it means something."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 1,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def id_arg(name: str) -> int | None:
    """The query-string argument ``name`` as a record id, None when absent; a 400 when it is
    not a whole number from 1 to :data:`MAX_ID`."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise BadRequest(f"`{name}` must be a record id: a whole number from 1 to {MAX_ID}.")
    return int(raw)


def page_number() -> int:
    """``?page=``: 1 when absent or not a number; a 400 past :data:`MAX_PAGE`."""
    number = request.args.get("page", 1, type=int) or 1
    if number > MAX_PAGE:
        raise BadRequest(f"There is no page {number}: pages go up to {MAX_PAGE}.")
    return max(1, number)
