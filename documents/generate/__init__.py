"""Documents generated from .docx templates: partner agreements, deal registration
confirmations, lead handoff summaries. Pure: no Flask, no database.

`render(kind, view_model, template)` fills a template with ``{{ field.path }}`` placeholders;
`check_template` accepts or refuses an admin's replacement template. See `docs/storage.md`.
"""

from documents.generate.registry import DOCUMENT_KINDS, DocumentKind, get_kind
from documents.generate.render import CheckedTemplate, check_template, render
from documents.generate.template import InvalidTemplate

__all__ = [
    "DOCUMENT_KINDS",
    "CheckedTemplate",
    "DocumentKind",
    "InvalidTemplate",
    "check_template",
    "get_kind",
    "render",
]
