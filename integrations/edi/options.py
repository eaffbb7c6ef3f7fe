"""Per-trading-partner reading options: how tolerant to be with sloppy files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema.core import SchemaRegistry


@dataclass(frozen=True, slots=True)
class ReaderOptions:
    """Leniency switches. The defaults accept what real partners send and warn about it.

    ``strict()`` turns every tolerance into an error, for certification runs.
    """

    encoding: str | None = None  # None: UTF-8 with Latin-1 fallback (X12), UNB charset (EDIFACT)
    chunk_size: int = 1 << 20
    allow_leading_junk: bool = True  # bytes before ISA/UNA/UNB (a BOM is always accepted)
    allow_unpadded_isa: bool = True  # ISA that is not 106 fixed-width characters
    allow_nbsp_padding: bool = True  # U+00A0 used as padding in ISA fields
    strip_newlines: bool = True  # CR/LF inside segments (wrapped files) when not the terminator
    allow_indentation: bool = True  # spaces/tabs before a segment tag
    allow_trailing_separators: bool = True  # "N3*126 Any St*~": warning instead of error
    allow_missing_component_separator: bool = True  # ISA16 empty ("*T*~")
    lenient_character_set: bool = True  # UNOA accepts lower case (checked as UNOB)
    # a repeated ST02 in a group / UNH 0062 in an interchange: warning instead of error
    allow_duplicate_references: bool = True
    validate: bool = True  # schema validation of supported transaction sets
    max_errors: int = 10_000
    schemas: SchemaRegistry | None = None  # a partner's layered schemas; None = built-ins

    @classmethod
    def strict(cls, **overrides: object) -> ReaderOptions:
        values: dict[str, object] = {
            "allow_leading_junk": False,
            "allow_unpadded_isa": False,
            "allow_nbsp_padding": False,
            "allow_indentation": False,
            "allow_trailing_separators": False,
            "allow_missing_component_separator": False,
            "lenient_character_set": False,
            "allow_duplicate_references": False,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
