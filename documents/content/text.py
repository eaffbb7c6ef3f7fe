"""Plain text of an accepted file, for the search index, bounded in length.

Extraction never refuses a file that `check_upload` accepted: a parser failing on odd input
gives the text found until then (and a log line), because search is best-effort.
"""

import itertools
import logging
from collections.abc import Iterator
from typing import BinaryIO

import docx
from docx.document import Document
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from documents.content.kinds import FileKind
from documents.content.ooxml import inspect_ooxml

log = logging.getLogger(__name__)

MAX_CHARS = 200_000
MAX_PDF_PAGES = 500


def extract_text(stream: BinaryIO, kind: FileKind | str, *, max_chars: int = MAX_CHARS) -> str:
    """Text of a .docx (paragraphs and tables), a PDF or a plain-text file; "" for other kinds.

    `stream` must be seekable. A .docx is re-inspected with `inspect_ooxml` before python-docx
    opens it, so this is safe on bytes that did not come through `check_upload`.
    """
    extractor = _EXTRACTORS.get(kind if isinstance(kind, str) else kind.name)
    if extractor is None:
        return ""
    stream.seek(0)
    lines, length = [], 0
    try:
        for line in extractor(stream, max_chars):
            lines.append(line)
            length += len(line) + 1
            if length > max_chars:
                break
    except Exception:
        log.warning("Text extraction stopped early on a malformed file", exc_info=True)
    return "\n".join(lines)[:max_chars]


def _docx_lines(stream: BinaryIO, _max_chars: int) -> Iterator[str]:
    inspect_ooxml(stream)
    stream.seek(0)
    yield from _block_lines(docx.Document(stream))


def _block_lines(container: Document | _Cell) -> Iterator[str]:
    """Paragraphs and table cells in document order; nested tables included."""
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text:
                yield block.text
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from _block_lines(cell)


def _pdf_lines(stream: BinaryIO, _max_chars: int) -> Iterator[str]:
    reader = PdfReader(stream)
    if reader.is_encrypted and not reader.decrypt(""):
        return
    for page in itertools.islice(reader.pages, MAX_PDF_PAGES):
        yield page.extract_text()


def _plain_lines(stream: BinaryIO, max_chars: int) -> Iterator[str]:
    yield stream.read(max_chars * 4).decode("utf-8-sig", errors="ignore")


_EXTRACTORS = {"docx": _docx_lines, "pdf": _pdf_lines, "text": _plain_lines}
#: The kinds `extract_text` reads; others give "".
EXTRACTABLE = frozenset(_EXTRACTORS)
