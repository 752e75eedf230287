"""Reading the parts of a question out of text other tools wrote (HTML or Markdown).

Other formats have one question text where the bank has a stem and a lead-in, and one feedback
where the bank has an explanation and an educational objective; these functions split them the
way a reader would, and turn HTML answers into the plain text a choice holds.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from html import unescape

# A final paragraph that is bold all through is the lead-in (our own export writes it so; USMLE-style
# banks in Moodle often do too), otherwise the last sentence that ends in "?".
_BOLD_MARKDOWN_PARAGRAPH = re.compile(r"\A\*\*(?P<inner>(?:(?!\*\*).)+)\*\*\Z", re.DOTALL)
_BOLD_HTML_PARAGRAPH = re.compile(
    r"<p\b[^>]*>\s*<(?P<tag>strong|b)>(?P<inner>(?:(?!</?(?:strong|b)\b).)+?)</(?P=tag)>\s*</p>\s*\Z",
    re.DOTALL | re.IGNORECASE,
)
_OBJECTIVE_MARKDOWN = re.compile(
    r"(?:\A|\n\s*\n)[ \t]*(?:\*\*Educational objective:?\*\*:?|Educational objective:)[ \t]*",
    re.IGNORECASE,
)
_OBJECTIVE_HTML = re.compile(
    r"<p\b[^>]*>\s*(?:<(?P<tag>strong|b)>\s*Educational objective:?\s*</(?P=tag)>:?|Educational objective:)"
    r"(?P<objective>.*?)</p>\s*\Z",
    re.DOTALL | re.IGNORECASE,
)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
    "tr", "td", "th", "blockquote", "hr", "img", "pre", "figure", "figcaption",
}  # fmt: skip
_CLOSERS = "\"'”’)]*_"
_EMPTY_ELEMENT = re.compile(r"<(p|div|span|strong|b|em|i|u)\b[^>]*>(?:\s|&nbsp;)*</\1>", re.IGNORECASE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = r"""\s{name}\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))"""
_MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)[^)]*\)")
# Moodle refers to a file embedded in the same text as @@PLUGINFILE@@/name (the name URL-encoded).
PLUGINFILE = "@@PLUGINFILE@@/"
PLUGINFILE_REFERENCE = re.compile(r"@@PLUGINFILE@@/(?P<name>[^\s\"'<>()\[\]?#]+)")


def split_lead_in(text: str, *, html: bool) -> tuple[str, str] | None:
    """(stem, lead_in), or None when the text has no sentence ending in "?"."""
    text = text.strip()
    bold = _bold_last_paragraph(text, html=html)
    if bold:
        return bold
    tags = [(match.start(), match.end(), _tag_name(match.group(0))) for match in _TAG.finditer(text)]
    inside = _TagIndex(tags)
    mark = _last_question_mark(text, inside)
    if mark is None:
        return None
    end = mark + 1
    start = _sentence_start(text, mark, inside, tags, html=html)
    # "**Which of the following ...?**": the emphasis goes with the lead-in, not left in the stem.
    emphasis = re.match(r"[*_]+", text[start:end])
    if emphasis and not html and text[end:].startswith(emphasis.group()):
        end += len(emphasis.group())
    raw = text[start:end]
    has_markup = html or any(start <= tag_start < end for tag_start, _, _ in tags)
    lead_in = plain_text(raw) if has_markup else " ".join(raw.split())
    lead_in = lead_in.strip("*_ ")
    stem = text[:start].rstrip(" \t") + text[end:]
    while True:  # "<p><strong></strong></p>" left where the lead-in was
        cleaned = _EMPTY_ELEMENT.sub("", stem)
        if cleaned == stem:
            break
        stem = cleaned
    return stem.strip(), lead_in


def _bold_last_paragraph(text: str, *, html: bool) -> tuple[str, str] | None:
    if html:
        match = _BOLD_HTML_PARAGRAPH.search(text)
        if not match:
            return None
        return text[: match.start()].strip(), plain_text(match.group("inner"))
    before, _, last = text.rpartition("\n\n")
    match = _BOLD_MARKDOWN_PARAGRAPH.match(last.strip())
    if not match or "\n" in match.group("inner"):
        return None
    return before.strip(), match.group("inner").strip()


def _tag_name(tag: str) -> str:
    match = re.match(r"</?\s*([a-zA-Z0-9]+)", tag)
    return match.group(1).lower() if match else ""


class _TagIndex:
    """`index[position]`: the number of the tag that character sits in, or -1 in text (a bisect over
    the tags' starts, so a long question costs no per-character table)."""

    def __init__(self, tags: list[tuple[int, int, str]]):
        self.tags = tags
        self.starts = [start for start, _, _ in tags]

    def __getitem__(self, position: int) -> int:
        index = bisect_right(self.starts, position) - 1
        return index if index >= 0 and position < self.tags[index][1] else -1


def _last_question_mark(text: str, inside: _TagIndex) -> int | None:
    for position in range(len(text) - 1, -1, -1):
        if text[position] != "?" or inside[position] >= 0:
            continue
        after = position + 1
        while after < len(text) and text[after] in _CLOSERS and inside[after] < 0:
            after += 1
        if after == len(text) or text[after].isspace() or inside[after] >= 0:
            return position
    return None


def _sentence_start(text: str, mark: int, inside: _TagIndex, tags: list, *, html: bool) -> int:
    position = mark - 1
    while position >= 0:
        tag = inside[position]
        if tag >= 0:
            start, end, name = tags[tag]
            if name in _BLOCK_TAGS:
                return end
            position = start - 1
            continue
        character = text[position]
        if character == "\n" and not html:
            return position + 1
        if character in ".!?":
            start = _sentence_after(text, position + 1, inside)
            if start is not None:
                return start
        position -= 1
    return 0


def _sentence_after(text: str, position: int, inside: _TagIndex) -> int | None:
    """After ".", "!" or "?": closing quotes, white space, then a capital or a digit starts a sentence
    (its index is returned); "e.g. digoxin" does not."""
    while position < len(text) and text[position] in _CLOSERS and inside[position] < 0:
        position += 1
    if position >= len(text) or not text[position].isspace():
        return None
    while position < len(text) and text[position].isspace():
        position += 1
    if position >= len(text):
        return None
    if inside[position] >= 0 or text[position].isupper() or text[position].isdigit():
        return position
    return position if text[position] in '"“(*_' else None


def split_objective(text: str, *, html: bool) -> tuple[str, str]:
    """(explanation, objective): a final "Educational objective:" paragraph is the objective."""
    text = text.strip()
    if html:
        match = _OBJECTIVE_HTML.search(text)
        if match and not re.search(r"<p\b", match.group("objective"), re.IGNORECASE):
            return text[: match.start()].strip(), plain_text(match.group("objective"))
        return text, ""
    matches = list(_OBJECTIVE_MARKDOWN.finditer(text))
    if not matches:
        return text, ""
    last = matches[-1]
    return text[: last.start()].strip(), text[last.end() :].strip()


def plain_text(html: str) -> str:
    """The text of an HTML fragment, for fields that hold plain text (a choice, a lead-in); an image
    becomes the Markdown reference a choice can show."""

    def image(match: re.Match) -> str:
        return f"![{attribute(match.group(0), 'alt')}]({attribute(match.group(0), 'src')})"

    text = _IMG.sub(image, html)
    text = re.sub(r"<br\s*/?>|</p\s*>|</li\s*>|</div\s*>", " ", text, flags=re.IGNORECASE)
    text = unescape(_TAG.sub("", text)).replace("\xa0", " ")
    return " ".join(text.split())


def attribute(tag: str, name: str) -> str:
    match = re.search(_ATTRIBUTE.format(name=name), tag, re.IGNORECASE)
    if not match:
        return ""
    return unescape(match.group("dq") or match.group("sq") or match.group("bare") or "").strip()


def image_problems(text: str, where: str) -> list[str]:
    """The site shows every image with alt text (students who cannot see it), so an image without
    one is refused at import rather than published without."""
    problems = []
    for match in _IMG.finditer(text):
        if not attribute(match.group(0), "alt"):
            src = attribute(match.group(0), "src") or "an image"
            problems.append(f"the image {src} in the {where} has no alt text (describe what it shows)")
    for match in _MARKDOWN_IMAGE.finditer(text):
        if not match.group("alt").strip():
            problems.append(
                f"the image {match.group('src')} in the {where} has no alt text (describe what it shows)"
            )
    return problems


def strip_text_format(text: str) -> tuple[str, str]:
    """GIFT's [html] / [markdown] / [plain] / [moodle] prefix: (format, the text after it)."""
    match = re.match(r"\s*\[(html|markdown|plain|moodle)\]", text, re.IGNORECASE)
    if not match:
        return "", text
    return match.group(1).lower(), text[match.end() :]
