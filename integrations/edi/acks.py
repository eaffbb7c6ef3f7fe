"""Acknowledgments built from validation results: TA1, 997, 999 (X12) and CONTRL (EDIFACT).

Every rejected transaction is explained down to segment and element (AK3/AK4, IK3/IK4 with
CTX, UCS/UCD), never just accepted/rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .delimiters import EDIFACT, Delimiters
from .errors import EdiError, Level
from .model import FunctionalGroup, Interchange, ParseResult, Segment, Status, Transaction
from .writer import Envelope, build_interchange, trim

_EDIFACT_ACTION = {
    Status.ACCEPTED: "7",
    Status.ACCEPTED_WITH_ERRORS: "7",
    Status.PARTIALLY_ACCEPTED: "7",
    Status.REJECTED: "4",
}


# AK502 / IK502 1: transaction set not supported; CONTRL 0085 17: no agreement allows it
_NOT_SUPPORTED = {"X12": "1", EDIFACT: "17"}


def _ack_status(tx: Transaction) -> Status:
    """A set we have no table for is acknowledged as rejected ("not supported"), not accepted."""
    return tx.status if tx.supported else Status.REJECTED


def _group_status(group: FunctionalGroup) -> Status:
    statuses = [_ack_status(t) for t in group.transactions]
    if group.status is Status.REJECTED or not statuses:
        return group.status
    rejected = statuses.count(Status.REJECTED)
    if rejected == len(statuses):
        return Status.REJECTED
    return Status.PARTIALLY_ACCEPTED if rejected else group.status


def _seg(tag: str, *elements: object) -> Segment:
    return Segment(tag, trim([e if isinstance(e, tuple | list) else str(e) for e in elements]))


def _clean(value: str | None, d: Delimiters | None) -> str:
    """A copy of a bad value that is safe to write with ``d`` (AK404 / IK404)."""
    text = (value or "")[:99]
    if d is not None:
        text = "".join(c for c in text if c not in d.service_chars())
    return text.strip()


def _coded(errors: Iterable[EdiError], level: Level) -> list[EdiError]:
    return [e for e in errors if e.level is level and e.is_error and e.code]


def _by_segment(errors: list[EdiError]) -> list[tuple[EdiError, list[EdiError], str]]:
    """Group segment/element errors per segment: (first error, element errors, AK304 code)."""
    groups: dict[tuple[int | None, str | None], list[EdiError]] = {}
    for e in errors:
        if e.level in (Level.SEGMENT, Level.ELEMENT) and e.is_error and e.code:
            groups.setdefault((e.segment_position, e.segment_tag), []).append(e)
    out = []
    for items in groups.values():
        segment_errors = [e for e in items if e.level is Level.SEGMENT]
        elements = [e for e in items if e.level is Level.ELEMENT]
        code = segment_errors[0].code if segment_errors else ""
        out.append((segment_errors[0] if segment_errors else items[0], elements, code))
    return out


def _tx_codes(tx: Transaction, segment_level: bool) -> list[str]:
    codes = [] if tx.supported else [_NOT_SUPPORTED["X12"]]
    codes += [e.code for e in _coded(tx.errors, Level.TRANSACTION)]
    if segment_level and "5" not in codes:
        codes.append("5")
    return codes[:5]


# -- X12 ------------------------------------------------------------------------------
def functional_ack(
    group: FunctionalGroup, kind: str = "997", delimiters: Delimiters | None = None
) -> list[Segment]:
    """Body of a 997 or 999 acknowledging ``group`` (AK1 … AK9)."""
    v5 = group.version >= "005"
    segs = [_seg("AK1", group.functional_id, group.control_number, group.version if v5 else "")]
    for tx in group.transactions:
        segs.append(
            _seg("AK2", tx.type, tx.control_number, tx.implementation_reference if v5 else "")
        )
        details = _by_segment(tx.errors)
        for first, elements, code in details:
            segs.append(
                _seg(
                    "AK3" if kind == "997" else "IK3",
                    first.segment_tag or "",
                    first.segment_position or "",
                    "",
                    code or "8",
                )
            )
            if kind == "999" and first.trigger:
                segs.append(
                    _seg("CTX", ("SITUATIONAL TRIGGER",), first.trigger[0], first.trigger[1])
                )
            for e in elements:
                where = trim(
                    [
                        str(e.element or ""),
                        str(e.component or ""),
                        str(e.repetition or "") if v5 else "",
                    ]
                )
                segs.append(
                    _seg(
                        "AK4" if kind == "997" else "IK4",
                        tuple(where) if len(where) > 1 else where[0],
                        e.element_ref if e.element_ref and e.element_ref.isdigit() else "",
                        e.code,
                        _clean(e.value, delimiters),
                    )
                )
        tx_status = _ack_status(tx)
        status = tx_status.value if tx_status is not Status.PARTIALLY_ACCEPTED else "E"
        segs.append(
            _seg(
                "AK5" if kind == "997" else "IK5",
                status,
                *_tx_codes(tx, bool(details)) if status == "R" else (),
            )
        )
    accepted = sum(_ack_status(t) is not Status.REJECTED for t in group.transactions)
    included = group.trailer.get(1) if group.trailer is not None else str(group.received)
    segs.append(
        _seg(
            "AK9",
            _group_status(group).value,
            included if included.isdigit() else group.received,
            group.received,
            accepted,
            *[e.code for e in _coded(group.errors, Level.GROUP)][:5],
        )
    )
    return segs


def ta1(interchange: Interchange) -> Segment:
    """TA1 for ``interchange``: A, E (warnings noted) or R with the first TA1 note code."""
    coded = [e for e in interchange.errors if e.level is Level.INTERCHANGE and e.code]
    errors = [e for e in coded if e.is_error]
    status = "R" if errors else ("E" if coded else "A")
    note = (errors or coded)[0].code if coded else "000"
    return _seg("TA1", interchange.control_number, interchange.date, interchange.time, status, note)


# -- EDIFACT --------------------------------------------------------------------------
def _s011(e: EdiError) -> tuple[str, ...] | str:
    if e.element is None:
        return ""
    return (str(e.element), str(e.component)) if e.component else str(e.element)


def _message_response(tx: Transaction) -> list[Segment]:
    ident = (tx.type, tx.version[:1], tx.version[1:], "UN")
    errors = _coded(tx.errors, Level.TRANSACTION)
    first = errors[0] if errors else None
    if first is not None:
        reason: tuple = (first.code, first.segment_tag or "", _s011(first))
    elif not tx.supported:
        reason = (_NOT_SUPPORTED[EDIFACT], "UNH", "2")  # S009, the message identifier
    else:
        reason = ()
    segs = [_seg("UCM", tx.control_number, ident, _EDIFACT_ACTION[_ack_status(tx)], *reason)]
    for seg_error, elements, code in _by_segment(tx.errors):
        segs.append(_seg("UCS", seg_error.segment_position or "", code))
        for e in elements:
            segs.append(_seg("UCD", e.code, _s011(e)))
    return segs


def contrl(interchange: Interchange) -> list[Segment]:
    """Body of a CONTRL reporting on ``interchange`` (UCI, then UCF/UCM/UCS/UCD)."""
    errors = _coded(interchange.errors, Level.INTERCHANGE)
    first = errors[0] if errors else None
    segs = [
        _seg(
            "UCI",
            interchange.control_number,
            (interchange.sender, interchange.sender_qualifier),
            (interchange.receiver, interchange.receiver_qualifier),
            "4" if interchange.status is Status.REJECTED else "7",
            first.code if first else "",
            first.segment_tag or "" if first else "",
            _s011(first) if first else "",
        )
    ]
    for group in interchange.groups:
        if not group.implicit:
            gerr = _coded(group.errors, Level.GROUP)
            segs.append(
                _seg(
                    "UCF",
                    group.control_number,
                    (group.sender,),
                    (group.receiver,),
                    _EDIFACT_ACTION[_group_status(group)],
                    gerr[0].code if gerr else "",
                )
            )
        for tx in group.transactions:
            segs += _message_response(tx)
    return segs


# -- whole responses ------------------------------------------------------------------
def acknowledge(
    result: ParseResult, envelope: Envelope, kind: str = "997", always_ta1: bool = False
) -> list[Interchange]:
    """Response interchanges for every interchange in ``result``.

    ``envelope`` gives our identity, separators and the first control number (one response
    interchange per received interchange, numbered upwards). X12: a TA1 when the
    interchange has envelope problems, requested one (ISA14=1) or ``always_ta1``; then one
    ``kind`` ("997" or "999") per functional group. EDIFACT: one CONTRL.
    """
    responses = []
    for n, received in enumerate(result.interchanges):
        env = replace(
            envelope,
            standard=received.standard,
            control_number=envelope.control_number + n,
            receiver=received.sender,
            receiver_qualifier=received.sender_qualifier,
        )
        d = env.resolved_delimiters
        if received.standard == EDIFACT:
            env = replace(env, syntax_version=max(received.version.split(":")[-1], "3"))
            responses.append(build_interchange([("CONTRL", contrl(received))], env))
            continue
        bodies = [(kind, functional_ack(g, kind, d)) for g in received.groups if not g.implicit]
        if kind == "999":
            env = replace(env, version=env.version or "005010X231")
        response = build_interchange(bodies, env)
        if always_ta1 or received.acknowledgment_requested or received.errors:
            response.ta1.append(ta1(received))
        responses.append(response)
    return responses
