"""Errors found while reading or validating EDI, with everything an acknowledgment needs.

One `EdiError` type serves X12 and EDIFACT. ``level`` says which acknowledgment segment
reports it, and ``code`` is that segment's code:

=============  ==========================  =================================
level          X12 code list               EDIFACT (CONTRL, ISO 9735 0085)
=============  ==========================  =================================
interchange    TA1 note code (TA105)       UCI04 syntax error code
group          AK9/AK905 (997 & 999)       UCF syntax error code
transaction    AK5/IK5 (AK502 / IK502)     UCM syntax error code
segment        AK3/IK3 (AK304 / IK304)     UCS syntax error code
element        AK4/IK4 (AK403 / IK403)     UCD syntax error code
=============  ==========================  =================================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Level(enum.IntEnum):
    """Where in the envelope hierarchy an error belongs (and so which ack segment carries it)."""

    INTERCHANGE = 1
    GROUP = 2
    TRANSACTION = 3
    SEGMENT = 4
    ELEMENT = 5


class Severity(enum.IntEnum):
    WARNING = 1  # reported, does not reject anything
    ERROR = 2  # rejects the level it belongs to


@dataclass(frozen=True, slots=True)
class EdiError:
    """One problem, located as precisely as the input allows.

    Positions are 1-based. ``segment_position`` counts within the transaction set / message
    (ST or UNH is 1); ``line`` and ``segment_index`` locate the segment in the file.
    """

    level: Level
    code: str
    message: str
    severity: Severity = Severity.ERROR
    standard: str = ""  # "X12" | "EDIFACT"
    interchange: str | None = None  # ISA13 / UNB05
    group: str | None = None  # GS06 / UNG05
    transaction: str | None = None  # ST02 / UNH01
    transaction_type: str | None = None  # ST01 / UNH02.1
    segment_tag: str | None = None
    segment_position: int | None = None
    line: int | None = None
    segment_index: int | None = None
    element: int | None = None
    component: int | None = None
    repetition: int | None = None
    element_ref: str | None = None  # X12 data element reference number (AK402 / IK402)
    loop_id: str | None = None  # X12 loop identifier (AK303 / IK303)
    value: str | None = None  # copy of the bad value (AK404 / IK404)
    trigger: tuple[str, int] | None = None  # first segment of the enclosing loop (999 CTX)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def position(self) -> str:
        """``line:segment:element`` as printed by the CLI (missing parts are left empty)."""
        line = "" if self.line is None else str(self.line)
        element = "" if self.element is None else str(self.element)
        if element and self.component is not None:
            element += f".{self.component}"
        return f"{line}:{self.segment_tag or ''}:{element}"

    def __str__(self) -> str:
        kind = "" if self.is_error else "warning: "
        return f"{self.position}: {kind}{self.message}"

    def located(self, **where: object) -> EdiError:
        """A copy with envelope context filled in (only fields still unset are changed)."""
        updates = {k: v for k, v in where.items() if getattr(self, k) is None and v is not None}
        return replace(self, **updates) if updates else self

    def as_dict(self) -> dict[str, object]:
        """Deterministic, JSON-ready form (used by the canonical JSON and the CLI)."""
        return {
            "severity": self.severity.name.lower(),
            "level": self.level.name.lower(),
            "code": self.code,
            "message": self.message,
            "position": self.position,
            "interchange": self.interchange,
            "group": self.group,
            "transaction": self.transaction,
            "transaction_type": self.transaction_type,
            "segment_tag": self.segment_tag,
            "segment_position": self.segment_position,
            "line": self.line,
            "segment_index": self.segment_index,
            "element": self.element,
            "component": self.component,
            "repetition": self.repetition,
        }


class EdiParseError(Exception):
    """Raised by the strict entry points when input is refused; carries every error found."""

    def __init__(self, errors: list[EdiError]) -> None:
        self.errors = errors
        first = next((e for e in errors if e.is_error), errors[0] if errors else None)
        super().__init__(str(first) if first else "invalid EDI")


@dataclass(slots=True)
class ErrorSink:
    """Collects errors; the reader, envelope tracker and validators all report into one."""

    errors: list[EdiError] = field(default_factory=list)
    limit: int = 10_000  # stop collecting (not reading) past this many, to bound memory
    context: dict[str, object] = field(default_factory=dict)  # envelope we are inside
    transaction_errors: list[EdiError] | None = None  # the open transaction's own list

    def add(self, error: EdiError) -> EdiError:
        """Record ``error`` (located in the current envelope context) and return it."""
        error = error.located(**self.context) if self.context else error
        if len(self.errors) < self.limit:
            self.errors.append(error)
        if self.transaction_errors is not None and error.level >= Level.TRANSACTION:
            self.transaction_errors.append(error)
        return error
