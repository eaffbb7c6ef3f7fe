"""What every form field refuses, whatever the form: text no column can store, numbers no
column can hold. One validator, added to every field of every :class:`Form` (the pages' forms
and the API bodies, which the same forms validate), so no field is left out.

PostgreSQL refuses NUL in text, and the other C0 control characters (tab, line feed and
carriage return aside) are invisible noise that breaks exports and EDI; both are refused with
a message saying so rather than stored or turned into a server error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation

from partners.text import control_character

#: Integer columns are 32-bit on PostgreSQL; every whole number a form takes fits in one.
MAX_INTEGER = 2**31 - 1
#: Money and quantity columns (``Numeric(14, 2)`` and wider) hold up to twelve digits before
#: the point.
MAX_DECIMAL = Decimal(10**12)


def control_character_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None when it can."""
    found = control_character(text)
    if found is None:
        return None
    return f"This contains {found}, which cannot be stored. Remove it and try again."


def value_problem(value: Any) -> str | None:
    """Why a field's value cannot be stored (text with control characters, a number too large
    for its column), or None when it can; lists are checked item by item."""
    if isinstance(value, list | tuple):
        return next((p for item in value if (p := value_problem(item)) is not None), None)
    if isinstance(value, str):
        return control_character_problem(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        return f"Give a whole number between {-MAX_INTEGER} and {MAX_INTEGER}."
    if isinstance(value, Decimal) and not (value.is_finite() and abs(value) < MAX_DECIMAL):
        return "Give a number smaller than 1,000,000,000,000."
    return None


def storable(_form: FlaskForm, field: Field) -> None:
    """The validator every field runs first."""
    if (problem := value_problem(field.data)) is not None:
        raise StopValidation(problem)


class Form(FlaskForm):
    """The base of every form: each field checks first that its value can be stored."""

    class Meta:
        def bind_field(self, form: FlaskForm, unbound_field: Any, options: dict) -> Field:
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
            field.validators = [storable, *field.validators]
            return field
