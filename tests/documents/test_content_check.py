"""check_upload: every refusal is a RejectedUpload with a message a user can act on."""

import io
import os
import struct
import zipfile

import pytest
from document_samples import add_zeros

from documents.content import OneWayUpload, RejectedUpload, check_head, check_upload
from documents.content.ooxml import ZipLimits

MIB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + os.urandom(200)
LIMIT = 25 * MIB


def check(data: bytes, filename: str, *, max_bytes: int = LIMIT, **options):
    return check_upload(io.BytesIO(data), filename, max_bytes=max_bytes, **options)


def refusal(data: bytes, filename: str, **options) -> RejectedUpload:
    with pytest.raises(RejectedUpload) as refused:
        check(data, filename, **options)
    return refused.value


def declare_size(archive: bytes, name: str, size: int) -> bytes:
    """Make the zip's central directory and local header lie about a member's size."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        local_header = source.getinfo(name).header_offset
    patched = bytearray(archive)
    struct.pack_into("<L", patched, local_header + 22, size)
    end_record = archive.rfind(b"PK\x05\x06")
    entry = struct.unpack_from("<L", archive, end_record + 16)[0]
    while True:
        name_size, extra_size, comment_size = struct.unpack_from("<3H", archive, entry + 28)
        if archive[entry + 46 : entry + 46 + name_size] == name.encode():
            struct.pack_into("<L", patched, entry + 24, size)
            return bytes(patched)
        entry += 46 + name_size + extra_size + comment_size


def test_accepts_a_pdf_and_rewinds_the_stream():
    stream = io.BytesIO(PDF)
    checked = check_upload(stream, "Price list.pdf", max_bytes=LIMIT)
    assert (checked.filename, checked.kind.name) == ("Price list.pdf", "pdf")
    assert checked.size == len(PDF)
    assert stream.tell() == 0


def test_empty_file():
    assert refusal(b"", "empty.pdf").message == "The file is empty"


def test_oversized_file():
    refused = refusal(PDF + bytes(MIB), "big.pdf", max_bytes=MIB)
    assert refused.message == "The file is larger than 1 MB"
    assert refused.code == "too_large"


@pytest.mark.parametrize(
    ("content", "label"),
    [
        (b"MZ\x90\x00" + os.urandom(100), "a Windows program"),
        (b"\x7fELF\x02\x01" + os.urandom(100), "a Linux program"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "an old-style Office file"),
    ],
)
def test_executable_behind_a_harmless_extension(content, label):
    refused = refusal(content, "invoice.pdf")
    assert refused.code == "type_not_allowed"
    assert refused.message.startswith(f"This file is {label}")


def test_unknown_binary_named_as_text():
    refused = refusal(b"\x00\x01\x02binary", "notes.txt")
    assert refused.code == "type_not_allowed"
    assert "you can upload PDF, Word" in refused.message


def test_content_decides_the_type_not_the_extension():
    refused = refusal(PNG, "report.pdf")
    assert refused.code == "type_mismatch"
    assert refused.message == (
        "This file is a PNG image, but its name ends in .pdf; rename it to end in .png"
    )


def test_missing_extension_is_added_from_the_content():
    assert check(PNG, "logo").filename == "logo.png"


def test_plain_text_is_valid_utf8_without_nul():
    assert check("Grüße, 世界\n".encode(), "hello.txt").kind.name == "text"
    assert refusal("café".encode("latin-1"), "latin1.txt").code == "type_not_allowed"
    assert refusal(b"text\x00with nul", "nul.txt").code == "type_not_allowed"


def test_filename_with_path_separators_is_reduced_to_its_name():
    assert check(PDF, "../../etc/passwd.pdf").filename == "passwd.pdf"
    assert check(PDF, "C:\\Users\\ann\\Q3 plan.pdf").filename == "Q3 plan.pdf"


def test_accepts_a_real_docx(make_docx):
    checked = check(make_docx("Hello"), "brief.docx")
    assert checked.kind.name == "docx"
    assert checked.kind.mime.endswith("wordprocessingml.document")


def test_zip_bomb_docx_is_refused(make_docx):
    bomb = add_zeros(make_docx("Hi"), "word/media/zeros.bin", 200 * MIB)
    assert len(bomb) < 400 * 1024
    refused = refusal(bomb, "bomb.docx")
    assert refused.code == "zip_bomb"
    assert refused.message == "The document expands to more than 64 MB when opened"


def test_zip_whose_central_directory_understates_sizes_is_refused(make_docx):
    """zipfile (and so python-docx) stops at the declared size; the CRC then fails."""
    honest = add_zeros(make_docx("Hi"), "word/media/zeros.bin", 100 * MIB)
    liar = declare_size(honest, "word/media/zeros.bin", 1000)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo("word/media/zeros.bin").file_size == 1000
    assert refusal(liar, "liar.docx").code == "damaged"


def test_too_many_members(make_docx):
    refused = refusal(make_docx("Hi"), "parts.docx", zip_limits=ZipLimits(max_members=3))
    assert refused.code == "too_many_parts"
    assert refused.message == "The document has too many parts (more than 3)"


def test_macro_project_is_refused(make_docx, rezip):
    macro = rezip(make_docx("Hi"), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    refused = refusal(macro, "macro.docx")
    assert refused.code == "macros"
    assert refused.message.startswith("Files with macros are not accepted")


def test_macro_enabled_content_type_is_refused(make_docx, rezip):
    original = make_docx("Hi")
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"document.main+xml", b"document.macroEnabled.main+xml"
        )
    assert refusal(rezip(original, {"[Content_Types].xml": types}), "m.docx").code == "macros"


def test_docm_name_is_refused(make_docx):
    assert refusal(make_docx("Hi"), "report.docm").code == "macros"


def test_truncated_docx_is_damaged(make_docx):
    original = make_docx("Hi")
    refused = refusal(original[: len(original) // 2], "cut.docx")
    assert refused.code == "damaged"
    assert refused.message == "The file is damaged or is not a valid Word, Excel or PowerPoint file"


def test_docx_with_broken_xml_is_damaged(make_docx, rezip):
    broken = rezip(make_docx("Hi"), {"word/document.xml": b"<w:document><unclosed>"})
    assert refusal(broken, "broken.docx").code == "damaged"


def test_docx_with_entity_expansion_is_refused(make_docx, rezip):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
    )
    refused = refusal(rezip(make_docx("Hi"), {"word/document.xml": laughs}), "lol.docx")
    assert refused.code == "unsafe_xml"


def test_plain_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(buffer.getvalue(), "files.docx").message == "ZIP archives are not accepted"


def test_random_bytes_named_docx():
    assert refusal(os.urandom(2000), "random.docx").code == "type_not_allowed"


def test_a_one_way_body_is_decided_by_its_first_bytes_when_they_suffice(one_way_stream):
    body = OneWayUpload(one_way_stream(PDF))
    checked = check_head(body, "sheet.pdf", size=len(PDF), max_bytes=LIMIT)
    assert (checked.kind.name, checked.filename, checked.size) == ("pdf", "sheet.pdf", len(PDF))
    assert b"".join(iter(lambda: body.read(1000), b"")) == PDF  # the head is not lost
    text = OneWayUpload(one_way_stream(b"plain text\n"))
    assert check_head(text, "notes.txt", size=11, max_bytes=LIMIT) is None  # must be read whole
    with pytest.raises(RejectedUpload, match="This file is a PNG image"):
        check_head(OneWayUpload(one_way_stream(PNG)), "x.pdf", size=len(PNG), max_bytes=LIMIT)
    with pytest.raises(RejectedUpload) as too_large:
        check_head(OneWayUpload(one_way_stream(PDF)), "x.pdf", size=LIMIT + 1, max_bytes=LIMIT)
    assert too_large.value.code == "too_large"
