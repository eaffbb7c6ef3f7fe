import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents.content.filenames import (
    DEFAULT_FILENAME,
    MAX_FILENAME_LENGTH,
    content_disposition,
    sanitize_filename,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\Q3 plan.docx", "Q3 plan.docx"),
        ("..", DEFAULT_FILENAME),
        ("", DEFAULT_FILENAME),
        ("/", DEFAULT_FILENAME),
        ("a\x00b\x1f\x7fc.txt", "abc.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override dropped
        ("  spaced   out  .pdf ", "spaced out .pdf"),
        ("what?<>|*.txt", "what_____.txt"),
        ("CON.txt", "_CON.txt"),
        (".hidden", "hidden"),
        ("Präsentation 日本語 עברית.pptx", "Präsentation 日本語 עברית.pptx"),
    ],
)
def test_examples(raw, clean):
    assert sanitize_filename(raw) == clean


def test_long_names_keep_their_extension():
    name = sanitize_filename("x" * 500 + ".pdf")
    assert len(name) == MAX_FILENAME_LENGTH
    assert name.endswith("x.pdf")


@given(st.text())
def test_any_input_gives_a_safe_name(raw):
    name = sanitize_filename(raw)
    assert 0 < len(name) <= MAX_FILENAME_LENGTH
    assert name not in {".", ".."}
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name)
    assert name == name.strip(" .")
    assert sanitize_filename(name) == name


@given(st.text(st.characters(categories=["Lu", "Ll", "Lo", "Nd"]), min_size=1, max_size=100))
def test_letters_and_digits_of_any_script_survive(raw):
    raw = unicodedata.normalize("NFC", raw)
    assert sanitize_filename(raw) == raw or sanitize_filename(raw) == f"_{raw}"


def test_content_disposition_has_ascii_fallback_and_utf8_name():
    assert content_disposition('Prix "été".pdf') == (
        "attachment; filename=\"Prix _ete_.pdf\"; filename*=UTF-8''Prix%20_%C3%A9t%C3%A9_.pdf"
    )
    assert content_disposition("日本.pdf").startswith('attachment; filename="document.pdf";')
