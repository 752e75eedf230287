"""Reads a page's HTML the way a browser would and lists anything that could run script."""

from html.parser import HTMLParser

# Elements no page of ours uses: seeing one means a payload got through.
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _Audit(HTMLParser):
    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            scheme = (value or "").strip().lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "data:text")):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "style":
                self.found.append(f"<{tag} style=...> (inline style)")
        if tag == "script" and not values.get("src") and values.get("nonce") != self.nonce:
            self.found.append("<script> without src or this response's nonce")
        if tag == "style" and values.get("nonce") != self.nonce:
            self.found.append("<style> without this response's nonce")

    handle_startendtag = handle_starttag


def active_content(html: str, *, nonce: str | None = None) -> list[str]:
    """Inline handlers, javascript: URLs, inline styles, embeds, scripts or styles without the nonce."""
    audit = _Audit(nonce)
    audit.feed(html)
    return audit.found


def tags(html: str) -> list[str]:
    """Every start tag, in order (for counting elements a payload might have smuggled in)."""
    found: list[str] = []

    class _Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append(tag)

    _Tags().feed(html)
    return found
