"""Turning Markdown into the plain words the lint rules compare.

Every rule compares texts after the same normalisation (Markdown and punctuation
stripped, lower case, whitespace collapsed), so "**(B) Type-IV collagen**" in an
explanation matches the choice "Type IV collagen".
"""

import html
import re
import string

# Links and images keep their visible text; tags, emphasis, code marks, headings,
# quotes and list bullets go. Good enough for lengths and word matching, not a renderer.
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_LINE_MARKERS = re.compile(r"^[ \t]*(?:#{1,6}|>|[-+]|\d+[.)])[ \t]+", re.MULTILINE)
_MARKDOWN_SIGNS = re.compile(r"[\[<*_`~#>&]|^[ \t]*(?:[-+]|\d+[.)])[ \t]", re.MULTILINE)
# Punctuation becomes spaces through bytes.translate, several times faster than a regex over
# a long explanation; the few texts left with a non-word character go through the regex.
_PUNCTUATION = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
_UNICODE_PUNCTUATION = "°±×÷–—‘’“”…·•→←↑↓≤≥"  # what vignettes use; spaced out first, by str.replace
_WORD = re.compile(r"[^\W_]+")
_LONG_WORD = re.compile(r"[^ ]{4,}")  # in normalised text: the words of four characters or more

# Words of four or more letters that carry no content in a vignette or an option.
STOPWORDS = frozenset({
    "about", "above", "after", "also", "among", "been", "before", "being", "below", "between", "both",
    "could", "does", "done", "during", "each", "either", "following", "from", "have", "having", "here",
    "into", "least", "less", "likely", "more", "most", "much", "must", "neither", "only", "other", "over",
    "same", "should", "some", "such", "than", "that", "their", "them", "then", "there", "these", "they",
    "this", "those", "through", "under", "very", "were", "what", "when", "where", "which", "while",
    "will", "with", "within", "without", "would", "your", "patient", "patients", "increased", "decreased",
    "normal",
})  # fmt: skip


def strip_markdown(text: str) -> str:
    """The text a reader sees, on one line."""
    return " ".join(_without_markdown(text).split())


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: no Markdown, no punctuation."""
    return words_of(_without_markdown(text))


def _without_markdown(text: str) -> str:
    if _MARKDOWN_SIGNS.search(text):
        if "](" in text:
            text = _IMAGE_OR_LINK.sub(r"\1", text)
        if "<" in text:
            text = _TAG.sub(" ", text)
        text = _LINE_MARKERS.sub("", text)
        text = html.unescape(text).replace("*", "").replace("_", "").replace("`", "").replace("~", "")
    return text


def words_of(plain: str) -> str:
    """normalise() for text whose Markdown is already stripped."""
    plain = plain.lower()
    if not plain.isascii():
        for mark in _UNICODE_PUNCTUATION:
            plain = plain.replace(mark, " ")
    words = plain.encode().translate(_PUNCTUATION).decode().split()
    if not words or "".join(words).isalnum():
        return " ".join(words)
    return " ".join(_WORD.findall(plain))


def letter_count(word: str) -> int:
    return len(word) if word.isalpha() else sum(character.isalpha() for character in word)


def content_words(normalised: str) -> set[str]:
    """Words of at least four letters that are not stopwords."""
    words = set(_LONG_WORD.findall(normalised)) - STOPWORDS
    return {word for word in words if word.isalpha() or letter_count(word) >= 4}


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Whether normalised `phrase` appears in normalised `haystack` as whole words."""
    return bool(phrase) and f" {phrase} " in f" {haystack} "
