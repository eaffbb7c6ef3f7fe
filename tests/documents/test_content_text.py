import io

from documents.content.text import extract_text


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF showing `text` in Helvetica, with a correct cross-reference table."""
    content = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    pdf += b"startxref\n%d\n%%%%EOF\n" % xref
    return pdf


def test_docx_paragraphs_and_tables_in_document_order(make_docx):
    table = [["Item", "EUR"], ["Ads", "900"]]
    data = make_docx("Joint campaign brief", "Budget below", table=table)
    text = extract_text(io.BytesIO(data), "docx")
    assert text.split("\n") == ["Joint campaign brief", "Budget below", "Item", "EUR", "Ads", "900"]


def test_docx_text_is_bounded(make_docx):
    data = make_docx(*["word " * 200] * 50)
    assert len(extract_text(io.BytesIO(data), "docx", max_chars=1000)) == 1000


def test_pdf_text():
    pdf = pdf_with_text("Partner price list")
    assert "Partner price list" in extract_text(io.BytesIO(pdf), "pdf")


def test_broken_pdf_gives_no_text_rather_than_an_error():
    assert extract_text(io.BytesIO(b"%PDF-1.4\ngarbage"), "pdf") == ""


def test_plain_text_is_bounded_and_drops_the_bom():
    data = "\ufeffhello wörld ".encode() * 100
    text = extract_text(io.BytesIO(data), "text", max_chars=11)
    assert text == "hello wörld"


def test_kinds_without_text():
    assert extract_text(io.BytesIO(b"\x89PNG\r\n\x1a\n"), "png") == ""
