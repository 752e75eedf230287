"""Markdown written by faculty, turned into HTML that is safe to show students.

Markdown allows raw HTML, so the output goes through nh3 (an allow-list
sanitiser): a <script>, an onerror= or a javascript: link never survives.
"""

import markdown as markdown_lib
import nh3

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


def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    html = html.replace("<img ", '<img loading="lazy" ')
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
