"""Filling a template of a kind with a view model, and checking templates that admins upload.

Why not docxtpl: it runs Jinja inside Word documents, so a template an organization's admin
uploads could carry loops, conditions, filters and attribute access on whatever objects are
passed in, i.e. logic we would have to sandbox and review. Our placeholders only name fields of
a frozen view model, are checked before a template is accepted, and insert values as text.
"""

import io
from dataclasses import dataclass
from typing import BinaryIO

import docx

from documents.content.check import check_upload
from documents.content.errors import RejectedUpload
from documents.content.ooxml import ZipLimits
from documents.generate.registry import DocumentKind, get_kind
from documents.generate.template import InvalidTemplate, Template, open_template, read_template

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
_CLEARED_PROPERTIES = ("author", "last_modified_by", "comments", "keywords", "subject", "category")


def render(kind: DocumentKind | str, view_model: object, template: BinaryIO | None = None) -> bytes:
    """The .docx for `view_model`, from `template` (a seekable stream) or the kind's default.

    A supplied template is checked again on every use (zip limits, macros, placeholders), so a
    stored template that no longer fits its kind raises `InvalidTemplate` instead of producing
    a document with holes.
    """
    kind = get_kind(kind) if isinstance(kind, str) else kind
    if not isinstance(view_model, kind.view_model):
        raise TypeError(f"A {kind.name} needs a {kind.view_model.__name__}, not {view_model!r}")
    if template is None:  # ours, shipped with the code: no need to inspect it as an upload
        opened = Template(docx.Document(str(kind.default_template)))
    else:
        opened = open_template(template)
    filled = _checked(kind, opened)
    filled.fill(kind.schema, view_model)
    properties = filled.document.core_properties
    properties.title = kind.title
    for name in _CLEARED_PROPERTIES:  # the template author's, not the recipient's business
        setattr(properties, name, "")
    output = io.BytesIO()
    filled.document.save(output)
    return output.getvalue()


@dataclass(frozen=True)
class CheckedTemplate:
    filename: str
    size: int
    unused: tuple[str, ...]
    """Fields of the kind that the template does not show, worth a warning to the admin."""


def check_template(
    kind: DocumentKind | str,
    stream: BinaryIO,
    filename: str,
    *,
    max_bytes: int = MAX_TEMPLATE_BYTES,
    zip_limits: ZipLimits = ZipLimits(),
) -> CheckedTemplate:
    """Accept an uploaded replacement template for `kind`, or raise `RejectedUpload` (its
    subclass `InvalidTemplate` lists every placeholder problem).

    Runs the upload checks every file gets (`check_upload`: type by content, size, macros, zip
    bombs), then the placeholder checks. `stream` must be seekable; it is rewound for storage.
    """
    kind = get_kind(kind) if isinstance(kind, str) else kind
    checked = check_upload(stream, filename, max_bytes=max_bytes, zip_limits=zip_limits)
    if checked.kind.name != "docx":
        raise RejectedUpload("A template must be a Word document (.docx)", code="not_docx")
    template = _checked(kind, read_template(stream))
    stream.seek(0)
    unused = tuple(path for path in kind.schema.fields if path not in template.paths())
    return CheckedTemplate(checked.filename, checked.size, unused)


def _checked(kind: DocumentKind, template: Template) -> Template:
    problems = template.problems(kind.schema)
    if problems:
        raise InvalidTemplate(problems)
    return template
