"""The generic tree of an interchange: interchange → functional groups → transactions → segments.

Element values are ``str`` (simple), ``tuple[str, ...]`` (a composite, only when it has more
than one component) or ``list`` (repetitions, only where the dictionary allows them).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Union

from .delimiters import Delimiters
from .errors import EdiError, EdiParseError

Value = Union[str, tuple[str, ...], list]  # noqa: UP007 - list of str|tuple repetitions


def _pick(value: Value, component: int, repetition: int) -> str:
    if isinstance(value, list):
        if repetition > len(value):
            return ""
        value = value[repetition - 1]
    elif repetition > 1:
        return ""
    if isinstance(value, tuple):
        return value[component - 1] if component <= len(value) else ""
    return value if component == 1 else ""


@dataclass(slots=True)
class Segment:
    """One segment. ``line``/``index`` locate it in the file and do not take part in ``==``."""

    tag: str
    elements: list[Value]
    line: int = field(default=0, compare=False)
    index: int = field(default=0, compare=False)

    def get(self, position: int, component: int = 1, repetition: int = 1) -> str:
        """Element ``position`` (1-based, like BEG03 → 3), or ``""`` when absent."""
        elements = self.elements
        if position > len(elements):
            return ""
        value = elements[position - 1]
        if value.__class__ is str and component == 1 and repetition == 1:
            return value  # the mappings' usual case, without the general walk
        return _pick(value, component, repetition)

    def composite(self, position: int) -> tuple[str, ...]:
        if position > len(self.elements):
            return ()
        value = self.elements[position - 1]
        if isinstance(value, list):
            value = value[0] if value else ""
        return value if isinstance(value, tuple) else (value,)


class Status(enum.Enum):
    """Acknowledgment status (X12 AK5/AK9 codes; EDIFACT action 7 = accepted, 4 = rejected)."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"  # groups only: some transaction sets rejected
    REJECTED = "R"


@dataclass(slots=True)
class Transaction:
    """A transaction set (X12 ST…SE) or message (EDIFACT UNH…UNT), including header/trailer."""

    type: str
    control_number: str
    version: str
    segments: list[Segment] = field(default_factory=list)
    implementation_reference: str = ""  # ST03 / UNH association assigned code
    errors: list[EdiError] = field(default_factory=list, compare=False)
    status: Status = field(default=Status.ACCEPTED, compare=False)
    segment_count: int = field(default=0, compare=False)  # counted while reading
    supported: bool = field(default=True, compare=False)  # a schema validated it

    @property
    def body(self) -> list[Segment]:
        """The segments between header and trailer."""
        return self.segments[1:-1] if len(self.segments) >= 2 else self.segments[1:]


@dataclass(slots=True)
class FunctionalGroup:
    """An X12 GS…GE or EDIFACT UNG…UNE group; EDIFACT messages without UNG get an implicit one."""

    functional_id: str  # GS01 / UNG01 (message type for EDIFACT)
    sender: str
    receiver: str
    date: str
    time: str
    control_number: str
    version: str  # GS08 / UNG07 "D:96A:UN" → "D96A"
    header: Segment | None = None
    trailer: Segment | None = None
    transactions: list[Transaction] = field(default_factory=list)
    errors: list[EdiError] = field(default_factory=list, compare=False)
    status: Status = field(default=Status.ACCEPTED, compare=False)
    received: int = field(default=0, compare=False)
    accepted: int = field(default=0, compare=False)

    @property
    def implicit(self) -> bool:
        return self.header is None


@dataclass(slots=True)
class Interchange:
    """An ISA…IEA or UNB…UNZ interchange."""

    standard: str  # "X12" | "EDIFACT"
    sender_qualifier: str
    sender: str
    receiver_qualifier: str
    receiver: str
    date: str
    time: str
    control_number: str
    version: str  # ISA12 ("00401") or UNB syntax "UNOA:3"
    test: bool
    delimiters: Delimiters = field(compare=False)
    header: Segment | None = None
    trailer: Segment | None = None
    groups: list[FunctionalGroup] = field(default_factory=list)
    ta1: list[Segment] = field(default_factory=list)  # interchange acknowledgments received
    acknowledgment_requested: bool = False
    errors: list[EdiError] = field(default_factory=list, compare=False)
    status: Status = field(default=Status.ACCEPTED, compare=False)

    @property
    def transactions(self) -> list[Transaction]:
        return [t for g in self.groups for t in g.transactions]


@dataclass(slots=True)
class ParseResult:
    """Everything read from one file: its interchanges and every error, in file order."""

    interchanges: list[Interchange] = field(default_factory=list)
    errors: list[EdiError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(e.is_error for e in self.errors)

    @property
    def transactions(self) -> list[Transaction]:
        return [t for i in self.interchanges for t in i.transactions]

    def raise_for_errors(self) -> None:
        """Raise `EdiParseError` (carrying every error) unless the file is valid."""
        if not self.ok:
            raise EdiParseError(self.errors)
