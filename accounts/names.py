"""Names students see on the boards, made hard to imitate.

- Usernames are ASCII letters, digits and `._-` only (no "demo" spelt with a Cyrillic e),
  unique regardless of case.
- A student's public name (display name, or else username) must not look like
  another student's: two names whose skeletons match are refused. The skeleton
  is NFKC, case-folded, without spaces and invisible characters, with every
  character replaced by its plainest look-alike from the Unicode confusables
  table (through confusable_homoglyphs, the table django-registration uses), once in
the case typed and once case-folded. It catches other scripts, fullwidth forms,
spacing, case and some digits for letters (l and 1); it is not the full UTS #39
skeleton, so it is a guard against the common disguises, not a proof.
"""

from __future__ import annotations

import functools
import unicodedata

from confusable_homoglyphs import confusables
from django.core.validators import RegexValidator

username_validator = RegexValidator(
    r"\A[A-Za-z0-9._-]+\Z",
    "Use only letters A-Z, digits and . _ - in a username (no spaces, no accents, no other scripts).",
    code="invalid",
)


@functools.cache
def _prototype(character: str) -> str:
    """The plainest character the table says this one can be mistaken for: ASCII first, then the lowest
    code point. Only the table's own pairs: joining them transitively would make "y" look like "r"."""
    candidates = {character}
    for homoglyph in confusables.confusables_data.get(character, ()):
        glyph = homoglyph["c"].strip("\u200e\u200f")  # right-to-left glyphs come wrapped in direction marks
        if len(glyph) == 1:
            candidates.add(glyph)
    return min(candidates, key=lambda c: (not c.isascii(), ord(c)))


def name_skeleton(name: str) -> str:
    # Other scripts' look-alikes first in the case they were typed (a Cyrillic capital VE looks like B,
    # its small letter does not), then case-folded and mapped again. Spaces, controls and invisibles go.
    text = unicodedata.normalize("NFKC", name or "")
    # ASCII letters are no disguise of another script: fold their case at once ("BOB" is "bob", not "B0B").
    kept = [c.lower() if c.isascii() else c for c in text if unicodedata.category(c)[0] not in "ZC"]
    once = "".join(_prototype(c) for c in kept).casefold()
    return "".join(_prototype(c) for c in once).casefold()[:120]
