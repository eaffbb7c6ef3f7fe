"""Deciding whether uploaded bytes are acceptable, and reading them safely.

Light imports only here; text extraction (`documents.content.text`) and previews
(`documents.content.preview`) pull in python-docx, pypdf, mammoth and nh3.
"""

from documents.content.check import (
    HEAD_DECIDED,
    CheckedUpload,
    OneWayUpload,
    check_head,
    check_upload,
)
from documents.content.errors import RejectedUpload
from documents.content.filenames import content_disposition, sanitize_filename
from documents.content.kinds import KINDS, FileKind

__all__ = [
    "HEAD_DECIDED",
    "KINDS",
    "CheckedUpload",
    "FileKind",
    "OneWayUpload",
    "RejectedUpload",
    "check_head",
    "check_upload",
    "content_disposition",
    "sanitize_filename",
]
