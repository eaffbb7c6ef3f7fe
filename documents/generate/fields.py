"""The placeholders a view model offers, and the text each one becomes.

A view model is a frozen dataclass. Its fields, followed through nested dataclasses, are the
placeholders a template may use: ``partner.name``. A ``tuple[Item, ...]`` field is a list whose
placeholders (``lines.product``) fill a table row that is repeated once per item. Leaves are
text, whole numbers, decimal amounts, dates and date-times, optionally ``None``.
"""

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

_LEAF_TYPES = (str, int, Decimal, date, datetime)


@dataclasses.dataclass(frozen=True)
class Schema:
    fields: Mapping[str, str | None]
    """Placeholder path -> the path of the list it repeats over (None: one value per document)."""

    def lookup(self, view_model: object, path: str, item: object = None) -> str:
        """The text for `path`; `item` is the current element of the list the path repeats over."""
        repeat = self.fields[path]
        if repeat is None:
            return format_value(_follow(view_model, path))
        return format_value(_follow(item, path.removeprefix(repeat).removeprefix(".")))

    def items(self, view_model: object, repeat: str) -> tuple[object, ...]:
        return tuple(_follow(view_model, repeat) or ())


@functools.cache
def schema_of(view_model: type) -> Schema:
    """Read the placeholders off a view-model dataclass; TypeError for a field we cannot show."""
    fields: dict[str, str | None] = {}
    _collect(view_model, "", None, fields)
    return Schema(types.MappingProxyType(fields))


def _collect(cls: type, prefix: str, repeat: str | None, into: dict[str, str | None]) -> None:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"A view model must be a dataclass, not {cls!r}")
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        _add(hints[field.name], f"{prefix}{field.name}", repeat, into)


def _add(hint: object, path: str, repeat: str | None, into: dict[str, str | None]) -> None:
    hint = _without_none(hint)
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"{path}: a list must be typed tuple[Item, ...]")
        if repeat is not None:
            raise TypeError(f"{path}: lists inside list items are not supported")
        _add(args[0], path, path, into)
    elif dataclasses.is_dataclass(hint):
        _collect(typing.cast(type, hint), f"{path}.", repeat, into)
    elif hint in _LEAF_TYPES:
        into[path] = repeat
    else:
        raise TypeError(f"{path}: {hint!r} cannot be shown in a document")


def _without_none(hint: object) -> object:
    """``X | None`` -> ``X`` (a missing value shows as nothing)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        others = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(others) == 1:
            return others[0]
    return hint


def _follow(value: object, path: str) -> object:
    for name in filter(None, path.split(".")):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def format_value(value: object) -> str:
    """Dates as "31 March 2025", amounts with two decimals and thousands separators."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y, %H:%M} {value:%Z}".rstrip()
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
