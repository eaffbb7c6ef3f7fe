"""What differs between X12 and EDIFACT envelopes, behind one small interface.

`envelope.EnvelopeParser` drives both standards with the same state machine; a `Syntax`
supplies the segment tags, where control numbers and counts sit, and how to read and check
each header into the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .delimiters import Delimiters
from .errors import EdiError
from .model import FunctionalGroup, Interchange, Segment, Transaction
from .options import ReaderOptions
from .schema.core import SegmentSpec


@dataclass(frozen=True, slots=True)
class Level3:
    """Header tag, trailer tag, header control-number position, trailer count/control positions."""

    header: str
    trailer: str
    control: int
    count_pos: int = 1
    control_pos: int = 2


class Syntax(Protocol):
    standard: str
    interchange: Level3
    group: Level3
    message: Level3
    dictionary: dict[str, SegmentSpec]
    composites: dict[str, frozenset[int]]
    repeats: dict[str, frozenset[int]]
    # per tag, the positions tokenized into a tuple or list (None: any position may be)
    structured: dict[str, frozenset[int]] | None

    def read_interchange(
        self, seg: Segment, delimiters: Delimiters, options: ReaderOptions
    ) -> tuple[Interchange, list[EdiError]]: ...

    def read_group(self, seg: Segment) -> tuple[FunctionalGroup, list[EdiError]]: ...

    def read_transaction(self, seg: Segment, group: FunctionalGroup) -> Transaction: ...

    def implicit_group(self, interchange: Interchange, transaction_type: str) -> FunctionalGroup:
        """The group EDIFACT messages without UNG belong to (X12: never called)."""
        ...
