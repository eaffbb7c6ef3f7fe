import io

from document_samples import pdf_with_text

from documents.content.text import extract_text


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
