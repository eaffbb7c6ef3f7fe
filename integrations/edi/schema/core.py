"""Schema objects and the compact text notation the built-in schemas are written in.

Segment dictionary notation (one segment per block, elements indented, components further)::

    BEG Beginning Segment for Purchase Order
      353 M ID 2/2 transaction set purpose code = 00 01 04 05 06 07
      324 M AN 1/22 purchase order number
      C040 O C reference identifier *3        (composite; "*3": repeats up to 3 times)
        128 M ID 2/3 reference identification qualifier

EDIFACT types are written the ISO 9735 way (``an..35``, ``n..15``, ``a3``). Usage is
M (mandatory), O/C (optional/conditional) or X (conditional, with a syntax rule).
X12 syntax rules follow the element list after ``|`` on the segment line:
``P0304`` paired, ``R0203`` at least one, ``C0403`` if first then all others,
``E0102`` only one, ``L010203`` if first then at least one other.

Long rule or code lists continue on lines starting with ``|`` or ``=``.

Message structure notation: ``TAG M 1`` / ``TAG O >1`` and ``LOOP <id> M 200`` with
indented children; a loop's first child is its trigger segment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

UNBOUNDED = 10**9


@dataclass(frozen=True, slots=True)
class ElementSpec:
    ref: str  # data element reference number ("353") or composite id ("C040")
    name: str
    usage: str  # M / O / X
    type: str  # AN ID N0 N2 R DT TM B (X12) | an a n (EDIFACT) | C (composite)
    min: int = 0
    max: int = UNBOUNDED
    codes: frozenset[str] | None = None
    components: tuple[ElementSpec, ...] = ()
    repeat: int = 1

    @property
    def mandatory(self) -> bool:
        return self.usage == "M"


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    tag: str
    name: str
    elements: tuple[ElementSpec, ...]
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentUse:
    tag: str
    usage: str
    max_use: int

    @property
    def mandatory(self) -> bool:
        return self.usage == "M"


@dataclass(frozen=True, slots=True)
class LoopSpec:
    id: str
    usage: str
    max_use: int
    children: tuple[SegmentUse | LoopSpec, ...]

    @property
    def mandatory(self) -> bool:
        return self.usage == "M"

    @property
    def trigger(self) -> str:
        first = self.children[0]
        return first.tag if isinstance(first, SegmentUse) else first.trigger


@dataclass(frozen=True, slots=True)
class MessageSchema:
    """One transaction set / message type: structure plus the segment dictionary it uses."""

    standard: str
    type: str
    name: str
    versions: tuple[str, ...]  # version prefixes it applies to ("004", "005", "D96A"…)
    root: LoopSpec
    segments: dict[str, SegmentSpec] = field(hash=False)
    max_lines: int | None = None  # partner rule: at most this many detail loops

    def applies_to(self, version: str) -> bool:
        return any(version.startswith(v) for v in self.versions)

    # -- layering trading-partner implementation rules ---------------------------------
    def require(self, tag: str, position: int, component: int | None = None) -> MessageSchema:
        """Make element ``tag``/``position`` (or one of its components) mandatory."""
        return self._edit(tag, position, component, lambda e: replace(e, usage="M"))

    def restrict_codes(
        self, tag: str, position: int, codes: Iterable[str], component: int | None = None
    ) -> MessageSchema:
        """Only accept ``codes`` in that element (a partner's subset of the code list)."""
        allowed = frozenset(codes)
        return self._edit(tag, position, component, lambda e: replace(e, codes=allowed))

    def max_length(self, tag: str, position: int, length: int) -> MessageSchema:
        return self._edit(tag, position, None, lambda e: replace(e, max=length))

    def limit_loop(self, loop_id: str, max_use: int) -> MessageSchema:
        """Cap the repetitions of a loop (e.g. at most 500 PO1 lines)."""
        return replace(self, root=_edit_loop(self.root, loop_id, max_use))

    def require_segment(self, tag: str) -> MessageSchema:
        return replace(self, root=_edit_use(self.root, tag))

    def _edit(
        self,
        tag: str,
        position: int,
        component: int | None,
        change: Callable[[ElementSpec], ElementSpec],
    ) -> MessageSchema:
        seg = self.segments[tag]
        elements = list(seg.elements)
        target = elements[position - 1]
        if component is None:
            elements[position - 1] = change(target)
        else:
            comps = list(target.components)
            comps[component - 1] = change(comps[component - 1])
            elements[position - 1] = replace(target, components=tuple(comps))
        segments = dict(self.segments)
        segments[tag] = replace(seg, elements=tuple(elements))
        return replace(self, segments=segments)


def _edit_loop(loop: LoopSpec, loop_id: str, max_use: int) -> LoopSpec:
    if loop.id == loop_id:
        return replace(loop, max_use=max_use)
    children = tuple(
        _edit_loop(c, loop_id, max_use) if isinstance(c, LoopSpec) else c for c in loop.children
    )
    return replace(loop, children=children)


def _edit_use(loop: LoopSpec, tag: str) -> LoopSpec:
    children = tuple(
        _edit_use(c, tag)
        if isinstance(c, LoopSpec)
        else (replace(c, usage="M") if c.tag == tag else c)
        for c in loop.children
    )
    return replace(loop, children=children)


class SchemaRegistry:
    """Message schemas by (standard, type); a partner registry layers over the built-ins."""

    def __init__(self, schemas: Iterable[MessageSchema] = (), parent: SchemaRegistry | None = None):
        self.parent = parent
        self._schemas: dict[tuple[str, str], list[MessageSchema]] = {}
        for schema in schemas:
            self.add(schema)

    def add(self, schema: MessageSchema) -> None:
        """Register ``schema``; it takes precedence over earlier ones for the same versions."""
        self._schemas.setdefault((schema.standard, schema.type), []).insert(0, schema)

    def get(self, standard: str, type_: str, version: str) -> MessageSchema | None:
        for schema in self._schemas.get((standard, type_), ()):
            if schema.applies_to(version):
                return schema
        return self.parent.get(standard, type_, version) if self.parent else None

    def layer(self) -> SchemaRegistry:
        """A child registry for one trading partner's overrides."""
        return SchemaRegistry(parent=self)


# -- the compact notation --------------------------------------------------------------
_ELEMENT = re.compile(
    r"(?P<ref>\S+) (?P<usage>[MOXC]) (?P<type>\S+)(?: (?P<len>\d+/\d+))? (?P<name>[^=*]+?)"
    r"(?: \*(?P<repeat>\d+|>1))?(?: = (?P<codes>.+))?$"
)
_EDIFACT_TYPE = re.compile(r"(an|a|n)(\.\.)?(\d+)$")


def _element(line: str) -> ElementSpec:
    m = _ELEMENT.match(line.strip())
    if not m:
        raise ValueError(f"bad element line: {line!r}")
    type_ = m["type"]
    low, high = 0, UNBOUNDED
    if m["len"]:
        low, high = (int(x) for x in m["len"].split("/"))
    elif (e := _EDIFACT_TYPE.match(type_)) is not None:
        type_, high = e[1], int(e[3])
        low = 1 if e[2] else high
    repeat = m["repeat"]
    return ElementSpec(
        ref=m["ref"],
        name=m["name"].strip(),
        usage="O" if m["usage"] == "C" else m["usage"],
        type=type_,
        min=low,
        max=high,
        codes=frozenset(m["codes"].split()) if m["codes"] else None,
        repeat=UNBOUNDED if repeat == ">1" else int(repeat or 1),
    )


def parse_segments(text: str) -> dict[str, SegmentSpec]:
    """Parse a segment dictionary written in the notation above."""
    segments: dict[str, SegmentSpec] = {}
    tag = name = ""
    rules: tuple[str, ...] = ()
    elements: list[ElementSpec] = []

    def flush() -> None:
        if tag:
            segments[tag] = SegmentSpec(tag, name, tuple(elements), rules)

    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        if stripped.startswith("|"):  # continuation of the segment's syntax rules
            rules += tuple(stripped[1:].split())
        elif stripped.startswith("="):  # continuation of the last element's code list
            last = elements[-1]
            if last.components:
                comp = last.components[-1]
                more = frozenset(stripped[1:].split()) | (comp.codes or frozenset())
                elements[-1] = replace(
                    last, components=(*last.components[:-1], replace(comp, codes=more))
                )
            else:
                elements[-1] = replace(
                    last, codes=frozenset(stripped[1:].split()) | (last.codes or frozenset())
                )
        elif indent == 0:
            flush()
            head, _, rule_text = raw.partition("|")
            tag, _, name = head.strip().partition(" ")
            rules, elements = tuple(rule_text.split()), []
        elif indent <= 2:
            elements.append(_element(raw))
        else:
            parent = elements[-1]
            elements[-1] = replace(parent, components=(*parent.components, _element(raw)))
    flush()
    return segments


def parse_structure(text: str, name: str = "ROOT") -> LoopSpec:
    """Parse a message structure written in the notation above."""
    stack: list[tuple[int, str, str, int, list]] = [(-1, name, "M", 1, [])]
    for raw in text.splitlines():
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        while indent <= stack[-1][0]:
            _close(stack)
        words = raw.split()
        if words[0] == "LOOP":
            stack.append((indent, words[1], _usage(words[2]), _max(words[3]), []))
        else:
            stack[-1][4].append(SegmentUse(words[0], _usage(words[1]), _max(words[2])))
    while len(stack) > 1:
        _close(stack)
    _, loop_id, usage, max_use, children = stack[0]
    return LoopSpec(loop_id, usage, max_use, tuple(children))


def structure_from_table(table: dict, name: str) -> LoopSpec:
    """Build a message structure from a checked-in JSON table (``schema/data/*.json``).

    A segment use is ``[tag, "M"|"O", max]``, a loop ``{"loop", "req", "max", "segments"}``;
    ``">1"`` is unbounded.
    """

    def node(item: list | dict) -> SegmentUse | LoopSpec:
        if isinstance(item, dict):
            children = tuple(node(c) for c in item["segments"])
            return LoopSpec(item["loop"], _usage(item["req"]), _max(str(item["max"])), children)
        tag, usage, max_use = item
        return SegmentUse(tag, _usage(usage), _max(str(max_use)))

    return LoopSpec(name, "M", 1, tuple(node(c) for c in table["segments"]))


def _close(stack: list[tuple[int, str, str, int, list]]) -> None:
    _, loop_id, usage, max_use, children = stack.pop()
    stack[-1][4].append(LoopSpec(loop_id, usage, max_use, tuple(children)))


def _usage(word: str) -> str:
    return "M" if word == "M" else "O"


def _max(word: str) -> int:
    return UNBOUNDED if word == ">1" else int(word)
