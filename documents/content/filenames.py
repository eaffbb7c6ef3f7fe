"""Filenames that users send, made safe to show, store and put in a download header."""

import re
import unicodedata
from urllib.parse import quote

MAX_FILENAME_LENGTH = 150
DEFAULT_FILENAME = "document"
_MAX_EXTENSION_LENGTH = 16
# Control, format (e.g. right-to-left override), surrogate, private-use, unassigned, separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", re.IGNORECASE)
_UNSAFE_PUNCTUATION = str.maketrans({c: "_" for c in '<>:"|?*'})


def sanitize_filename(name: str, *, max_length: int = MAX_FILENAME_LENGTH) -> str:
    """Return a display/download name that is never empty, '.', '..' or a path.

    Keeps the last path component (browsers on Windows send ``C:\\Users\\…\\file.pdf``), drops
    control and invisible formatting characters, keeps letters of every script, and shortens
    long names while keeping their extension.
    """
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if unicodedata.category(c) == "Zs" or c == "\t" else c
        for c in name
        if c == "\t" or unicodedata.category(c) not in _DROPPED_CATEGORIES
    )
    name = re.sub(r" +", " ", name.translate(_UNSAFE_PUNCTUATION)).strip(" .")
    if _WINDOWS_RESERVED.fullmatch(name):
        name = f"_{name}"
    return _shorten(name, max_length) or DEFAULT_FILENAME


def _shorten(name: str, max_length: int) -> str:
    """Cut `name` (which neither starts nor ends with a dot or space) to `max_length`."""
    if len(name) <= max_length:
        return name
    stem, _, extension = name.rpartition(".")
    stem = stem[: max_length - len(extension) - 1].rstrip(" .")
    if stem and len(extension) <= _MAX_EXTENSION_LENGTH:
        return f"{stem}.{extension}"
    return name[:max_length].rstrip(" .")


def split_extension(name: str) -> tuple[str, str]:
    """``"Report.PDF"`` -> ``("Report", ".pdf")``; no extension -> ``(name, "")``."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + extension.lower()


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value (RFC 6266) with an ASCII fallback and the UTF-8 name."""
    filename = sanitize_filename(filename)
    stem, extension = split_extension(filename)
    fallback = f"{_ascii(stem).strip() or DEFAULT_FILENAME}{_ascii(extension)}"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r'["\\%]', "_", text)
