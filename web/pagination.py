"""Page through any sharing-scoped ``Select``: the same predicate feeds the count and the rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from web.numbers import page_number

PER_PAGE = 25


@dataclass
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(db: Session, query: Select, per_page: int = PER_PAGE) -> Page:
    number = page_number()
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, total=total, number=number, per_page=per_page)
