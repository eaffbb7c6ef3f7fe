"""Markdown bodies (articles, announcements) to HTML that cannot run anything in the portal.

markdown-it-py renders CommonMark (and tables) with raw HTML turned off, so ``<script>`` typed in
a body comes out as text; nh3 then keeps only an allow-list of tags and attributes, links only
to http(s) and mailto (no ``javascript:``), and no images (the CSP would refuse other hosts'
anyway). The strict CSP is the second line of defence.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br", "hr", "ul", "ol", "li"),
    *("strong", "em", "s", "code", "pre", "a"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def render_markdown(text: str) -> Markup:
    """Safe HTML for a Markdown body, ready to put in a template as it is."""
    clean = nh3.clean(
        _MARKDOWN.render(text or ""),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - nh3's output: only the allow-list above is left
