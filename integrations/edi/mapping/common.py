"""Conversions shared by the X12 and EDIFACT mappings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Document purpose: neutral name ↔ X12 353 ↔ EDIFACT 1225.
PURPOSES = {
    "original": ("00", "9"),
    "cancellation": ("01", "1"),
    "change": ("04", "4"),
    "replace": ("05", "5"),
    "confirmation": ("06", "6"),
    "duplicate": ("07", "7"),
}
X12_PURPOSE = {x: name for name, (x, _) in PURPOSES.items()}
EDIFACT_PURPOSE = {e: name for name, (_, e) in PURPOSES.items()}


class MappingError(ValueError):
    """A supported document lacks what its model needs (e.g. an unreadable date)."""


@lru_cache(maxsize=4096)  # a file repeats a few dates thousands of times
def to_date(text: str, fmt: str = "102") -> date | None:
    """CCYYMMDD / YYMMDD (X12 DT) or an EDIFACT date in format 102, 203 or 101."""
    if not text:
        return None
    digits = text[:8] if fmt in ("102", "203", "204") or len(text) >= 8 else text
    try:
        if len(digits) == 8:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        if len(digits) == 6:
            return date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        pass
    raise MappingError(f"not a date: {text!r}")


def required_date(text: str, what: str, fmt: str = "102") -> date:
    value = to_date(text, fmt)
    if value is None:
        raise MappingError(f"{what} (a date) is missing")
    return value


def from_date(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def to_decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise MappingError(f"not a number: {text!r}") from exc


def from_decimal(value: Decimal | None, decimal_mark: str = ".") -> str:
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal_mark) if decimal_mark != "." else text
