"""The envelope state machine (one for both standards) and the public reading entry points.

`EdiReader` pulls segments from `SegmentReader`, tracks interchange → group → transaction,
checks control numbers and counts, runs the schema validator on each transaction set and
yields every completed transaction with its envelope, so a portal can ingest a file of any
size one transaction at a time.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Union

from .codes import code
from .delimiters import EDIFACT, X12
from .edifact.envelope import EdifactSyntax
from .errors import EdiError, ErrorSink, Level, Severity
from .model import FunctionalGroup, Interchange, ParseResult, Segment, Status, Transaction
from .options import ReaderOptions
from .reader import SegmentReader
from .schema.core import SchemaRegistry
from .schema.registry import BUILTIN
from .syntax import Syntax
from .validate import TransactionValidator
from .x12.envelope import X12Syntax

Source = Union[bytes, str, os.PathLike, BinaryIO]  # noqa: UP007 - readable alias
SYNTAXES: dict[str, Syntax] = {X12: X12Syntax(), EDIFACT: EdifactSyntax()}


@dataclass(frozen=True, slots=True)
class Received:
    """One completed transaction set with the envelope it arrived in."""

    interchange: Interchange
    group: FunctionalGroup
    transaction: Transaction


class _Open:
    """Open ``source`` as a binary stream (closing it afterwards only if we opened it)."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.owned: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        if isinstance(self.source, bytes):
            return io.BytesIO(self.source)
        if isinstance(self.source, str | os.PathLike):
            self.owned = open(self.source, "rb")
            return self.owned
        return self.source

    def __exit__(self, *exc: object) -> None:
        if self.owned is not None:
            self.owned.close()


class EdiReader:
    """Pull reader over every interchange in a file.

    Iterate to receive `Received` items as transactions complete. ``keep_segments=False``
    keeps only transaction summaries in the tree (constant memory for huge files).
    After iteration, `result` holds the interchanges and all errors.
    """

    def __init__(
        self, stream: BinaryIO, options: ReaderOptions | None = None, *, keep_segments: bool = True
    ) -> None:
        self.options = options or ReaderOptions()
        self.registry: SchemaRegistry = self.options.schemas or BUILTIN
        self.keep = keep_segments
        self.sink = ErrorSink(limit=self.options.max_errors)
        self.stream = stream
        self.result = ParseResult(errors=self.sink.errors)
        self._interchange: Interchange | None = None
        self._group: FunctionalGroup | None = None
        self._tx: Transaction | None = None
        self._validator: TransactionValidator | None = None
        self._syntax: Syntax | None = None
        self._seen_tx: set[str] = set()
        self._seen_interchanges: set[tuple[str, str, str]] = set()
        self._last: Segment | None = None

    # -- helpers -----------------------------------------------------------------------
    def _error(
        self,
        level: Level,
        meaning: str,
        message: str,
        seg: Segment | None,
        severity: Severity = Severity.ERROR,
        **where: object,
    ) -> EdiError:
        standard = self._syntax.standard if self._syntax else ""
        tag = where.pop("segment_tag", seg.tag if seg else None)
        error = EdiError(
            level,
            code(meaning, standard),
            message,
            severity,
            standard=standard,
            line=seg.line if seg else None,
            segment_index=seg.index if seg else None,
            segment_tag=tag,
            **where,  # type: ignore[arg-type]
        )
        error = self.sink.add(error)
        target = {Level.INTERCHANGE: self._interchange, Level.GROUP: self._group}.get(level)
        if target is not None and level < Level.TRANSACTION:
            target.errors.append(error)
        return error

    def _context(self) -> None:
        ctx: dict[str, object] = {}
        if self._syntax:
            ctx["standard"] = self._syntax.standard
        if self._interchange:
            ctx["interchange"] = self._interchange.control_number
        if self._group and not self._group.implicit:
            ctx["group"] = self._group.control_number
        if self._tx:
            ctx["transaction"] = self._tx.control_number
            ctx["transaction_type"] = self._tx.type
        self.sink.context = ctx

    # -- the state machine -------------------------------------------------------------
    def __iter__(self) -> Iterator[Received]:
        reader = SegmentReader(self.stream, self.options, self.sink)
        standard: str | None = None
        syntax: Syntax = SYNTAXES[X12]
        service: frozenset[str] = frozenset()
        tx: Transaction | None = None
        keep: Callable[[Segment], None] | None = None  # the open transaction's segments.append
        check: Callable[[Segment], None] | None = None  # its validator's feed
        for seg in reader:
            if keep is not None and seg.tag not in service:  # the hot path: a body segment
                keep(seg)
                if check is not None:
                    check(seg)
                continue
            self._last = seg
            if tx is not None:  # counted lazily: segments so far, before service segments
                tx.segment_count = len(tx.segments)
            if reader.standard != standard:
                standard = reader.standard
                syntax = self._syntax = SYNTAXES[standard or X12]
                reader.composites, reader.repeats = syntax.composites, syntax.repeats
                levels = (syntax.interchange, syntax.group, syntax.message)
                service = frozenset(t for level in levels for t in (level.header, level.trailer))
            done = self._feed(seg, syntax, reader)
            tx = self._tx
            keep = tx.segments.append if tx is not None else None
            check = self._validator.feed if self._validator is not None else None
            if done is not None:
                yield done
        if tx is not None:
            tx.segment_count = len(tx.segments)
            self._last = tx.segments[-1]
        yield from self._close_all(eof=True)

    def _feed(self, seg: Segment, syntax: Syntax, reader: SegmentReader) -> Received | None:
        tag = seg.tag
        ic, grp, msg = syntax.interchange, syntax.group, syntax.message
        if tag == ic.header:
            list(self._close_all(eof=False))
            self._start_interchange(seg, syntax, reader)
        elif tag == grp.header:
            return self._start_group(seg, syntax)
        elif tag == msg.header:
            return self._start_transaction(seg, syntax)
        elif tag == msg.trailer:
            return self._end_transaction(seg, syntax)
        elif tag == grp.trailer:
            done = self._end_transaction(None, syntax) if self._tx else None
            self._end_group(seg, syntax)
            return done
        elif tag == ic.trailer:
            done = self._end_transaction(None, syntax) if self._tx else None
            if self._group is not None and not self._group.implicit:
                self._error(
                    Level.GROUP,
                    "group_trailer_missing",
                    f"Functional group {self._group.control_number} has no {grp.trailer} trailer",
                    seg,
                )
            self._group = None
            self._end_interchange(seg, syntax)
            return done
        elif tag == "TA1" and self._interchange is not None and self._group is None:
            self._interchange.ta1.append(seg)
        else:
            where = (
                "outside any interchange"
                if self._interchange is None
                else (
                    "outside any transaction set"
                    if syntax.standard == X12
                    else "outside any message"
                )
            )
            self._error(
                Level.INTERCHANGE,
                "interchange_content",
                f"Segment {tag} at line {seg.line} is {where}",
                seg,
            )
        return None

    def _start_interchange(self, seg: Segment, syntax: Syntax, reader: SegmentReader) -> None:
        assert reader.delimiters is not None
        interchange, errors = syntax.read_interchange(seg, reader.delimiters, self.options)
        self._interchange, self._group, self._tx = interchange, None, None
        self._seen_tx = set()
        self.result.interchanges.append(interchange)
        self._context()
        for error in errors:
            interchange.errors.append(self.sink.add(error))
        key = (interchange.sender, interchange.receiver, interchange.control_number)
        if key in self._seen_interchanges:
            self._error(
                Level.INTERCHANGE,
                "interchange_duplicate",
                f"Interchange control number {interchange.control_number} from "
                f"{interchange.sender} was already used earlier in this file",
                seg,
                Severity.WARNING,
            )
        self._seen_interchanges.add(key)

    def _start_group(self, seg: Segment, syntax: Syntax) -> Received | None:
        done = self._end_transaction(None, syntax) if self._tx else None
        if self._interchange is None:
            self._error(
                Level.INTERCHANGE,
                "interchange_content",
                f"Segment {seg.tag} is outside any interchange",
                seg,
            )
            return done
        if self._group is not None and not self._group.implicit:
            self._error(
                Level.GROUP,
                "group_trailer_missing",
                f"Functional group {self._group.control_number} has no "
                f"{syntax.group.trailer} trailer",
                seg,
            )
        elif any(g.implicit for g in self._interchange.groups):
            self._error(
                Level.INTERCHANGE,
                "groups_and_messages_mixed",
                "Functional groups and ungrouped messages are mixed in one interchange",
                seg,
            )
        group, errors = syntax.read_group(seg)
        self._group = group
        self._interchange.groups.append(group)
        if syntax.standard == X12:
            self._seen_tx = set()  # ST02 is unique within a group, UNH 0062 in an interchange
        self._context()
        for error in errors:
            group.errors.append(self.sink.add(error))
        return done

    def _start_transaction(self, seg: Segment, syntax: Syntax) -> Received | None:
        done = self._end_transaction(None, syntax) if self._tx else None
        if self._interchange is None:
            self._error(
                Level.INTERCHANGE,
                "interchange_content",
                f"Segment {seg.tag} is outside any interchange",
                seg,
            )
            return done
        if self._group is None:
            if syntax.standard == X12:
                self._error(
                    Level.INTERCHANGE,
                    "interchange_content",
                    "Transaction set header ST is outside a functional group (GS)",
                    seg,
                )
            elif any(not g.implicit for g in self._interchange.groups):
                self._error(
                    Level.INTERCHANGE,
                    "groups_and_messages_mixed",
                    "Functional groups and ungrouped messages are mixed in one interchange",
                    seg,
                )
            self._group = syntax.implicit_group(self._interchange, seg.get(2, 1))
            self._interchange.groups.append(self._group)
        tx = syntax.read_transaction(seg, self._group)
        tx.segments.append(seg)
        tx.segment_count = 1
        self._tx = tx
        self.sink.transaction_errors = tx.errors
        self._group.received += 1
        self._context()
        schema = self.registry.get(syntax.standard, tx.type, tx.version)
        tx.supported = schema is not None
        self._validator = None
        if self.options.validate:
            self._validator = TransactionValidator(
                schema, syntax.standard, self.sink, syntax.dictionary, syntax.structured
            )
            self._validator.feed(seg)
            if schema is None:
                self._validator = None
        if not tx.control_number:
            self._error(
                Level.TRANSACTION,
                "transaction_invalid_control_number",
                f"{seg.tag} at line {seg.line} has no control number",
                seg,
                segment_position=1,
            )
        elif tx.control_number in self._seen_tx:
            self._error(
                Level.TRANSACTION,
                "transaction_not_unique",
                f"Control number {tx.control_number} is used by more than one "
                + (
                    "transaction set in this group"
                    if syntax.standard == X12
                    else "message in this interchange"
                ),
                seg,
                Severity.WARNING if self.options.allow_duplicate_references else Severity.ERROR,
                segment_position=1,
            )
        self._seen_tx.add(tx.control_number)
        return done

    def _end_transaction(self, seg: Segment | None, syntax: Syntax) -> Received | None:
        tx, group, interchange = self._tx, self._group, self._interchange
        if tx is None or group is None or interchange is None:
            if seg is not None:
                self._error(
                    Level.INTERCHANGE,
                    "interchange_content",
                    f"Trailer {seg.tag} at line {seg.line} has no matching {syntax.message.header}",
                    seg,
                )
            return None
        msg = syntax.message
        if seg is None:
            at = self._last
            self._error(
                Level.TRANSACTION,
                "transaction_trailer_missing",
                f"{'Transaction set' if syntax.standard == X12 else 'Message'} "
                f"{tx.type} {tx.control_number} has no {msg.trailer} trailer "
                "(the file may be truncated)",
                at,
                segment_tag=msg.trailer,
                segment_position=tx.segment_count + 1,
            )
        else:
            tx.segment_count += 1
            tx.segments.append(seg)
            if self._validator is not None:
                self._validator.feed(seg)
            count, control = seg.get(msg.count_pos), seg.get(msg.control_pos)
            if control != tx.control_number:
                self._error(
                    Level.TRANSACTION,
                    "transaction_control_mismatch",
                    f"Segment {seg.tag} at position {tx.segment_count}: control number "
                    f"{control!r} does not match {msg.header} control number "
                    f"{tx.control_number!r}",
                    seg,
                    element=msg.control_pos,
                    segment_position=tx.segment_count,
                    value=control,
                )
            if count != str(tx.segment_count):
                self._error(
                    Level.TRANSACTION,
                    "transaction_count",
                    f"Segment {seg.tag} at position {tx.segment_count}: segment count "
                    f"{count!r} does not match the {tx.segment_count} segments in "
                    f"{tx.type} {tx.control_number}",
                    seg,
                    element=msg.count_pos,
                    segment_position=tx.segment_count,
                    value=count,
                )
        if self._validator is not None:
            self._validator.finish(seg or self._last, "" if seg else msg.trailer)
            self._validator = None
        self._tx = None
        self.sink.transaction_errors = None
        _settle_transaction(tx)
        if tx.status is not Status.REJECTED:
            group.accepted += 1
        group.transactions.append(tx if self.keep else _summary(tx))
        self._context()
        return Received(interchange, group, tx)

    def _end_group(self, seg: Segment, syntax: Syntax) -> None:
        group = self._group
        if group is None or group.implicit:
            self._error(
                Level.INTERCHANGE,
                "interchange_content",
                f"Trailer {seg.tag} at line {seg.line} has no matching {syntax.group.header}",
                seg,
            )
            return
        group.trailer = seg
        count, control = seg.get(1), seg.get(2)
        if control != group.control_number:
            self._error(
                Level.GROUP,
                "group_control_mismatch",
                f"Segment {seg.tag}: group control number {control!r} does not match "
                f"{syntax.group.header} control number {group.control_number!r}",
                seg,
                element=2,
                value=control,
            )
        if count != str(group.received):
            self._error(
                Level.GROUP,
                "group_count",
                f"Segment {seg.tag}: says {count!r} transaction(s) but the group has "
                f"{group.received}",
                seg,
                element=1,
                value=count,
            )
        _settle_group(group)
        self._group = None
        self._context()

    def _end_interchange(self, seg: Segment, syntax: Syntax) -> None:
        interchange = self._interchange
        if interchange is None:
            self._error(
                Level.INTERCHANGE,
                "interchange_content",
                f"Trailer {seg.tag} at line {seg.line} has no matching {syntax.interchange.header}",
                seg,
            )
            return
        for group in interchange.groups:
            if group.implicit:
                _settle_group(group)
        interchange.trailer = seg
        count, control = seg.get(1), seg.get(2)
        if control != interchange.control_number:
            self._error(
                Level.INTERCHANGE,
                "interchange_control_mismatch",
                f"Segment {seg.tag}: interchange control number {control!r} does not "
                f"match {syntax.interchange.header} control number "
                f"{interchange.control_number!r}",
                seg,
                element=2,
                value=control,
            )
        explicit = [g for g in interchange.groups if not g.implicit]
        expected = len(explicit) if explicit else sum(g.received for g in interchange.groups)
        what = "functional group(s)" if explicit or syntax.standard == X12 else "message(s)"
        if count != str(expected):
            self._error(
                Level.INTERCHANGE,
                "interchange_count",
                f"Segment {seg.tag}: says {count!r} {what} but the interchange has {expected}",
                seg,
                element=1,
                value=count,
            )
        _settle_interchange(interchange)
        self._interchange = None
        self._context()

    def _close_all(self, eof: bool) -> Iterator[Received]:
        syntax = self._syntax
        if syntax is None:
            return
        if self._tx is not None:
            done = self._end_transaction(None, syntax)
            if done is not None:
                yield done
        if self._group is not None and not self._group.implicit:
            self._error(
                Level.GROUP,
                "group_trailer_missing",
                f"Functional group {self._group.control_number} has no "
                f"{syntax.group.trailer} trailer",
                self._last,
                segment_tag=syntax.group.trailer,
            )
            _settle_group(self._group)
        self._group = None
        if self._interchange is not None:
            for group in self._interchange.groups:
                if group.implicit:
                    _settle_group(group)
            self._error(
                Level.INTERCHANGE,
                "interchange_trailer_missing",
                f"Interchange {self._interchange.control_number} has no "
                f"{syntax.interchange.trailer} trailer"
                + (" (the file ends before it)" if eof else ""),
                self._last,
                segment_tag=syntax.interchange.trailer,
            )
            _settle_interchange(self._interchange)
            self._interchange = None
        self._context()


def _summary(tx: Transaction) -> Transaction:
    return Transaction(
        tx.type,
        tx.control_number,
        tx.version,
        [],
        tx.implementation_reference,
        tx.errors,
        tx.status,
        tx.segment_count,
        tx.supported,
    )


def _settle_transaction(tx: Transaction) -> None:
    if any(e.is_error for e in tx.errors):
        tx.status = Status.REJECTED
    elif tx.errors:
        tx.status = Status.ACCEPTED_WITH_ERRORS


def _settle_group(group: FunctionalGroup) -> None:
    rejected = sum(t.status is Status.REJECTED for t in group.transactions)
    if any(e.is_error for e in group.errors) or (rejected and rejected == group.received):
        group.status = Status.REJECTED
    elif rejected:
        group.status = Status.PARTIALLY_ACCEPTED
    elif group.errors or any(t.status is not Status.ACCEPTED for t in group.transactions):
        group.status = Status.ACCEPTED_WITH_ERRORS


def _settle_interchange(interchange: Interchange) -> None:
    if any(e.is_error for e in interchange.errors):
        interchange.status = Status.REJECTED
    elif interchange.errors:
        interchange.status = Status.ACCEPTED_WITH_ERRORS


# -- entry points ----------------------------------------------------------------------
def parse(source: Source, options: ReaderOptions | None = None) -> ParseResult:
    """Read a whole file into the tree (for files that fit in memory). Never raises on bad EDI."""
    with _Open(source) as stream:
        reader = EdiReader(stream, options)
        for _ in reader:
            pass
    return reader.result


def iter_transactions(
    source: Source, options: ReaderOptions | None = None, result: ParseResult | None = None
) -> Iterator[Received]:
    """Stream completed transactions; the tree keeps only summaries (constant memory).

    Pass an empty ``result`` to receive the interchanges (for acknowledgments) and all errors.
    """
    with _Open(source) as stream:
        reader = EdiReader(stream, options, keep_segments=False)
        if result is not None:
            reader.result = result
            result.errors = reader.sink.errors
        yield from reader
