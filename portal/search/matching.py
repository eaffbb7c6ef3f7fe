"""Whether a record's searched columns match the words typed in the search box, per backend.

PostgreSQL: full-text search (``simple`` configuration, every word a prefix, web search syntax)
over one tsvector expression per table, which migration ``f3b9d2c7a1e4`` indexes with GIN. The
expression built here must stay the one the index is built on, or the planner walks the table
(``tests/portal/search/test_search.py`` asks EXPLAIN). SQLite, the embedded default: every word
is contained in one of the columns (LIKE), see ``docs/architecture.md`` ("Search").
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_

from documents.queries import prefix_query, search_config

_WORDS = re.compile(r"\w+")


def search_vector(*columns: Any) -> ColumnElement:
    """``to_tsvector('simple', coalesce(a, '') || ' ' || coalesce(b, '') …)``, with literals
    rather than bound parameters, so that it is the indexed expression."""
    text: Any = None
    for column in columns:
        part = func.coalesce(column, literal_column("''"))
        text = part if text is None else text.op("||")(literal_column("' '")).op("||")(part)
    return func.to_tsvector(search_config(), text)


def text_matches(term: str, dialect: str, *columns: Any) -> ColumnElement[bool]:
    """Every word of ``term`` is found in one of ``columns``."""
    if dialect == "postgresql":
        return search_vector(*columns).bool_op("@@")(prefix_query(term))
    words = _WORDS.findall(term) or [term]
    return and_(
        *(or_(*(column.icontains(word, autoescape=True) for column in columns)) for word in words)
    )
