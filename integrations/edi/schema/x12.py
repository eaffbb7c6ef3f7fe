"""X12 transaction set structures (004xxx and 005xxx), with loop ids as in the public guides."""

import json
from pathlib import Path

from .core import MessageSchema, parse_structure, structure_from_table
from .x12_segments import SEGMENTS

_TABLES = json.loads((Path(__file__).parent / "data" / "x12_004010.json").read_text())
_VERSIONS = tuple(_TABLES["applies_to"])
#: Every segment the 004010 tables name, with its standard name (one source of truth).
SEGMENT_NAMES: dict[str, str] = _TABLES["segment_names"]

_997 = """
ST M 1
AK1 M 1
LOOP AK2 O >1
  AK2 M 1
  LOOP AK3 O >1
    AK3 M 1
    AK4 O 99
  AK5 M 1
AK9 M 1
SE M 1
"""

_999 = """
ST M 1
AK1 M 1
LOOP 2000 O >1
  AK2 M 1
  LOOP 2100 O >1
    IK3 M 1
    CTX O 10
    LOOP 2110 O 99
      IK4 M 1
      CTX O 10
  IK5 M 1
AK9 M 1
SE M 1
"""

X12_SCHEMAS = [
    MessageSchema(
        "X12", type_, table["name"], _VERSIONS, structure_from_table(table, type_), SEGMENTS
    )
    for type_, table in _TABLES["transaction_sets"].items()
] + [
    MessageSchema("X12", type_, name, _VERSIONS, parse_structure(text, type_), SEGMENTS)
    for type_, name, text in (
        ("997", "Functional Acknowledgment", _997),
        ("999", "Implementation Acknowledgment", _999),
    )
]

# Positions the tokenizer splits into components / repetitions (everything else stays text).
COMPOSITES = {
    tag: frozenset(i for i, e in enumerate(spec.elements, 1) if e.components)
    for tag, spec in SEGMENTS.items()
    if any(e.components for e in spec.elements)
}
REPEATS = {
    tag: frozenset(i for i, e in enumerate(spec.elements, 1) if e.repeat > 1)
    for tag, spec in SEGMENTS.items()
    if any(e.repeat > 1 for e in spec.elements)
}
# Positions that may hold a tuple or a list after tokenizing; every other element is a str.
STRUCTURED = {
    tag: COMPOSITES.get(tag, frozenset()) | REPEATS.get(tag, frozenset())
    for tag in COMPOSITES.keys() | REPEATS.keys()
}
