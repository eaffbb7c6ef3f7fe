"""`check_upload`: the one decision on whether an uploaded file is accepted."""

import codecs
import io
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

    `stream` must be seekable (uploads are spooled to a temporary file); it is rewound
    before returning, ready for `Storage.put`.
    """
    size = stream.seek(0, 2)
    name = _checked_name(filename, size, max_bytes)
    kind = KINDS[_kind_of(stream, zip_limits)]
    stream.seek(0)
    return CheckedUpload(_with_extension(name, kind), kind, size)


#: Kinds their first bytes decide (nothing further is inspected, whichever way they arrive).
HEAD_DECIDED = frozenset({"pdf", "png", "jpeg", "gif", "webp", "mp4"})


class OneWayUpload(io.RawIOBase):
    """A body read once, front to back (a large request streamed to storage as it arrives),
    whose first bytes are read ahead so that `check_head` can decide its kind."""

    READ_SIZE = 1024 * 1024

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.head = b""
        while len(self.head) < HEAD_SIZE and (more := raw.read(HEAD_SIZE - len(self.head))):
            self.head += more
        self._pending = self.head

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """The head first, then the body in short reads of at most `READ_SIZE` (a raw stream
        may return less than asked): a server that builds each read in memory never holds a
        whole multipart part for it; storage assembles the parts."""
        head, self._pending = self._pending, b""
        if size < 0:
            return head + self._raw.read()
        if len(head) >= size:
            self._pending = head[size:]
            return head[:size]
        return head or self._raw.read(min(size, self.READ_SIZE))

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def check_head(
    upload: OneWayUpload, filename: str, *, size: int, max_bytes: int
) -> CheckedUpload | None:
    """`check_upload` for a body that cannot be read twice, of the announced `size`: the
    decision for kinds their first bytes decide, or None for those that must be read whole
    (Office files, plain text), which the caller then spools and checks with `check_upload`."""
    name = _checked_name(filename, size, max_bytes)
    found = sniff(upload.head)
    if found not in HEAD_DECIDED:
        return None
    kind = KINDS[found]
    return CheckedUpload(_with_extension(name, kind), kind, size)


def _checked_name(filename: str, size: int, max_bytes: int) -> str:
    """The sanitised name, after the checks that need neither the content nor its kind."""
    if size == 0:
        raise RejectedUpload("The file is empty", code="empty")
    if size > max_bytes:
        raise TooLarge(max_bytes)
    name = sanitize_filename(filename)
    if split_extension(name)[1] in MACRO_EXTENSIONS:
        raise RejectedUpload("Files with macros are not accepted", code="macros")
    return name


def _with_extension(name: str, kind: FileKind) -> str:
    """The name, given the kind's extension if it has none; refused if it has another."""
    _, extension = split_extension(name)
    if not extension:
        return sanitize_filename(name + kind.extensions[0])
    if extension not in kind.extensions:
        raise RejectedUpload(
            f"This file is a {kind.label}, but its name ends in {extension}; "
            f"rename it to end in {kind.extensions[0]}",
            code="type_mismatch",
        )
    return name


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
