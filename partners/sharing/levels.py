"""How much a grant allows, lowest first."""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import SmallInteger
from sqlalchemy.types import TypeDecorator


class AccessLevel(IntEnum):
    """Stored as a small integer so SQL can compare levels (``level >= claim``)."""

    view = 1
    claim = 2
    edit = 3
    manage = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class IntEnumType(TypeDecorator):
    """An ``IntEnum`` stored as a small integer, read back as the enum."""

    impl = SmallInteger
    cache_ok = True

    def __init__(self, enum_cls: type[IntEnum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: int | None, dialect) -> int | None:
        return None if value is None else int(value)

    def process_result_value(self, value: int | None, dialect) -> IntEnum | None:
        return None if value is None else self.enum_cls(value)
