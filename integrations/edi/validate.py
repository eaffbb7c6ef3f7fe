"""Schema validation of one transaction set / message, fed segment by segment (streaming).

Structure is checked with a walk over the loop stack, compiled into a transition table: each
shape of the stack is a `_State` whose moves (one per segment tag, worked out on first use)
say which loops to leave, which child matches and which loops to enter. Elements go through
generated fast checks (`fastcheck`), and through per-type checks only when those reject.
Each problem becomes an `EdiError` at segment or element level, with the X12 AK3/AK4
(IK3/IK4) or EDIFACT UCS/UCD code.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field

from .codes import code
from .delimiters import X12
from .errors import EdiError, ErrorSink, Level, Severity
from .fastcheck import FastCheck, compile_check
from .model import Segment, Value
from .schema.core import ElementSpec, LoopSpec, MessageSchema, SegmentSpec, SegmentUse

_X12_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}$")
_EDIFACT_TAG = re.compile(r"[A-Z]{3}$")
_INTEGER = re.compile(r"-?\d+$")
_REAL = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:E-?\d+)?$")
_EDIFACT_NUMBER = re.compile(r"-?(?:\d+[.,]?\d*|[.,]\d+)$")
_ALPHA = re.compile(r"[^\W\d_ ]*(?: [^\W\d_]*)*$")


def _ascii_digits(v: str) -> bool:
    """Only 0-9: ``str.isdigit`` alone also takes "¹" or "²", which ``int`` refuses."""
    return v.isascii() and v.isdigit()


@functools.lru_cache(maxsize=4096)
def valid_date(v: str) -> bool:
    """CCYYMMDD or YYMMDD with a real calendar day."""
    if not _ascii_digits(v) or len(v) not in (6, 8):
        return False
    year = int(v[:-4]) if len(v) == 8 else 2000 + int(v[:2])
    month, day = int(v[-4:-2]), int(v[-2:])
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


@functools.lru_cache(maxsize=4096)
def valid_time(v: str) -> bool:
    """HHMM, HHMMSS, HHMMSSD or HHMMSSDD."""
    if not _ascii_digits(v) or len(v) not in (4, 6, 7, 8):
        return False
    return int(v[:2]) < 24 and int(v[2:4]) < 60 and (len(v) < 6 or int(v[4:6]) < 60)


def _digits(v: str) -> int:
    return sum(c.isdigit() for c in v)


def _number_length(v: str) -> int | None:
    """Digits in a plain decimal number ("-12.50" → 4), or None if it is not one."""
    n = len(v) - (v[0] == "-")
    body = v[1:] if v[0] == "-" else v
    if _ascii_digits(body):
        return n
    if body.count(".") == 1 and _ascii_digits(body.replace(".", "")):
        return n - 1
    return None


def check_value(spec: ElementSpec, v: str) -> str | None:
    """The meaning key of what is wrong with a non-empty simple value, or None."""
    t = spec.type
    if t in ("AN", "an", "ID"):
        n = len(v)
    elif t == "R":
        length = _number_length(v)
        if length is None:
            if not _REAL.match(v):
                return "element_invalid_character"
            length = _digits(v.split("E")[0])
        n = length
    elif t[0] == "N":
        if not (_ascii_digits(v) or _INTEGER.match(v)):
            return "element_invalid_character"
        n = len(v) - (v[0] == "-")
    elif t == "n":
        length = _number_length(v)
        if length is None:
            if not _EDIFACT_NUMBER.match(v):
                return "element_invalid_character"
            length = _digits(v)
        n = length
    elif t == "DT":
        if not valid_date(v):
            return "element_invalid_date"
        n = len(v)
    elif t == "TM":
        if not valid_time(v):
            return "element_invalid_time"
        n = len(v)
    elif t == "a":
        if not _ALPHA.match(v):
            return "element_invalid_character"
        n = len(v)
    else:
        n = len(v)
    if n < spec.min:
        return "element_too_short"
    if n > spec.max:
        return "element_too_long"
    if spec.codes is not None and v not in spec.codes:
        return "element_invalid_code"
    return None


_DESCRIBE = {
    "element_missing": "is mandatory but empty",
    "element_conditional_missing": "is required by a syntax rule of the segment but is empty",
    "element_invalid_character": "has characters its data type does not allow",
    "element_too_short": "is too short",
    "element_too_long": "is too long",
    "element_invalid_code": "has a code that is not in the code list",
    "element_invalid_date": "is not a valid date",
    "element_invalid_time": "is not a valid time",
    "element_exclusion": "must not be present together with another element (exclusion rule)",
    "element_too_many_repetitions": "repeats more often than allowed",
    "element_too_many_components": "has more components than allowed",
}


@dataclass(slots=True)
class _Node:
    """A loop, precompiled: children and, per tag, the child indexes it can match."""

    spec: LoopSpec
    children: list[SegmentUse | _Node]
    by_tag: dict[str, list[int]]
    required: tuple[int, ...] = ()  # indexes of mandatory children
    limits: tuple[int, ...] = ()  # max use per child (segment or loop)
    entry: tuple[int, ...] = ()  # the counts on entering the loop: its trigger seen once

    @property
    def mandatory(self) -> bool:
        return self.spec.mandatory

    @classmethod
    def compile(cls, spec: LoopSpec) -> _Node:
        children: list[SegmentUse | _Node] = [
            cls.compile(c) if isinstance(c, LoopSpec) else c for c in spec.children
        ]
        by_tag: dict[str, list[int]] = {}
        for i, child in enumerate(children):
            tag = child.tag if isinstance(child, SegmentUse) else child.spec.trigger
            by_tag.setdefault(tag, []).append(i)
        required = tuple(i for i, c in enumerate(children) if c.mandatory)
        limits = tuple(c.max_use if isinstance(c, SegmentUse) else c.spec.max_use for c in children)
        entry = (1,) + (0,) * (len(children) - 1)
        return cls(spec, children, by_tag, required, limits, entry)


@dataclass(slots=True)
class _Frame:
    node: _Node
    index: int = 0
    counts: list[int] = field(default_factory=list)
    trigger: tuple[str, int] | None = None


#: A loop entered by its trigger with nothing else seen yet: (loop, tag, position). Most such
#: loops (PID inside PO1) are left by the next segment, so no `_Frame` is built for them.
_Entered = tuple[_Node, str, int]


def _materialize(entered: _Entered) -> _Frame:
    loop, tag, position = entered
    return _Frame(loop, 0, [*loop.entry], (tag, position))


@dataclass(frozen=True, slots=True)
class _Move:
    """What one segment tag does from one `_State`: `CompiledSchema.move`'s walk, done once."""

    pops: int  # loops left (frames closed) before the match
    leaves_gaps: bool  # a loop left has mandatory children after its current one (missing)
    index: int  # the child matched in the frame then on top
    skipped: tuple[int, ...]  # mandatory children passed over, so missing
    limit: int  # how often that child may occur
    enters: tuple[_Node, ...]  # loops entered: the matched one and those it starts with
    target: _State


class _State:
    """One shape of the loop stack: (loop, current child index) per frame, outermost first.

    The shape alone decides where a tag fits and what it leaves missing: in every frame the
    current child has been seen and the later ones not yet (except in `CompiledSchema.start`,
    before the header). Only the repeat counts vary between transactions; they stay in the
    frames. ``moves`` maps a tag to its `_Move`, or to None when the tag fits nowhere (an
    error); see `CompiledSchema.move`.
    """

    __slots__ = ("levels", "moves")

    def __init__(self, levels: tuple[tuple[_Node, int], ...]) -> None:
        self.levels = levels
        self.moves: dict[str, _Move | None] = {}


@dataclass(slots=True)
class CompiledSchema:
    """A schema ready for validation: loop tables, the walk's states, per-tag check plans.

    ``structured`` is what the tokenizer may split per tag (see `fastcheck.compile_check`).
    """

    schema: MessageSchema
    root: _Node
    tags: frozenset[str]
    structured: dict[str, frozenset[int]] | None = None
    specs: dict[str, tuple[SegmentSpec, _Plan]] = field(default_factory=dict)  # by tag, lazily
    states: dict[tuple[tuple[int, int], ...], _State] = field(default_factory=dict)
    start: _State = field(init=False)  # nothing seen yet, not even the header

    def __post_init__(self) -> None:
        self.start = _State(((self.root, 0),))

    @classmethod
    def compile(
        cls, schema: MessageSchema, structured: dict[str, frozenset[int]] | None
    ) -> CompiledSchema:
        root = _Node.compile(schema.root)
        tags: set[str] = set()

        def walk(node: _Node) -> None:
            for c in node.children:
                if isinstance(c, SegmentUse):
                    tags.add(c.tag)
                else:
                    walk(c)

        walk(root)
        return cls(schema, root, frozenset(tags), structured)

    def state(self, levels: tuple[tuple[_Node, int], ...]) -> _State:
        key = tuple((id(node), index) for node, index in levels)
        found = self.states.get(key)
        if found is None:
            found = self.states[key] = _State(levels)
        return found

    def move(self, state: _State, tag: str) -> _Move | None:
        """Where ``tag`` fits from ``state``, innermost loop first (cached in its ``moves``)."""
        if tag in state.moves:
            return state.moves[tag]
        found = None
        levels = state.levels
        for depth in range(len(levels) - 1, -1, -1):
            node, index = levels[depth]
            # a loop's trigger (child 0) starts a new iteration one level up, never repeats here
            low = index if index or not depth else 1
            j = next((i for i in node.by_tag.get(tag, ()) if i >= low), -1)
            if j < 0:
                continue
            enters: list[_Node] = []
            child = node.children[j]
            while isinstance(child, _Node):  # nested loops that start with the same segment
                enters.append(child)
                child = child.children[0]
            shape = (*levels[:depth], (node, j), *((loop, 0) for loop in enters))
            first_unseen = index if state is self.start else index + 1
            found = _Move(
                pops=len(levels) - 1 - depth,
                leaves_gaps=any(
                    i > left_at for left, left_at in levels[depth + 1 :] for i in left.required
                ),
                index=j,
                skipped=tuple(i for i in node.required if first_unseen <= i < j),
                limit=node.limits[j],
                enters=tuple(enters),
                target=self.state(shape),
            )
            break
        state.moves[tag] = found
        return found

    def plan(self, spec: SegmentSpec) -> _Plan:
        structured = None if self.structured is None else self.structured.get(spec.tag, _NONE)
        return _plan(spec, structured)


_NONE: frozenset[int] = frozenset()
_COMPILED: dict[tuple[int, int], CompiledSchema] = {}


def compiled(
    schema: MessageSchema, structured: dict[str, frozenset[int]] | None = None
) -> CompiledSchema:
    key = (id(schema), id(structured))
    hit = _COMPILED.get(key)
    if hit is None or hit.schema is not schema or hit.structured is not structured:
        hit = _COMPILED[key] = CompiledSchema.compile(schema, structured)
    return hit


class TransactionValidator:
    """Validate one transaction set: call `feed` for each segment (header first), then `finish`.

    Errors go to ``sink`` (already located in the envelope) and are returned by `finish`.
    """

    def __init__(
        self,
        schema: MessageSchema | None,
        standard: str,
        sink: ErrorSink,
        dictionary: dict[str, SegmentSpec],
        structured: dict[str, frozenset[int]] | None = None,
    ) -> None:
        """``structured``: per tag, the positions the tokenizer may have split into a tuple or
        list (`Syntax.structured`); None when any position may hold one."""
        self.schema = compiled(schema, structured) if schema is not None else None
        self.standard = standard
        self.sink = sink
        self.dictionary = dictionary
        self.errors: list[EdiError] = []
        self.stack: list[_Frame | _Entered] = (
            [_Frame(self.schema.root, 0, [0] * len(self.schema.root.children))]
            if self.schema
            else []
        )
        self.state = self.schema.start if self.schema else None
        self.position = 0
        self._trailer = ""
        self.tag_re = _X12_TAG if standard == X12 else _EDIFACT_TAG

    # -- reporting ---------------------------------------------------------------------
    def _add(
        self,
        level: Level,
        meaning: str,
        message: str,
        seg: Segment | None,
        severity: Severity = Severity.ERROR,
        **where: object,
    ) -> None:
        error = EdiError(
            level,
            code(meaning, self.standard),
            message,
            severity,
            standard=self.standard,
            segment_position=self.position,
            line=seg.line if seg else None,
            segment_index=seg.index if seg else None,
            trigger=self._context(),
            **where,  # type: ignore[arg-type]
        )
        self.errors.append(self.sink.add(error))

    def _context(self) -> tuple[str, int] | None:
        """The first segment of the loop around the current one (not the segment itself)."""
        for frame in reversed(self.stack):
            trigger = frame.trigger if frame.__class__ is _Frame else (frame[1], frame[2])
            if trigger and trigger[1] != self.position:
                return trigger
        return None

    # -- structure ---------------------------------------------------------------------
    def feed(self, seg: Segment) -> None:
        self.position += 1
        if self.schema is None:
            return
        tag = seg.tag
        known = self.schema.specs.get(tag)
        if known is None and not self.tag_re.match(tag):
            self._add(
                Level.SEGMENT,
                "segment_unrecognized",
                f"Segment at position {self.position}: {tag!r} is not a segment tag",
                seg,
                segment_tag=tag[:3],
            )
            return
        if not self._place(seg):
            return
        if known is None:
            spec = self.schema.schema.segments.get(tag) or self.dictionary.get(tag)
            if spec is None:
                return
            known = self.schema.specs[tag] = (spec, self.schema.plan(spec))
        values = seg.elements
        plan = known[1]
        fast = plan.fast.get(len(values)) or plan.fast_check(len(values))
        if fast(values):  # certainly valid: skip the detailed checks
            if tag == "DTM" and self.standard != X12:
                self._edifact_date(seg)
            return
        self._elements(seg, *known)

    def _place(self, seg: Segment) -> bool:
        """Follow the transition for ``seg`` in the loop structure; False if it fits nowhere."""
        tag = seg.tag
        state = self.state
        assert state is not None and self.schema is not None
        move = state.moves.get(tag) or self.schema.move(state, tag)
        if move is None:
            self._misplaced(seg)
            return False
        stack = self.stack
        if move.leaves_gaps:
            for _ in range(move.pops):
                self._close(stack.pop(), seg)
        elif move.pops:
            del stack[-move.pops :]
        frame = stack[-1]
        if frame.__class__ is tuple:
            frame = stack[-1] = _materialize(frame)
        counts = frame.counts
        for i in move.skipped:
            self._missing(frame, i, seg)
        j = frame.index = move.index
        count = counts[j] = counts[j] + 1
        if count > move.limit:
            self._too_many(frame.node.children[j], seg)
        for loop in move.enters:
            stack.append((loop, tag, self.position))  # a frame only once something else comes
        self.state = move.target
        return True

    def _too_many(self, child: SegmentUse | _Node, seg: Segment) -> None:
        tag = seg.tag
        if isinstance(child, SegmentUse):
            self._add(
                Level.SEGMENT,
                "segment_max",
                f"Segment {tag} at position {self.position} occurs more than "
                f"{child.max_use} time(s) here",
                seg,
                segment_tag=tag,
            )
        else:
            self._add(
                Level.SEGMENT,
                "loop_max",
                f"Loop {child.spec.id} starting with segment {tag} at position "
                f"{self.position} occurs more than {child.spec.max_use} times",
                seg,
                segment_tag=tag,
                loop_id=child.spec.id,
            )

    def _misplaced(self, seg: Segment) -> None:
        assert self.schema is not None
        tag = seg.tag
        if tag in self.schema.tags:
            meaning, why = "segment_sequence", "is not in the proper sequence"
        elif tag in self.dictionary or tag in self.schema.schema.segments:
            meaning, why = (
                "segment_not_in_set",
                (f"is not defined in transaction set {self.schema.schema.type}"),
            )
        else:
            meaning, why = "segment_unrecognized", "is not a known segment"
        self._add(
            Level.SEGMENT,
            meaning,
            f"Segment {tag} at position {self.position} {why}",
            seg,
            segment_tag=tag,
        )

    def _missing(self, frame: _Frame, i: int, seg: Segment | None) -> None:
        child = frame.node.children[i]
        if isinstance(child, SegmentUse) and child.tag == self._trailer:
            return
        if child.mandatory and not frame.counts[i]:
            what = (
                f"segment {child.tag}"
                if isinstance(child, SegmentUse)
                else f"loop {child.spec.id} (starting with {child.spec.trigger})"
            )
            tag = child.tag if isinstance(child, SegmentUse) else child.spec.trigger
            self._add(
                Level.SEGMENT,
                "segment_missing",
                f"Mandatory {what} is missing before position {self.position}",
                seg,
                segment_tag=tag,
            )

    def _close(self, frame: _Frame | _Entered, seg: Segment | None) -> None:
        if frame.__class__ is tuple:
            frame = _materialize(frame)  # type: ignore[arg-type]
        assert isinstance(frame, _Frame)
        counts = frame.counts
        for i in frame.node.required:
            if i >= frame.index and not counts[i]:
                self._missing(frame, i, seg)

    def finish(self, last: Segment | None = None, trailer: str = "") -> list[EdiError]:
        """Report what is still missing at the end; return every error of the transaction.

        ``last`` is the final segment read (for the position); ``trailer`` a tag whose
        absence the envelope already reported.
        """
        self._trailer = trailer
        while self.stack:
            self._close(self.stack.pop(), last)
        return self.errors

    # -- elements ----------------------------------------------------------------------
    def _elements(self, seg: Segment, spec: SegmentSpec, plan: _Plan) -> None:
        values = seg.elements
        specs = spec.elements
        tag = seg.tag
        if len(values) > len(specs):
            extra = len(values) - len(specs)
            if any(v != "" for v in values[len(specs) :]):
                self._element_error(
                    seg,
                    "element_too_many",
                    len(specs) + 1,
                    None,
                    None,
                    f"has {extra} more element(s) than the {len(specs)} {tag} defines",
                )
        count = len(values)
        for pos in plan.mandatory:
            if pos > count or values[pos - 1] in ("", ()):
                self._element_error(seg, "element_missing", pos, None, specs[pos - 1])
        for pos, (es, value) in enumerate(zip(specs, values, strict=False), 1):
            if not value:
                continue
            if value.__class__ is str and not es.components:
                bad = check_value(es, value)  # the common case, inlined from _value
                if bad:
                    self._element_error(seg, bad, pos, None, es, value=value)
            elif isinstance(value, list):
                if len(value) > es.repeat:
                    self._element_error(seg, "element_too_many_repetitions", pos, None, es)
                for rep, item in enumerate(value, 1):
                    self._value(seg, es, pos, item, rep)
            else:
                self._value(seg, es, pos, value, None)
        if plan.rules:
            present = {pos for pos, value in enumerate(values, 1) if value}
            self._rules(seg, spec, plan.rules, present)
        if tag == "DTM" and self.standard != X12:
            self._edifact_date(seg)

    def _value(
        self, seg: Segment, es: ElementSpec, pos: int, value: Value, rep: int | None
    ) -> None:
        if es.components:
            comps = value if isinstance(value, tuple) else (value,)
            if len(comps) > len(es.components):
                self._element_error(seg, "element_too_many_components", pos, None, es, rep=rep)
            for ci, (cs, cv) in enumerate(zip(es.components, comps, strict=False), 1):
                if cv == "":
                    if cs.mandatory:
                        self._element_error(seg, "element_missing", pos, ci, cs, rep=rep, parent=es)
                else:
                    bad = check_value(cs, cv)
                    if bad:
                        self._element_error(seg, bad, pos, ci, cs, value=cv, rep=rep, parent=es)
            for ci in range(len(comps) + 1, len(es.components) + 1):
                if es.components[ci - 1].mandatory:
                    self._element_error(
                        seg, "element_missing", pos, ci, es.components[ci - 1], rep=rep, parent=es
                    )
            return
        if isinstance(value, tuple):
            self._element_error(
                seg, "element_too_many_components", pos, None, es, rep=rep, value=":".join(value)
            )
            return
        bad = check_value(es, value)
        if bad:
            self._element_error(seg, bad, pos, None, es, value=value, rep=rep)

    def _element_error(
        self,
        seg: Segment,
        meaning: str,
        pos: int,
        comp: int | None,
        es: ElementSpec | None,
        detail: str | None = None,
        value: str | None = None,
        rep: int | None = None,
        parent: ElementSpec | None = None,
    ) -> None:
        name = f"{seg.tag}{pos:02d}" + (f"-{comp}" if comp else "")
        if es is not None:
            label = es.name if self.standard == X12 else f"{es.ref} {es.name}"
            name += f" ({label})"
        text = detail or _DESCRIBE[meaning]
        if value is not None and meaning not in ("element_missing",):
            text += f": {value!r}"
        ref = (parent or es).ref if (parent or es) is not None else None
        self._add(
            Level.ELEMENT,
            meaning,
            f"Segment {seg.tag} at position {self.position}: element {name} {text}",
            seg,
            segment_tag=seg.tag,
            element=pos,
            component=comp,
            repetition=rep,
            element_ref=ref if ref and ref[0].isdigit() else (es.ref if es else None),
            value=value,
        )

    def _rules(
        self,
        seg: Segment,
        spec: SegmentSpec,
        rules: tuple[tuple[str, str, tuple[int, ...], frozenset[int]], ...],
        present: set[int],
    ) -> None:
        for rule, kind, pos, pos_set in rules:
            if _rule_holds(kind, pos, pos_set, present):
                continue
            have = [p for p in pos if p in present]
            first = pos[0] in present
            if kind == "P" and have and len(have) != len(pos):
                missing = [p for p in pos if p not in present]
            elif kind == "R" and not have:
                missing = pos[:1]
            elif kind == "C" and first:
                missing = [p for p in pos[1:] if p not in present]
            elif kind == "L" and first and len(have) == 1:
                missing = pos[1:2]
            elif kind == "E" and len(have) > 1:
                self._element_error(
                    seg,
                    "element_exclusion",
                    have[1],
                    None,
                    _spec_at(spec, have[1]),
                    detail=f"must not be used together with {seg.tag}{have[0]:02d} (rule {rule})",
                )
                continue
            else:
                continue
            for p in missing:
                self._element_error(
                    seg,
                    "element_conditional_missing",
                    p,
                    None,
                    _spec_at(spec, p),
                    detail=f"is required by rule {rule} but is empty",
                )

    def _edifact_date(self, seg: Segment) -> None:
        qualifier, text, fmt = (seg.get(1, i) for i in (1, 2, 3))
        ok = True
        if fmt == "102":
            ok = len(text) == 8 and valid_date(text)
        elif fmt in ("203", "204"):
            ok = len(text) in (12, 14) and valid_date(text[:8]) and valid_time(text[8:])
        elif fmt == "101":
            ok = len(text) == 6 and valid_date(text)
        if not ok:
            self._element_error(
                seg,
                "element_invalid_date",
                1,
                2,
                None,
                detail=f"(date {qualifier}) is not a valid date in format {fmt}",
                value=text,
            )


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to check for one segment spec, worked out once."""

    spec: SegmentSpec
    structured: frozenset[int] | None  # positions that may hold a tuple or list (None: any)
    mandatory: tuple[int, ...]
    # (rule text, kind, positions, positions as a set)
    rules: tuple[tuple[str, str, tuple[int, ...], frozenset[int]], ...]
    fast: dict[int, FastCheck] = field(default_factory=dict)  # by element count

    def fast_check(self, count: int) -> FastCheck:
        """The generated check for segments of ``count`` elements (True: certainly valid)."""
        check = self.fast.get(count)
        if check is None:
            check = self.fast[count] = compile_check(self.spec, _HELPERS, count, self.structured)
        return check


_PLANS: dict[tuple[int, frozenset[int] | None], _Plan] = {}
_HELPERS = {"_num": _number_length, "_date": valid_date, "_time": valid_time}


def _plan(spec: SegmentSpec, structured: frozenset[int] | None) -> _Plan:
    key = (id(spec), structured)
    hit = _PLANS.get(key)
    if hit is not None and hit.spec is spec:
        return hit
    plan = _PLANS[key] = _Plan(
        spec,
        structured,
        tuple(i for i, e in enumerate(spec.elements, 1) if e.mandatory),
        tuple(
            (rule, rule[0], pos, frozenset(pos))
            for rule in spec.rules
            for pos in [tuple(int(rule[i : i + 2]) for i in range(1, len(rule), 2))]
        ),
    )
    return plan


def _rule_holds(
    kind: str, pos: tuple[int, ...], pos_set: frozenset[int], present: set[int]
) -> bool:
    """X12 syntax rule check on the set of present element positions."""
    if kind == "P":
        return pos_set <= present or present.isdisjoint(pos_set)
    if kind == "R":
        return not present.isdisjoint(pos_set)
    if kind == "C":
        return pos[0] not in present or pos_set <= present
    if kind == "L":
        return pos[0] not in present or len(pos_set & present) > 1
    if kind == "E":
        return len(pos_set & present) <= 1
    return True


def _spec_at(spec: SegmentSpec, pos: int) -> ElementSpec | None:
    return spec.elements[pos - 1] if pos <= len(spec.elements) else None
