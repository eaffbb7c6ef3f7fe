"""A sharing rule's criteria and the one translation of them into SQL.

Rule application, previews and dry runs all filter leads through :func:`criteria_clause`, so a
preview's numbers are what applying the rule grants.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, true

from portal.leads.models import Lead

#: Criteria that list accepted values, and the lead column each one tests.
LIST_CRITERIA = {
    "regions": Lead.region,
    "industries": Lead.industry,
    "countries": Lead.country,
    "campaigns": Lead.campaign,
    "product_lines": Lead.product_line,
}


@dataclass(frozen=True)
class Criteria:
    """All given conditions must hold; an empty list or ``None`` bound does not restrict."""

    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()
    score_min: int | None = None
    score_max: int | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value in ((), None):
                continue
            data[field.name] = (
                list(value)
                if isinstance(value, tuple)
                else str(value)
                if isinstance(value, Decimal)
                else value
            )
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Criteria:
        values: dict[str, Any] = {name: tuple(data.get(name, ())) for name in LIST_CRITERIA}
        for bound in ("score_min", "score_max"):
            values[bound] = data.get(bound)
        for bound in ("amount_min", "amount_max"):
            values[bound] = Decimal(data[bound]) if data.get(bound) is not None else None
        return cls(**values)


def criteria_clause(criteria: Criteria) -> ColumnElement[bool]:
    """The criteria as a WHERE on ``lead``. A lead without an amount fails any amount bound."""
    conditions: list[ColumnElement[bool]] = [
        column.in_(getattr(criteria, name))
        for name, column in LIST_CRITERIA.items()
        if getattr(criteria, name)
    ]
    if criteria.score_min is not None:
        conditions.append(Lead.score >= criteria.score_min)
    if criteria.score_max is not None:
        conditions.append(Lead.score <= criteria.score_max)
    if criteria.amount_min is not None:
        conditions.append(Lead.amount >= criteria.amount_min)
    if criteria.amount_max is not None:
        conditions.append(Lead.amount <= criteria.amount_max)
    return and_(true(), *conditions)
