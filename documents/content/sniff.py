"""Recognising a file by its first bytes, never by its name."""

from documents.content.errors import RejectedUpload

HEAD_SIZE = 64
ZIP = "zip"
"""Not a kind: a ZIP container that `ooxml.inspect_ooxml` must look inside."""

_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", ZIP),
)
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
_REFUSED = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS program or Java class"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.doc, .xls, .ppt)"),
)


def sniff(head: bytes) -> str | None:
    """The kind that the first `HEAD_SIZE` bytes show, `ZIP`, or None (plain text or unknown)."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "mp4"
    for signature, label in _REFUSED:
        if head.startswith(signature):
            raise RejectedUpload(
                f"This file is {label}, which is not accepted", code="type_not_allowed"
            )
    return None
