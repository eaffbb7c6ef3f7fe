"""The placeholder syntax: ``{{ partner.name }}`` and nothing else.

Placeholders name a field of the view model; they have no filters, expressions, loops or
conditions. Anything that looks like template syntax but is not a plain placeholder (``{{ a |
upper }}``, ``{% if %}``, an unclosed ``{{``) is reported, so an admin never uploads a template
expecting logic that would silently print as text.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from documents.generate.wordml import BARRIER

_NAME = r"[^\W\d]\w*"
_PLACEHOLDER = re.compile(rf"\s*({_NAME}(?:\.{_NAME})*)\s*")
_TAG = re.compile(
    rf"\{{\{{(?P<inner>[^{BARRIER}]*?)\}}\}}|\{{%[^{BARRIER}]*?%\}}|\{{#[^{BARRIER}]*?#\}}"
    r"|\{\{|\{%"
)


@dataclass(frozen=True)
class Tag:
    start: int
    end: int
    source: str
    """The tag as written in the template."""
    path: str | None
    """The field it names, or None when it is not a valid placeholder."""

    @property
    def label(self) -> str:
        return placeholder(self.path) if self.path else self.source


def placeholder(path: str) -> str:
    return f"{{{{ {path} }}}}"


def find_tags(text: str) -> Iterator[Tag]:
    """Every placeholder, and every piece of would-be template syntax, in `text`."""
    for match in _TAG.finditer(text):
        inner = match.group("inner")
        name = _PLACEHOLDER.fullmatch(inner) if inner is not None else None
        yield Tag(match.start(), match.end(), match.group(), name.group(1) if name else None)


def syntax_problem(tag: Tag) -> str:
    """Why a tag with no valid path is not a placeholder."""
    if tag.source in ("{{", "{%"):
        return f"An opening {tag.source} is not closed in the same paragraph"
    if tag.source.startswith("{{"):
        return (
            f"{tag.source} is not a placeholder: write only a field name, like "
            f"{placeholder('partner.name')} (filters and expressions are not supported)"
        )
    return f"{tag.source}: template logic and comments are not supported, only placeholders"
