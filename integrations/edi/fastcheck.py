"""Generated fast-path checks: one plain Python function per segment definition.

Validating element by element through generic code costs more than reading the file. For
each `SegmentSpec` we therefore generate (once, from our own schema tables) a function that
answers only "is this segment certainly valid?" with straight-line code. When it says no,
the detailed validator runs and explains why; so the fast path may be conservative (a
false "no" only costs time) but never accepts an invalid segment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .schema.core import ElementSpec, SegmentSpec

FastCheck = Callable[[list[Any]], bool]


def _scalar(spec: ElementSpec, x: str, env: dict[str, Any], out: list[str], pad: str) -> None:
    """Lines rejecting a non-empty simple value ``x`` that might violate ``spec``."""
    lo, hi, t = spec.min, spec.max, spec.type
    out.append(f"{pad}if {x}.__class__ is not str: return False")
    if t in ("R", "n"):
        out.append(f"{pad}if not ({x}.isdigit() and {lo} <= len({x}) <= {hi}):")
        out.append(f"{pad}    k = _num({x})")
        out.append(f"{pad}    if k is None or not ({lo} <= k <= {hi}): return False")
        return
    if t[0] == "N":
        out.append(f"{pad}if not {x}.isdigit() or not ({lo} <= len({x}) <= {hi}): return False")
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


def _element(spec: ElementSpec, i: int, env: dict[str, Any], out: list[str]) -> None:
    out.append(f"    if n > {i}:")
    out.append(f"        v = values[{i}]")
    out.append("        if v:")
    if not spec.components:
        _scalar(spec, "v", env, out, "            ")
        return
    comps = spec.components
    out.append("            if v.__class__ is str:")
    out.append("                v = (v,)")
    out.append("            elif v.__class__ is not tuple: return False")
    out.append(f"            if len(v) > {len(comps)}: return False")
    out.append("            m = len(v)")
    for j, comp in enumerate(comps):
        if comp.mandatory:
            out.append(f"            if m <= {j} or not v[{j}]: return False")
        out.append(f"            if m > {j} and v[{j}]:")
        out.append(f"                c = v[{j}]")
        _scalar(comp, "c", env, out, "                ")
    if spec.mandatory:
        return
    # an optional composite that is present still needs its mandatory components (done above)


def _rule(rule: str) -> list[str]:
    """Lines rejecting a segment that breaks X12 syntax rule ``rule`` (e.g. "P0607")."""
    kind = rule[0]
    positions = [int(rule[i : i + 2]) for i in range(1, len(rule), 2)]
    flags = [f"b{p}" for p in positions]
    any_, all_ = " or ".join(flags), " and ".join(flags)
    first, others = flags[0], flags[1:]
    if kind == "P":
        broken = f"({any_}) and not ({all_})"
    elif kind == "R":
        broken = f"not ({any_})"
    elif kind == "C":
        broken = f"{first} and not ({' and '.join(others)})"
    elif kind == "L":
        broken = f"{first} and not ({' or '.join(others)})"
    else:  # E
        broken = f"({' + '.join(flags)}) > 1"
    lines = [f"        b{p} = n > {p - 1} and values[{p - 1}] != ''" for p in positions]
    lines.append(f"        if {broken}: return False")
    if kind == "R":  # all absent also breaks it, so it cannot be skipped for short segments
        return ["    if True:", *lines]
    return [f"    if n >= {min(positions)}:", *lines]


def compile_check(spec: SegmentSpec, helpers: dict[str, Any]) -> FastCheck:
    """Build the fast-path function for ``spec`` (``helpers``: _num, _date, _time)."""
    env: dict[str, Any] = dict(helpers)
    out = [
        "def check(values):",
        "    n = len(values)",
        f"    if n > {len(spec.elements)}: return False",
    ]
    for i, element in enumerate(spec.elements):
        if element.mandatory:
            out.append(f"    if n <= {i} or not values[{i}]: return False")
    for i, element in enumerate(spec.elements):
        _element(element, i, env, out)
    for rule in spec.rules:
        out += _rule(rule)
    out.append("    return True")
    source = "\n".join(out)
    exec(compile(source, f"<edi fast check {spec.tag}>", "exec"), env)  # noqa: S102 - our schema
    return env["check"]
