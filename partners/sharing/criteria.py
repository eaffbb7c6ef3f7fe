"""A sharing rule's criteria and the one translation of them into SQL.

Rule application, previews and dry runs all filter records through :func:`criteria_clause`, so
a preview's numbers are what applying the rule grants.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, true

if TYPE_CHECKING:
    from partners.sharing.kinds import SharedKind

#: Criteria that list accepted values (each kind names the column it tests).
LIST_CRITERIA = (
    "regions",
    "industries",
    "countries",
    "campaigns",
    "product_lines",
    "folders",
    "tags",
)


@dataclass(frozen=True)
class Criteria:
    """All given conditions must hold; an empty list or ``None`` bound does not restrict."""

    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()
    #: Documents: in one of these folders (exactly; not their subfolders) or with one of
    #: these tags.
    folders: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
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


def criteria_clause(criteria: Criteria, kind: SharedKind) -> ColumnElement[bool]:
    """The criteria as a WHERE on the kind's records. A record without an amount fails any
    amount bound; a score bound on a kind without scores, or a list criterion on a kind
    without that attribute (a region on documents), matches nothing."""
    conditions: list[ColumnElement[bool]] = [
        kind.list_criteria[name].in_(values) if name in kind.list_criteria else false()
        for name in LIST_CRITERIA
        if (values := getattr(criteria, name))
    ]
    for bound, column in ((criteria.score_min, kind.score), (criteria.amount_min, kind.amount)):
        if bound is not None:
            conditions.append(column >= bound if column is not None else false())
    for bound, column in ((criteria.score_max, kind.score), (criteria.amount_max, kind.amount)):
        if bound is not None:
            conditions.append(column <= bound if column is not None else false())
    return and_(true(), *conditions)
