import io
import struct
import zlib

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from documents.content.preview import docx_to_html, sanitize_html


def tiny_png() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(tag + data)
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def add_hyperlink(paragraph, url: str, text: str) -> None:
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link, run, label = OxmlElement("w:hyperlink"), OxmlElement("w:r"), OxmlElement("w:t")
    link.set(qn("r:id"), relationship)
    label.text = text
    run.append(label)
    link.append(run)
    paragraph._p.append(link)


def hostile_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Campaign brief", level=1)
    document.add_paragraph("<script>alert('text')</script>")
    add_hyperlink(document.add_paragraph(), "javascript:alert(document.cookie)", "click me")
    add_hyperlink(document.add_paragraph(), "https://example.com/partners", "partner site")
    document.add_picture(io.BytesIO(tiny_png()))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_preview_keeps_structure_and_drops_anything_that_runs():
    html = docx_to_html(io.BytesIO(hostile_docx()))
    assert "<h1>Campaign brief</h1>" in html
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert '<a rel="noopener noreferrer nofollow">click me</a>' in html
    assert '<a href="https://example.com/partners" rel="noopener noreferrer nofollow">' in html
    assert '<img src="data:image/png;base64,' in html


def test_sanitizer_allow_list():
    dirty = (
        '<p style="x" onclick="evil()" id="p">hi</p><img src="https://tracker.example/p.gif">'
        '<a href="data:text/html,<script>1</script>">d</a><iframe src="x"></iframe>'
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">'
    )
    assert sanitize_html(dirty) == '<p>hi</p><img><a rel="noopener noreferrer nofollow">d</a><img>'
