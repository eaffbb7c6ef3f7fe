"""The kinds of file Concord accepts, and how each is recognised by its first bytes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    name: str
    label: str
    mime: str
    extensions: tuple[str, ...]
    """Accepted extensions, the first being the one added to a name that has none."""
    inline_image: bool = False
    """Safe to show in an ``<img>`` (raster formats only: SVG can carry script)."""


_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "PDF document", "application/pdf", (".pdf",)),
        FileKind("docx", "Word document", _WORD, (".docx",)),
        FileKind("xlsx", "Excel workbook", _EXCEL, (".xlsx",)),
        FileKind("pptx", "PowerPoint presentation", _POWERPOINT, (".pptx",)),
        FileKind("png", "PNG image", "image/png", (".png",), inline_image=True),
        FileKind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"), inline_image=True),
        FileKind("gif", "GIF image", "image/gif", (".gif",), inline_image=True),
        FileKind("webp", "WebP image", "image/webp", (".webp",), inline_image=True),
        FileKind("mp4", "MP4 video", "video/mp4", (".mp4", ".m4v")),
        FileKind("text", "plain text", "text/plain; charset=utf-8", (".txt", ".csv", ".md")),
    )
}

MAIN_PART_KINDS = {
    f"{_WORD}.main+xml": "docx",
    f"{_EXCEL}.main+xml": "xlsx",
    f"{_POWERPOINT}.main+xml": "pptx",
}
"""Content type of an Office Open XML package's main part -> kind."""

MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppam"}
