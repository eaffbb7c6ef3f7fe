"""A paragraph's text as one string, mapped back to the WordprocessingML elements holding it.

Word splits a paragraph's text into runs wherever it likes (spell checking, revision ids, a
change of formatting halfway through a word), so ``{{ partner.name }}`` often arrives as
``{{ part`` + ``ner.na`` + ``me }}``. `ParagraphText` joins the ``w:t`` pieces so placeholders
can be found in the joined text, and replaces a span inside the run where it starts, which keeps
that run's formatting.
"""

import re
from collections.abc import Iterator

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml.etree import _Element

W_P = qn("w:p")
W_TR = qn("w:tr")
_W_R = qn("w:r")
_W_T = qn("w:t")
_XML_SPACE = qn("xml:space")
_NOT_CONTENT = {qn("w:rPr"), qn("w:lastRenderedPageBreak")}

BARRIER = "\x00"
"""Stands for a tab, break, drawing or field inside a run: never part of a placeholder."""

# XML 1.0 cannot hold control characters other than tab and newlines, surrogates, U+FFFE/FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAKS = re.compile(r"\r\n?")
_BREAK_OR_TAB = re.compile(r"(\n|\t)")


def printable(value: str) -> str:
    """What a document can show of `value`: characters XML cannot hold are dropped, and
    carriage returns become line breaks (as python-docx reads them back)."""
    return _LINE_BREAKS.sub("\n", _NOT_XML.sub("", value))


class ParagraphText:
    """The visible text of one ``w:p`` (not of paragraphs nested in its text boxes)."""

    def __init__(self, paragraph: _Element) -> None:
        self.paragraph = paragraph
        self._pieces: list[tuple[_Element, int, int]] = []  # (w:t, start, end) in `text`
        chunks: list[str] = []
        length = 0
        for run in _own_runs(paragraph):
            for child in run:
                if child.tag == _W_T:
                    chunk = child.text or ""
                    self._pieces.append((child, length, length + len(chunk)))
                elif child.tag in _NOT_CONTENT:
                    continue
                else:
                    chunk = BARRIER
                chunks.append(chunk)
                length += len(chunk)
        self.text = "".join(chunks)

    def replace(self, spans: list[tuple[int, int, str]]) -> None:
        """Replace each ``text[start:end]`` by its value, as literal text.

        Spans must not overlap and must not cover a `BARRIER`. Working from the last span
        back keeps the offsets of the earlier ones valid.
        """
        for start, end, value in sorted(spans, reverse=True):
            first = self._piece_at(start)
            last = self._piece_at(end - 1)
            element, piece_start, _ = self._pieces[first]
            current = element.text or ""
            if first == last:
                suffix = current[end - piece_start :]
            else:
                suffix = ""
                for middle, _, _ in self._pieces[first + 1 : last]:
                    _set_text(middle, "")
                last_element, last_start, _ = self._pieces[last]
                _set_text(last_element, (last_element.text or "")[end - last_start :])
            _set_text(element, current[: start - piece_start])
            anchor = element
            for new in [*_value_elements(value), *_value_elements(suffix)]:
                anchor.addnext(new)
                anchor = new

    def _piece_at(self, offset: int) -> int:
        for index, (_, start, end) in enumerate(self._pieces):
            if start <= offset < end:
                return index
        raise ValueError(f"offset {offset} is not inside the text of a run")


def _own_runs(paragraph: _Element) -> Iterator[_Element]:
    """Runs of this paragraph, also inside hyperlinks, insertions and content controls."""
    for run in paragraph.iter(_W_R):
        if next(run.iterancestors(W_P)) is paragraph:
            yield run


def _value_elements(value: str) -> Iterator[_Element]:
    for part in _BREAK_OR_TAB.split(printable(value)):
        if part == "\n":
            yield OxmlElement("w:br")
        elif part == "\t":
            yield OxmlElement("w:tab")
        elif part:
            text = OxmlElement("w:t")
            _set_text(text, part)
            yield text


def _set_text(element: _Element, text: str) -> None:
    element.text = text
    element.set(_XML_SPACE, "preserve")
