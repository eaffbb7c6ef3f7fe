"""HTML previews of .docx files, sanitised so nothing in a document can run in the portal.

mammoth turns the document into simple HTML; nh3 (ammonia) then keeps only an allow-list of
tags and attributes: links only to http(s)/mailto, images only as inline raster data URIs, no
scripts, styles, event handlers or ids. Serve the result in a sandboxed frame or under a
Content-Security-Policy as a second line of defence.
"""

import base64
import re
from typing import BinaryIO

import mammoth
import nh3

from documents.content.ooxml import inspect_ooxml

MAX_HTML_CHARS = 2_000_000
MAX_INLINE_IMAGE_BYTES = 1024 * 1024

_INLINE_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]*")
_TAGS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br", "ul", "ol", "li"),
    *("strong", "em", "u", "s", "sub", "sup", "a", "img"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def docx_to_html(stream: BinaryIO) -> str:
    """Preview HTML for a .docx; the package is inspected first (see `inspect_ooxml`)."""
    inspect_ooxml(stream)
    stream.seek(0)
    result = mammoth.convert_to_html(stream, convert_image=mammoth.images.img_element(_image))
    return sanitize_html(result.value[:MAX_HTML_CHARS])


def _image(image: mammoth.documents.Image) -> dict[str, str]:
    """Small raster images inline as data URIs; anything else is left out."""
    with image.open() as data:
        content = data.read(MAX_INLINE_IMAGE_BYTES + 1)
    if len(content) > MAX_INLINE_IMAGE_BYTES:
        return {}
    source = f"data:{image.content_type};base64,{base64.b64encode(content).decode()}"
    return {"src": source} if _INLINE_IMAGE.fullmatch(source) else {}


def _allow_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src":
        return value if _INLINE_IMAGE.fullmatch(value) else None
    if attribute == "href" and value.lower().startswith("data:"):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Keep the small vocabulary mammoth produces; drop everything that could run or track."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},  # data: narrowed in _allow_attribute
        attribute_filter=_allow_attribute,
        link_rel="noopener noreferrer nofollow",
    )
