"""Streaming tokenizer: a binary stream in, `Segment`s out, in constant memory.

Bytes are read in chunks and decoded incrementally; each decoded chunk is cut with
``str.split`` on the segment terminator (the fast path), so no per-character Python loop runs
unless an EDIFACT release character actually occurs. Delimiters come from each interchange's
own envelope (ISA, UNA, or the UNB level A/B defaults), so several interchanges with different
separators can follow each other in one file.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import BinaryIO

from .delimiters import EDIFACT, EDIFACT_LEVEL_A, EDIFACT_LEVEL_B, X12, Delimiters
from .errors import EdiError, ErrorSink, Level, Severity
from .model import Segment, Value
from .options import ReaderOptions


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("edi-latin1", _latin1_fallback)

_START = re.compile(rb"ISA[^A-Za-z0-9\s]|UNA[^A-Za-z0-9\r\n]|UNB[^A-Za-z0-9\s]")
_MAX_JUNK = 1 << 20
_RESTART = frozenset(("ISA", "UNA", "UNB"))
_CRLF = "\r\n"
_WS = " \t\r\n\x0b\x0c\xa0"
# EDIFACT syntax identifiers whose character repertoire we check, and the encodings we decode
# them with. UNOA/UNOB/UNOC and X12 decode as UTF-8 with a Latin-1 fallback per invalid byte:
# real files labelled UNOC are often UTF-8, and an ASCII repertoire violation is still reported.
_ENCODINGS = {
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
}
_UNOA = "A-Z0-9 .,\\-()/='+:?!\"%&*;<>"
_UNOB = "\\x20-\\x7e"
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


def _error(
    code: str, message: str, severity: Severity = Severity.ERROR, **where: object
) -> EdiError:
    return EdiError(Level.INTERCHANGE, code, message, severity, **where)  # type: ignore[arg-type]


class SegmentReader:
    """Iterate over the segments of every interchange in ``stream``.

    ``standard``, ``delimiters`` and ``syntax_id`` describe the interchange the last yielded
    segment belongs to. Problems go to ``sink``; the reader never raises on bad input.
    ``composites``/``repeats`` name, per X12 segment tag, the element positions the dictionary
    declares composite/repeatable: only those are split, so a stray ``:`` or ``^`` in free
    text stays data. EDIFACT composites are always split (release characters escape data).
    """

    def __init__(
        self,
        stream: BinaryIO,
        options: ReaderOptions | None = None,
        sink: ErrorSink | None = None,
        composites: dict[str, frozenset[int]] | None = None,
        repeats: dict[str, frozenset[int]] | None = None,
    ) -> None:
        self.stream = stream
        self.options = options or ReaderOptions()
        self.sink = sink if sink is not None else ErrorSink(limit=self.options.max_errors)
        self.composites = composites or {}
        self.repeats = repeats or {}
        self.standard: str | None = None
        self.delimiters: Delimiters | None = None
        self.syntax_id = ""
        self.line = 1
        self.index = 0
        self.bytes_read = 0
        self._decoder: codecs.IncrementalDecoder | None = None
        self._eof = False
        self._bad_chars: re.Pattern[str] | None = None

    # -- input -------------------------------------------------------------------------
    def _read(self) -> bytes:
        chunk = self.stream.read(self.options.chunk_size)
        if not chunk:
            self._eof = True
            return b""
        self.bytes_read += len(chunk)
        return chunk

    def _more(self) -> str:
        """The next decoded chunk ("" at end of input)."""
        assert self._decoder is not None
        while not self._eof:
            text = self._decoder.decode(self._read(), final=self._eof)
            if text:
                return text
        return ""

    def _sniff(self) -> str | None:
        """Find the first envelope start in the raw bytes, choose the decoding, return text."""
        head = b""
        while True:
            head += self._read()
            match = _START.search(head)
            if match or self._eof or len(head) > _MAX_JUNK:
                break
        encoding = self.options.encoding
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) and not match:
            encoding = encoding or "utf-16"
            text = head.decode(encoding, errors="replace")
            start = re.search(r"ISA[^A-Za-z0-9\s]|UNA.|UNB[^A-Za-z0-9\s]", text)
            if start is None:
                return self._no_start()
            self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            return text[start.start() :]
        if match is None:
            return self._no_start()
        junk = head[: match.start()]
        if junk.startswith(b"\xef\xbb\xbf"):
            junk = junk[3:]
        if junk.strip():
            severity = Severity.WARNING if self.options.allow_leading_junk else Severity.ERROR
            self.sink.add(
                _error(
                    "022",
                    f"{len(junk)} bytes of unexpected data before the interchange header "
                    "were ignored",
                    severity,
                    line=1,
                )
            )
            if severity is Severity.ERROR:
                return None
        self.line = 1 + junk.count(b"\n")
        if encoding is None:
            encoding = "utf-8"
            if head[match.start() : match.start() + 3] != b"ISA":
                unb = head.find(b"UNB", match.start())
                syntax = head[unb + 4 : unb + 8].decode("latin-1") if unb >= 0 else ""
                encoding = _ENCODINGS.get(syntax, "utf-8")
        errors = "edi-latin1" if codecs.lookup(encoding).name == "utf-8" else "replace"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        return self._decoder.decode(head[match.start() :], final=self._eof)

    def _no_start(self) -> None:
        self.sink.add(_error("022", "no interchange header (ISA, UNA or UNB) found", line=1))
        return None

    # -- envelope detection ------------------------------------------------------------
    def _fill(self, buf: str, size: int) -> str:
        while len(buf) < size and not self._eof:
            buf += self._more()
        return buf

    def _start_x12(self, buf: str) -> tuple[Segment | None, int]:
        """Read the ISA at its fixed positions, or tolerantly when it is not fixed width."""
        fixed = _fixed_isa(buf)
        if fixed is None:
            return self._start_x12_tolerant(buf)
        fields, comp, term, end = fixed
        return self._isa(buf, buf[3], fields, comp, term, end)

    def _start_x12_tolerant(self, buf: str) -> tuple[Segment | None, int]:
        """Parse an ISA by its separators (unpadded, NBSP-padded, wrapped, empty ISA16)."""
        sep = buf[3]
        at, fields = 3, []
        for _ in range(15):  # ISA01…ISA15; ISA16 follows the 16th separator
            nxt = buf.find(sep, at + 1)
            if nxt < 0:
                self.sink.add(
                    _error(
                        "023",
                        "ISA segment is incomplete (fewer than 16 elements)",
                        line=self.line,
                        segment_tag="ISA",
                    )
                )
                return None, len(buf)
            fields.append(buf[at + 1 : nxt])
            at = nxt
        p = at + 1
        if p < len(buf) and buf[p] in _CRLF:  # a wrapped file may break the line here
            q = p
            while q < len(buf) and buf[q] in _CRLF:
                q += 1
            if q < len(buf) and not buf[q].isalnum():
                p = q
        comp, term, end = (buf[p : p + 1], buf[p + 1 : p + 2], p + 2)
        if comp in _CRLF or comp.isalnum() or comp == "":
            comp, term, end = "", ("\n" if comp in _CRLF else comp), p + 1
        elif term.isalnum() or term == "":
            comp, term, end = "", comp, p + 1
        elif term in _CRLF:
            q = p + 1
            while q < len(buf) and buf[q] in _CRLF:
                q += 1
            nl = buf.find("\n", q)
            next_line = buf[q : nl if nl >= 0 else len(buf)].rstrip("\r")
            if q < len(buf) and not buf[q].isalnum() and buf[q] not in _WS:
                term, end = buf[q], q + 1  # wrapped between ISA16 and the terminator
            elif next_line.endswith(comp):
                comp, term, end = "", comp, p + 1  # ISA16 empty: "*T*~" then "GS…~"
            else:
                term = buf[p + 1]  # the newline itself terminates; indentation is layout
        if not comp:
            severity = (
                Severity.WARNING
                if self.options.allow_missing_component_separator
                else Severity.ERROR
            )
            self.sink.add(
                _error(
                    "027",
                    "ISA16 (component element separator) is empty",
                    severity,
                    line=self.line,
                    segment_tag="ISA",
                    element=16,
                )
            )
        fields.append(comp)
        fields = [f.replace("\r", "").replace("\n", "") for f in fields]
        return self._isa(buf, sep, fields, comp, term, end)

    def _isa(
        self, buf: str, sep: str, fields: list[str], comp: str, term: str, end: int
    ) -> tuple[Segment, int]:
        """Check the ISA's separators, set the interchange's delimiters, return the ISA."""
        version = fields[11].strip(" \xa0")
        rep = fields[10]
        repetition = rep if version >= "00402" and len(rep) == 1 and not rep.isalnum() else None
        chars = [c for c in (sep, comp, term, repetition) if c]
        if len(set(chars)) != len(chars) or sep in " \t\r\n":
            self.sink.add(
                _error(
                    "026",
                    f"ISA separators are not distinct: element {sep!r}, component "
                    f"{comp!r}, repetition {repetition!r}, terminator {term!r}",
                    line=self.line,
                    segment_tag="ISA",
                )
            )
        self.standard = X12
        self.delimiters = Delimiters(sep, comp or None, term, repetition)
        self.syntax_id = version
        self.index += 1
        isa = Segment("ISA", fields, self.line, self.index)
        self.line += buf.count("\n", 0, end)
        return isa, end

    def _start_edifact(self, buf: str) -> int:
        """Consume an UNA (if present) and set the delimiters; return characters consumed."""
        if buf.startswith("UNA"):
            una = buf[3:9]
            if len(una) < 6:
                self.sink.add(
                    _error(
                        "13",
                        "UNA service string advice is incomplete",
                        line=self.line,
                        segment_tag="UNA",
                        standard=EDIFACT,
                    )
                )
                self.delimiters = EDIFACT_LEVEL_A
                return len(buf)
            comp, elem, dec, rel, rep, term = una
            self.delimiters = Delimiters(
                elem,
                comp,
                term,
                None if rep == " " else rep,
                None if rel == " " else rel,
                dec if dec in ".," else ".",
            )
            return 9
        self.delimiters = EDIFACT_LEVEL_B if buf[3:4] == "\x1d" else EDIFACT_LEVEL_A
        return 0

    # -- tokenizing --------------------------------------------------------------------
    def __iter__(self) -> Iterator[Segment]:
        buf = self._sniff()
        if buf is None:
            return
        opts = self.options
        while True:
            buf = self._fill(buf.lstrip(_WS), 2048)
            if not buf:
                return
            if buf.startswith("ISA") and len(buf) > 3:
                isa, used = self._start_x12(self._fill(buf, 4096))
                buf = self._fill(buf, 4096)[used:]
                if isa is None:
                    return
                yield isa
            elif buf.startswith(("UNA", "UNB")):
                self.standard = EDIFACT
                buf = buf[self._start_edifact(buf) :]
            else:
                self.sink.add(
                    _error(
                        "022",
                        "data after the end of the interchange is not an interchange",
                        line=self.line,
                    )
                )
                return
            buf = yield from self._split(buf, opts)
            if buf is None:
                return

    def _split(self, buf: str, opts: ReaderOptions) -> Iterator[Segment]:
        """Yield segments until EOF (returns None) or a new envelope start (returns the rest)."""
        d = self.delimiters
        assert d is not None
        term, elem, comp, rep, rel = d.segment, d.element, d.component, d.repetition, d.release
        edifact = self.standard == EDIFACT
        restart = _RESTART  # a new envelope that may change the delimiters
        entry = self.index  # an EDIFACT split starts at its own UNB
        composites, repeats = self.composites, self.repeats
        term_is_newline = term == "\n"
        strip_newlines = opts.strip_newlines and not term_is_newline
        allow_indent = opts.allow_indentation
        sink = self.sink
        line, index = self.line, self.index
        eof = False
        while True:
            parts = buf.split(term)
            if rel and rel in buf:
                parts = _join_released(parts, rel, term)
            if eof:
                buf = tail = ""
                if parts and not parts[-1].strip(_WS):
                    tail = term + parts.pop()  # layout after the last terminator
                open_last = len(parts) - 1 if not tail else -1
            else:
                buf = parts.pop()
                tail, open_last = term + buf, -1
            bad = self._bad_chars
            for i, raw in enumerate(parts):
                newlines = raw.count("\n")
                if newlines == 1 and raw[0] == "\n" and raw[1:2] not in _WS:
                    text, skipped = raw[1:], 1  # the usual "terminator + newline" layout
                elif raw[:1] in _WS:
                    text = raw.lstrip(_WS)
                    lead = raw[: len(raw) - len(text)]
                    skipped = lead.count("\n")
                    if not text:
                        line += skipped + term_is_newline
                        continue
                    if not allow_indent and lead.lstrip(_CRLF):
                        sink.add(
                            EdiError(
                                Level.SEGMENT,
                                "",
                                "segment is indented",
                                line=line + skipped,
                                segment_index=index + 1,
                            )
                        )
                else:
                    text, skipped = raw, 0
                seg_line = line + skipped
                if text[:3] in restart and (index != entry or text[:3] != "UNB"):
                    self.line, self.index = seg_line, index
                    return term.join([text, *parts[i + 1 :]]) + tail
                if i == open_last:
                    sink.add(
                        EdiError(
                            Level.SEGMENT,
                            "",
                            "the last segment has no segment terminator "
                            "(the file may be truncated)",
                            Severity.WARNING,
                            line=seg_line,
                            segment_index=index + 1,
                        )
                    )
                line += newlines + term_is_newline
                if newlines > skipped or "\r" in text:
                    text = (
                        text.replace("\r", "").replace("\n", "")
                        if strip_newlines
                        else (text.rstrip(_CRLF))
                    )
                index += 1
                if rel and rel in text:
                    tag, elements = _tokenize_released(text, d, edifact)
                else:
                    elements = text.split(elem)
                    tag = elements.pop(0)
                    if edifact:
                        if rep and rep in text:
                            elements = [_split_value(v, comp, rep) for v in elements]
                        elif comp in text:
                            elements = [tuple(v.split(comp)) if comp in v else v for v in elements]
                    elif tag in composites or tag in repeats:
                        _split_positions(elements, composites.get(tag), repeats.get(tag), comp, rep)
                if elements and elements[-1] == "":
                    self._trailing(tag, elements, seg_line, index)
                if bad is not None and bad.search(text):
                    self._report_bad_chars(tag, elements, seg_line, index)
                if tag == "UNB" and edifact:
                    self._set_syntax(elements)
                    bad = self._bad_chars
                yield Segment(tag, elements, seg_line, index)
            if eof:
                self.line, self.index = line, index
                return None
            more = self._more()
            if not more:
                eof = True
            buf += more

    def _trailing(self, tag: str, elements: list[Value], line: int, index: int) -> None:
        """Drop trailing empty elements ("N3*126 Any St*~"), reporting the stray separator."""
        count = len(elements)
        while elements and elements[-1] == "":
            elements.pop()
        lenient = self.options.allow_trailing_separators
        self.sink.add(
            EdiError(
                Level.ELEMENT,
                "45" if self.standard == EDIFACT else "",
                f"Segment {tag} ends with a separator (trailing empty element {tag}{count:02d})",
                Severity.WARNING if lenient else Severity.ERROR,
                standard=self.standard or "",
                line=line,
                segment_index=index,
                segment_tag=tag,
                element=count,
            )
        )

    # -- EDIFACT character repertoire --------------------------------------------------
    def _set_syntax(self, elements: list[Value]) -> None:
        first = elements[0] if elements else ""
        self.syntax_id = (first[0] if isinstance(first, tuple) else str(first)).upper()
        d = self.delimiters
        assert d is not None
        if self.syntax_id == "UNOA" and not self.options.lenient_character_set:
            allowed = _UNOA
        elif self.syntax_id in ("UNOA", "UNOB"):
            allowed = _UNOB
        else:
            self._bad_chars = None
            return
        service = "".join(re.escape(c) for c in d.service_chars() | {d.decimal})
        self._bad_chars = re.compile(f"[^{allowed}{service}\\x19\\x1c-\\x1f]")

    def _report_bad_chars(self, tag: str, elements: list[Value], line: int, index: int) -> None:
        bad = self._bad_chars
        assert bad is not None
        for pos, value in enumerate(elements, 1):
            for comp_pos, text in enumerate(value if isinstance(value, tuple) else (value,), 1):
                match = bad.search(str(text))
                if match:
                    self.sink.add(
                        EdiError(
                            Level.ELEMENT,
                            "21",
                            f"Segment {tag}: element {tag}{pos:02d} contains {match.group()!r}, "
                            f"which the {self.syntax_id} character set does not allow",
                            line=line,
                            segment_index=index,
                            segment_tag=tag,
                            element=pos,
                            component=comp_pos if isinstance(value, tuple) else None,
                            value=str(text),
                        )
                    )


# where the 16 separators of a fixed-width (106-character) ISA sit
_ISA_SEPARATORS = tuple(3 + sum(ISA_WIDTHS[:i]) + i for i in range(16))


def _fixed_isa(buf: str) -> tuple[list[str], str, str, int] | None:
    """Fields, ISA16, terminator and end of a fixed-width ISA, or None if it is not one.

    The element separator is the 4th character, ISA16 the 105th and the terminator the 106th
    (X12.5).
    """
    if len(buf) < 106:
        return None
    sep = buf[3]
    if sep.isalnum() or sep in _WS or any(buf[i] != sep for i in _ISA_SEPARATORS):
        return None
    head = buf[:106]
    if "\n" in head[:105] or "\r" in head[:105]:
        return None
    comp, term = buf[104], buf[105]
    if comp.isalnum() or comp in _WS or term.isalnum() or term in _WS:
        return None  # a newline terminator may hide an empty ISA16: read tolerantly
    fields = [buf[a + 1 : b] for a, b in pairwise(_ISA_SEPARATORS)]
    return [*fields, comp], comp, term, 106


def _split_value(value: str, comp: str | None, rep: str | None) -> Value:
    if rep and rep in value:
        return [_split_value(v, comp, None) for v in value.split(rep)]
    if comp and comp in value:
        return tuple(value.split(comp))
    return value


def _split_positions(
    elements: list[Value],
    composite: frozenset[int] | None,
    repeat: frozenset[int] | None,
    comp: str | None,
    rep: str | None,
) -> None:
    for pos in (composite or frozenset()) | (repeat or frozenset()):
        if pos <= len(elements):
            value = elements[pos - 1]
            assert isinstance(value, str)
            elements[pos - 1] = _split_value(
                value,
                comp if composite and pos in composite else None,
                rep if repeat and pos in repeat else None,
            )


def _join_released(parts: list[str], rel: str, term: str) -> list[str]:
    """Re-join pieces split at a terminator that was escaped by the release character."""
    out: list[str] = []
    carry = None
    for part in parts:
        if carry is not None:
            part = carry + term + part
            carry = None
        n = len(part) - len(part.rstrip(rel))
        if n % 2:
            carry = part
        else:
            out.append(part)
    if carry is not None:
        out.append(carry)
    return out


def _tokenize_released(text: str, d: Delimiters, edifact: bool) -> tuple[str, list[Value]]:
    """Character-level split of a segment that contains the release character."""
    rel, elem, comp, rep = d.release, d.element, d.component, d.repetition
    elements: list[Value] = []
    reps: list[str | tuple[str, ...]] = []
    comps: list[str] = []
    cur: list[str] = []
    it = iter(text)

    def close_component() -> None:
        comps.append("".join(cur))
        cur.clear()

    def close_repetition() -> None:
        close_component()
        reps.append(tuple(comps) if len(comps) > 1 else comps[0])
        comps.clear()

    def close_element() -> None:
        close_repetition()
        elements.append(list(reps) if len(reps) > 1 else reps[0])
        reps.clear()

    for ch in it:
        if ch == rel:
            cur.append(next(it, ""))
        elif ch == elem:
            close_element()
        elif ch == comp and (edifact or elements):
            close_component()
        elif ch == rep and rep:
            close_repetition()
        else:
            cur.append(ch)
    close_element()
    tag = elements.pop(0)
    return (tag if isinstance(tag, str) else str(tag)), elements
