"""Bounded inspection of Office Open XML packages (.docx, .xlsx, .pptx) before anything opens them.

python-docx and mammoth read every part of a package into memory, so a 433 KiB file can make
them take 800 MB. `inspect_ooxml` reads the whole package first, with every guard on:

- the central directory's size is checked from the end record before `zipfile` parses it
  (its entry count can lie; its byte size bounds what `zipfile` will allocate);
- member count, per-member and total sizes are checked as declared, then again while inflating,
  with a counter on the decompressed stream, because declared sizes can lie;
- every XML part is parsed with defusedxml's streaming parser, refusing DTDs and entities;
- macros (``vbaProject.bin``, macro-enabled content types) and encryption are refused.
"""

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from documents.content.errors import RejectedUpload
from documents.content.kinds import MAIN_PART_KINDS
from documents.content.sizes import format_size

_MIB = 1024 * 1024
_READ_SIZE = 64 * 1024
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_CENTRAL_ENTRY_BUDGET = 512  # bytes per entry: fixed 46 + name + extra + comment, generously
_CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MACRO_PARTS = {"vbaproject.bin", "vbadata.xml"}


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 1000
    max_member_bytes: int = 64 * _MIB
    max_total_bytes: int = 128 * _MIB


def damaged() -> RejectedUpload:
    return RejectedUpload(
        "The file is damaged or is not a valid Word, Excel or PowerPoint file", code="damaged"
    )


def _macros() -> RejectedUpload:
    return RejectedUpload(
        "Files with macros are not accepted; save it as a macro-free .docx, .xlsx or .pptx",
        code="macros",
    )


def inspect_ooxml(stream: BinaryIO, limits: ZipLimits = ZipLimits()) -> str:
    """Return the package's kind ("docx", "xlsx" or "pptx") or raise `RejectedUpload`.

    `stream` must be seekable; it is left at an arbitrary position.
    """
    _check_central_directory(stream, limits)
    try:
        with zipfile.ZipFile(stream) as archive:
            return _inspect(archive, limits)
    except RejectedUpload:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError):
        raise damaged() from None


def _check_central_directory(stream: BinaryIO, limits: ZipLimits) -> None:
    size = stream.seek(0, 2)
    tail_size = min(size, _END_RECORD.size + 0xFFFF)  # the record ends with a <=64 KiB comment
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        raise damaged()
    directory_size = _END_RECORD.unpack_from(tail, at)[5]
    if directory_size > limits.max_members * _CENTRAL_ENTRY_BUDGET:
        raise _too_many_parts(limits)


def _too_many_parts(limits: ZipLimits) -> RejectedUpload:
    return RejectedUpload(
        f"The document has too many parts (more than {limits.max_members})", code="too_many_parts"
    )


def _inflates_too_much(limit: int) -> RejectedUpload:
    return RejectedUpload(
        f"The document expands to more than {format_size(limit)} when opened", code="zip_bomb"
    )


def _inspect(archive: zipfile.ZipFile, limits: ZipLimits) -> str:
    members = archive.infolist()
    names = [member.filename for member in members]
    if len(members) > limits.max_members:
        raise _too_many_parts(limits)
    if len(set(names)) != len(names):
        raise damaged()
    if any(name.rsplit("/", 1)[-1].lower() in _MACRO_PARTS for name in names):
        raise _macros()
    if any(member.flag_bits & 0x1 for member in members):
        raise RejectedUpload("Password-protected files are not accepted", code="encrypted")
    if any(member.file_size > limits.max_member_bytes for member in members):
        raise _inflates_too_much(limits.max_member_bytes)
    if sum(member.file_size for member in members) > limits.max_total_bytes:
        raise _inflates_too_much(limits.max_total_bytes)
    if _CONTENT_TYPES not in names:
        raise RejectedUpload("ZIP archives are not accepted", code="type_not_allowed")

    inflation = _Inflation(limits)
    content_types = b""
    for member in members:
        chunks = inflation.read(archive, member)
        if member.filename == _CONTENT_TYPES:
            content_types = b"".join(chunks)
            _check_xml(iter((content_types,)))
        elif member.filename.lower().endswith((".xml", ".rels")):
            _check_xml(chunks)
        else:
            for _ in chunks:
                pass
    return _main_part_kind(content_types)


class _Inflation:
    """Counts bytes as they come out of the decompressor, whatever the zip declared."""

    def __init__(self, limits: ZipLimits) -> None:
        self.limits = limits
        self.total = 0

    def read(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
        produced = 0
        with archive.open(member) as data:
            while chunk := data.read(_READ_SIZE):
                produced += len(chunk)
                self.total += len(chunk)
                if produced > self.limits.max_member_bytes:
                    raise _inflates_too_much(self.limits.max_member_bytes)
                if self.total > self.limits.max_total_bytes:
                    raise _inflates_too_much(self.limits.max_total_bytes)
                yield chunk


def _check_xml(chunks: Iterator[bytes]) -> None:
    """Parse an XML part as a stream (no tree is built), refusing DTDs and entities."""
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setContentHandler(ContentHandler())
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except DefusedXmlException:
        raise RejectedUpload(
            "The document contains XML constructs that are not allowed (DTDs or entities)",
            code="unsafe_xml",
        ) from None
    except SAXException:
        raise damaged() from None


def _main_part_kind(content_types: bytes) -> str:
    root = defusedxml.ElementTree.fromstring(content_types, forbid_dtd=True)
    types = [
        element.get("ContentType", "")
        for element in root
        if element.tag in {f"{_CONTENT_TYPES_NS}Override", f"{_CONTENT_TYPES_NS}Default"}
    ]
    if any("macroenabled" in value.lower() or "vbaproject" in value.lower() for value in types):
        raise _macros()
    kinds = {MAIN_PART_KINDS[value] for value in types if value in MAIN_PART_KINDS}
    if len(kinds) != 1:
        raise RejectedUpload(
            "Only Word (.docx), Excel (.xlsx) and PowerPoint (.pptx) files are accepted "
            "among Office formats",
            code="type_not_allowed",
        )
    return kinds.pop()
