"""Generated fast-path checks: one plain Python function per segment definition and length.

Validating element by element through generic code costs more than reading the file. For
each `SegmentSpec` and each number of elements actually seen we therefore generate (once,
from our own schema tables) a function that answers only "is this segment certainly valid?"
with straight-line code: the elements are unpacked into locals, positions past the end of the
segment and syntax rules they settle are resolved while generating, not per segment. When it
says no, the detailed validator runs and explains why; so the fast path may be conservative
(a false "no" only costs time) but never accepts an invalid segment.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

from .schema.core import ElementSpec, SegmentSpec

FastCheck = Callable[[list[Any]], bool]


def _reject(values: list[Any]) -> bool:
    """The check for lengths no valid segment has (too many elements, a mandatory one cut off)."""
    return False


def _scalar(
    spec: ElementSpec, x: str, typed: bool, env: dict[str, Any], out: list[str], pad: str
) -> None:
    """Lines rejecting a non-empty simple value ``x`` that might violate ``spec``.

    ``typed``: ``x`` may be a composite tuple or a repetition list, not only a ``str``.
    """
    lo, hi, t = spec.min, spec.max, spec.type
    if typed:
        out.append(f"{pad}if {x}.__class__ is not str: return False")
    if t in ("R", "n"):
        # "12.34": drop the one decimal mark and count digits; signs and exponents go to _num
        out.append(f"{pad}if not ({x}.isascii() and {x}.isdigit() and {lo} <= len({x}) <= {hi}):")
        out.append(f"{pad}    d = {x}.replace('.', '', 1)")
        out.append(f"{pad}    if not (d.isascii() and d.isdigit() and {lo} <= len(d) <= {hi}):")
        out.append(f"{pad}        k = _num({x})")
        out.append(f"{pad}        if k is None or not ({lo} <= k <= {hi}): return False")
        return
    if t[0] == "N":
        out.append(
            f"{pad}if not ({x}.isascii() and {x}.isdigit()) or not ({lo} <= len({x}) <= {hi}):"
            " return False"
        )
        return
    out.append(f"{pad}if not ({lo} <= len({x}) <= {hi}): return False")
    if t == "DT":
        out.append(f"{pad}if not _date({x}): return False")
    elif t == "TM":
        out.append(f"{pad}if not _time({x}): return False")
    elif t == "a":
        out.append(f"{pad}if not {x}.isalpha(): return False")
    if spec.codes is not None:
        name = f"codes{len(env)}"
        env[name] = spec.codes
        out.append(f"{pad}if {x} not in {name}: return False")


def _composite(spec: ElementSpec, x: str, env: dict[str, Any], out: list[str]) -> None:
    """Lines rejecting a non-empty composite value ``x`` (a tuple, or a lone first component)."""
    comps = spec.components
    out.append(f"        if {x}.__class__ is str:")
    out.append(f"            parts = ({x},)")
    out.append(f"        elif {x}.__class__ is tuple:")
    out.append(f"            parts = {x}")
    out.append("        else: return False")
    out.append(f"        if len(parts) > {len(comps)}: return False")
    out.append("        m = len(parts)")
    for j, comp in enumerate(comps):
        if comp.mandatory:
            out.append(f"        if m <= {j} or not parts[{j}]: return False")
        out.append(f"        if m > {j} and parts[{j}]:")
        out.append(f"            c = parts[{j}]")
        _scalar(comp, "c", True, env, out, "            ")


def _element(spec: ElementSpec, x: str, typed: bool, env: dict[str, Any], out: list[str]) -> None:
    if spec.mandatory:
        out.append(f"    if not {x}: return False")
    out.append(f"    if {x}:")
    if spec.components:
        _composite(spec, x, env, out)
    else:
        _scalar(spec, x, typed, env, out, "        ")


def _broken(kind: str, flags: list[str | None]) -> str | None:
    """When X12 syntax rule ``kind`` is broken, as a condition on the present-flags of its
    positions (``None`` for a position past the end of the segment: certainly absent).

    Returns None when the rule cannot be broken by a segment of this length.
    """
    have = [f for f in flags if f is not None]
    first = flags[0]
    if kind == "P":  # paired: all or none
        if not have:
            return None
        if len(have) < len(flags):
            return " or ".join(have)
        return f"({' or '.join(have)}) and not ({' and '.join(have)})"
    if kind == "R":  # required: at least one
        return f"not ({' or '.join(have)})" if have else "True"
    if first is None:  # C and L only apply when the first is present
        return None
    others = have[1:]
    if kind == "C":  # conditional: if the first, then all the others
        if len(have) < len(flags):
            return first
        return f"{first} and not ({' and '.join(others)})"
    if kind == "L":  # list conditional: if the first, then at least one other
        return f"{first} and not ({' or '.join(others)})" if others else first
    # E, exclusion: at most one
    pairs = [f"({a} and {b})" for a, b in combinations(have, 2)]
    return " or ".join(pairs) if pairs else None


def _rule(rule: str, count: int, typed: Callable[[int], bool]) -> list[str]:
    """Lines rejecting a segment of ``count`` elements that breaks rule ``rule`` ("P0607")."""
    positions = [int(rule[i : i + 2]) for i in range(1, len(rule), 2)]
    flags = [
        None if p > count else (f"(v{p - 1} != '')" if typed(p) else f"v{p - 1}") for p in positions
    ]
    broken = _broken(rule[0], flags)
    return [] if broken is None else [f"    if {broken}: return False"]


def compile_check(
    spec: SegmentSpec,
    helpers: dict[str, Any],
    count: int,
    structured: frozenset[int] | None = None,
) -> FastCheck:
    """Build the fast-path function for segments of ``spec`` with exactly ``count`` elements.

    ``helpers``: _num, _date, _time. ``structured``: the positions (1-based) where the
    tokenizer may produce a composite tuple or a repetition list; None when it may anywhere
    (EDIFACT splits wherever a separator occurs). Elsewhere the value is certainly a ``str``
    (X12 splits only the positions its dictionary declares), so its type is not tested.
    """
    elements = spec.elements
    if count > len(elements) or any(e.mandatory for e in elements[count:]):
        return _reject

    def typed(position: int) -> bool:
        return structured is None or position in structured

    env: dict[str, Any] = dict(helpers)
    names = [f"v{i}" for i in range(count)]
    out = ["def check(values):"]
    if names:
        out.append(f"    {', '.join(names)}, = values")
    for position, name in enumerate(names, 1):
        _element(elements[position - 1], name, typed(position), env, out)
    for rule in spec.rules:
        out += _rule(rule, count, typed)
    out.append("    return True")
    source = "\n".join(out)
    exec(compile(source, f"<edi fast check {spec.tag}/{count}>", "exec"), env)  # noqa: S102
    return env["check"]
