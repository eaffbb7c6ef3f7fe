"""A .docx template opened for filling: its placeholders found, checked, then filled in.

Placeholders are filled in the body (tables and text boxes included), headers and footers. A
table row whose placeholders name a list (``{{ lines.product }}``) is the repeating row: it
is copied once per item, and the copies replace it (no items, no row).
"""

import difflib
from copy import deepcopy
from dataclasses import dataclass
from typing import BinaryIO

import docx
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.part import XmlPart
from docx.oxml.parser import parse_xml
from lxml.etree import _Element

from documents.content.errors import RejectedUpload
from documents.content.ooxml import ZipLimits, damaged, inspect_ooxml
from documents.generate.fields import Schema
from documents.generate.placeholders import Tag, find_tags, placeholder, syntax_problem
from documents.generate.wordml import W_P, W_TR, ParagraphText

_FILLED_PARTS = {CONTENT_TYPE.WML_DOCUMENT_MAIN, CONTENT_TYPE.WML_HEADER, CONTENT_TYPE.WML_FOOTER}
_UNFILLED_PARTS = {CONTENT_TYPE.WML_FOOTNOTES: "footnotes", CONTENT_TYPE.WML_ENDNOTES: "endnotes"}


class InvalidTemplate(RejectedUpload):
    """The template cannot be filled for its kind; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "This template cannot be used: " + "; ".join(problems), code="invalid_template"
        )
        self.problems = tuple(problems)


@dataclass(frozen=True)
class _Found:
    text: ParagraphText
    tags: tuple[Tag, ...]

    @property
    def row(self) -> _Element | None:
        """The innermost table row around the paragraph."""
        return next(self.text.paragraph.iterancestors(W_TR), None)


class Template:
    """One use of a template: check it with `problems`, then `fill` it once."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._found: list[_Found] = []
        self._unfilled: list[tuple[str, Tag]] = []
        package = document.part.package
        self._external = sorted(
            {
                rel.target_ref
                for source in (package, *package.iter_parts())
                for rel in source.rels.values()
                if rel.is_external and rel.reltype != RELATIONSHIP_TYPE.HYPERLINK
            }
        )
        for part in package.iter_parts():
            if part.content_type in _FILLED_PARTS and isinstance(part, XmlPart):
                self._found.extend(_scan(part.element))
            elif part.content_type in _UNFILLED_PARTS:
                where = _UNFILLED_PARTS[part.content_type]
                self._unfilled += [(where, t) for f in _scan(parse_xml(part.blob)) for t in f.tags]

    def paths(self) -> set[str]:
        """The fields the template shows."""
        return {tag.path for found in self._found for tag in found.tags if tag.path}

    def problems(self, schema: Schema) -> list[str]:
        """What stops the template from being filled from `schema`, in words for the admin."""
        problems = [problem for found in self._found for problem in _tag_problems(found, schema)]
        repeats = self._repeats(schema)
        for row, lists in repeats.items():
            if len(lists) > 1:
                names = " and ".join(sorted(placeholder(f"{name}.…") for name in lists))
                problems.append(f"A table row can repeat for one list only, not for {names}")
            if any(outer in repeats for outer in row.iterancestors(W_TR)):
                problems.append("A repeating table row cannot be inside another repeating row")
        problems += [
            f"{tag.label} is in the {where}, where placeholders are not filled in"
            for where, tag in self._unfilled
        ]
        problems += [
            f"The template loads {target} from outside the document (a linked picture, object "
            "or template); insert pictures into the document instead"
            for target in self._external
        ]
        return list(dict.fromkeys(problems))

    def fill(self, schema: Schema, view_model: object) -> None:
        """Put the view model's values in; the template must have no `problems`."""
        repeats = {row: lists.pop() for row, lists in self._repeats(schema).items()}
        for found in self._found:
            if not any(row in repeats for row in found.text.paragraph.iterancestors(W_TR)):
                found.text.replace(_spans(found.tags, schema, view_model))
        for row, repeat in repeats.items():
            for item in schema.items(view_model, repeat):
                copy = deepcopy(row)
                for found in _scan(copy):
                    found.text.replace(_spans(found.tags, schema, view_model, item))
                row.addprevious(copy)
            row.getparent().remove(row)

    def _repeats(self, schema: Schema) -> dict[_Element, set[str]]:
        """Each repeating row -> the lists its placeholders name."""
        repeats: dict[_Element, set[str]] = {}
        for found in self._found:
            row = found.row
            for tag in found.tags:
                repeat = schema.fields.get(tag.path) if tag.path else None
                if repeat and row is not None:
                    repeats.setdefault(row, set()).add(repeat)
        return repeats


def open_template(stream: BinaryIO, limits: ZipLimits = ZipLimits()) -> Template:
    """Open a .docx for filling after the zip-bomb, XML and macro checks of `inspect_ooxml`.

    `stream` must be seekable.
    """
    if inspect_ooxml(stream, limits) != "docx":
        raise RejectedUpload("A template must be a Word document (.docx)", code="not_docx")
    return read_template(stream)


def read_template(stream: BinaryIO) -> Template:
    """Open a .docx that `inspect_ooxml` has just accepted."""
    stream.seek(0)
    try:
        return Template(docx.Document(stream))
    except (PackageNotFoundError, KeyError, ValueError):
        raise damaged() from None


def _scan(root: _Element) -> list[_Found]:
    found = []
    for paragraph in root.iter(W_P):
        text = ParagraphText(paragraph)
        tags = tuple(find_tags(text.text))
        if tags:
            found.append(_Found(text, tags))
    return found


def _tag_problems(found: _Found, schema: Schema) -> list[str]:
    problems = []
    for tag in found.tags:
        if tag.path is None:
            problems.append(syntax_problem(tag))
        elif tag.path not in schema.fields:
            problems.append(_unknown(tag.path, schema))
        elif (repeat := schema.fields[tag.path]) and found.row is None:
            problems.append(
                f"{tag.label} is filled in once for each item of {repeat}, "
                "so it must be in a table row"
            )
    return problems


def _unknown(path: str, schema: Schema) -> str:
    close = difflib.get_close_matches(path, list(schema.fields), n=1, cutoff=0.75)
    hint = f" (did you mean {placeholder(close[0])}?)" if close else ""
    return f"Unknown placeholder {placeholder(path)}{hint}"


def _spans(
    tags: tuple[Tag, ...], schema: Schema, view_model: object, item: object = None
) -> list[tuple[int, int, str]]:
    return [
        (tag.start, tag.end, schema.lookup(view_model, tag.path, item)) for tag in tags if tag.path
    ]
