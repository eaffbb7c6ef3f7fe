"""`check_upload`: the one decision on whether an uploaded file is accepted."""

import codecs
from dataclasses import dataclass
from typing import BinaryIO

from documents.content.errors import RejectedUpload, TooLarge
from documents.content.filenames import sanitize_filename, split_extension
from documents.content.kinds import KINDS, MACRO_EXTENSIONS, FileKind
from documents.content.ooxml import ZipLimits, inspect_ooxml
from documents.content.sniff import HEAD_SIZE, ZIP, sniff

_TEXT_READ_SIZE = 1024 * 1024
_ACCEPTED = (
    "PDF, Word, Excel and PowerPoint documents, PNG, JPEG, GIF and WebP images, "
    "MP4 videos and plain text"
)


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    """Sanitised, with the kind's extension added when it had none."""
    kind: FileKind
    size: int


def check_upload(
    stream: BinaryIO,
    filename: str,
    *,
    max_bytes: int,
    zip_limits: ZipLimits = ZipLimits(),
) -> CheckedUpload:
    """Accept or refuse an upload by its content; raise `RejectedUpload` with the reason.

    `stream` must be seekable (werkzeug spools uploads to a temporary file); it is rewound
    before returning, ready for `Storage.put`.
    """
    size = stream.seek(0, 2)
    if size == 0:
        raise RejectedUpload("The file is empty", code="empty")
    if size > max_bytes:
        raise TooLarge(max_bytes)
    name = sanitize_filename(filename)
    _, extension = split_extension(name)
    if extension in MACRO_EXTENSIONS:
        raise RejectedUpload("Files with macros are not accepted", code="macros")
    kind = KINDS[_kind_of(stream, zip_limits)]
    if not extension:
        name = sanitize_filename(name + kind.extensions[0])
    elif extension not in kind.extensions:
        raise RejectedUpload(
            f"This file is a {kind.label}, but its name ends in {extension}; "
            f"rename it to end in {kind.extensions[0]}",
            code="type_mismatch",
        )
    stream.seek(0)
    return CheckedUpload(name, kind, size)


def _kind_of(stream: BinaryIO, zip_limits: ZipLimits) -> str:
    stream.seek(0)
    kind = sniff(stream.read(HEAD_SIZE))
    if kind == ZIP:
        return inspect_ooxml(stream, zip_limits)
    if kind is None and _is_utf8_text(stream):
        return "text"
    if kind is None:
        raise RejectedUpload(
            f"This kind of file is not accepted; you can upload {_ACCEPTED}",
            code="type_not_allowed",
        )
    return kind


def _is_utf8_text(stream: BinaryIO) -> bool:
    """Valid UTF-8 with no NUL bytes, read to the end in bounded chunks."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_TEXT_READ_SIZE):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
