"""Markdown written by faculty, turned into HTML that is safe to show students.

Markdown allows raw HTML, so the output goes through nh3 (an allow-list
sanitiser): a <script>, an onerror= or a javascript: link never survives.
"""

import re

import markdown as markdown_lib
import nh3

from quizzes.images import images_resolve_html

_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "sub", "sup", "code", "pre",
    "blockquote", "ul", "ol", "li", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "img", "a", "span",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"align"},
    "td": {"align"},
}
_URL_SCHEMES = {"http", "https", "mailto"}


# The zoom link around a question image, and the marker for an image reference that names no stored image.
_CLASSES = {"a": {"zoomable"}, "span": {"image-missing"}}


def render_markdown(text: str, *, images: dict | None = None) -> str:
    """`images` maps the keys of the stored images the text refers to (`image:KEY`) to their rows."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    html = images_resolve_html(html, images or {})
    html = re.sub(r"<img (?![^>]*loading=)", '<img loading="lazy" ', html)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        allowed_classes=_CLASSES,
        link_rel="noopener noreferrer nofollow",
    )
