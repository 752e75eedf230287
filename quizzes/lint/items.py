"""One item against the item-writing rules (NBME Item-Writing Guide, and the demo-bank review §1.3, §3).

The rules work on `LintItem`, a plain shape with no database behind it, so the
same code lints a saved Question (admin, `manage.py lint_bank`) and a question
file that was never imported (`manage.py lint_bank --file`, CI before migrations).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, NamedTuple

from quizzes.lint.text import (
    contains_phrase,
    content_words,
    letter_count,
    normalise,
    strip_markdown,
    words_of,
)

if TYPE_CHECKING:
    from quizzes.models import Question
    from quizzes.question_format import QuestionData

ERROR = "error"
WARNING = "warning"

UNEQUAL_RATIO = 4
UNEQUAL_MIN_LONGEST = 30
OVERLAP_SHARE = 0.75


@dataclass(frozen=True)
class LintItem:
    external_id: str
    stem: str
    lead_in: str
    choices: tuple[tuple[str, str, bool], ...]  # (letter, text, correct)
    explanation: str
    objective: str


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # ERROR or WARNING
    message: str
    external_id: str = ""  # "" for a finding about the whole bank

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def lint_item_from_question(question: Question) -> LintItem:
    """The item for a saved question; prefetch its choices when linting many."""
    return LintItem(
        external_id=question.external_id,
        stem=question.stem,
        lead_in=question.lead_in,
        choices=tuple((choice.letter, choice.text, choice.is_correct) for choice in question.choices.all()),
        explanation=question.explanation,
        objective=question.educational_objective,
    )


def lint_item_from_data(question: QuestionData) -> LintItem:
    """The item for a question parsed from a file (quizzes.question_format.parse_bank)."""
    return LintItem(
        external_id=question.external_id,
        stem=question.stem,
        lead_in=question.lead_in,
        choices=tuple((choice.letter, choice.text, choice.is_correct) for choice in question.choices),
        explanation=question.explanation,
        objective=question.objective,
    )


class ItemTexts(NamedTuple):
    """An item's texts, stripped and normalised once for all the rules (and the bank's)."""

    choices: list[str]  # as the student reads them: Markdown stripped
    lengths: list[int]  # in characters, of those
    normal_choices: list[str]
    stem: str  # normalised
    lead_in: str  # Markdown stripped
    normal_lead_in: str


def item_texts(item: LintItem) -> ItemTexts:
    choices = [strip_markdown(text) for _, text, _ in item.choices]
    lead_in = strip_markdown(item.lead_in)
    return ItemTexts(
        choices=choices,
        lengths=[len(text) for text in choices],
        normal_choices=[words_of(text) for text in choices],
        stem=normalise(item.stem),
        lead_in=lead_in,
        normal_lead_in=words_of(lead_in),
    )


def key_index(item: LintItem) -> int | None:
    """Where the key is among the choices; None unless exactly one choice is correct.

    The database and parse_bank both insist on one key, so None only comes from a
    hand-built item; the key rules then have nothing to check.
    """
    keys = [index for index, (_, _, correct) in enumerate(item.choices) if correct]
    return keys[0] if len(keys) == 1 else None


def lint_item(item: LintItem, texts: ItemTexts | None = None) -> list[Finding]:
    """Every finding for one item, errors first. `texts`: item_texts(item), if already computed."""
    texts = texts or item_texts(item)
    key = key_index(item)
    messages: list[tuple[str, str, str]] = []
    messages += _negative_lead_in(texts)
    messages += _all_or_none_of_the_above(item, texts)
    if key is not None:
        messages += _key_longest(item, texts, key)
        messages += _stem_gives_key(item, texts, key)
    messages += _explanation_misses_choice(item, texts)
    messages += _unequal_options(item, texts)
    if not item.objective.strip():
        messages.append(
            (
                "missing-objective",
                ERROR,
                "the educational objective is empty: add one sentence that says what a student should "
                "take away from this item",
            )
        )
    messages.sort(key=lambda message: message[1] != ERROR)
    return [Finding(code, severity, text, item.external_id) for code, severity, text in messages]


def _key_longest(item: LintItem, texts: ItemTexts, key: int) -> list[tuple[str, str, str]]:
    lengths = texts.lengths
    others = [length for index, length in enumerate(lengths) if index != key]
    if not others or lengths[key] <= max(others):
        return []
    letter = item.choices[key][0]
    return [
        (
            "key-longest",
            WARNING,
            f"the key ({letter}) is the only longest choice ({lengths[key]} characters vs {max(others)} "
            "next): cue for test-wise students; shorten it or lengthen the distractors",
        )
    ]


# EXCEPT and LEAST mark a negative lead-in in any case ("at least" is a quantity, not one).
_NEGATIVE_WORD = re.compile(r"\bexcept\b|(?<!\bat )\bleast\b", re.IGNORECASE)
# NOT, CANNOT and FALSE in capitals are the NBME's way of writing a negative lead-in.
_NEGATIVE_CAPITALS = re.compile(r"\b(?:NOT|CANNOT|FALSE)\b")
# In lower case, "not" is negative only when it negates the question itself: "Which of the
# following drugs does not ...", "... is false?". "Which of the following best explains why she
# did not respond?" asks a positive question about a negative fact, so a clause word (why,
# because, reason, ...) between "which" and the verb ends the match, as do more than five words.
_VERB = r"(?:is|are|was|were|does|do|did|would|will|could|can|should|may|might|must|has|have)"
_CLAUSE_WORD = r"(?:why|because|reason|that|when|if|after|since|although|while)\b"
_NEGATIVE_QUESTION = re.compile(
    rf"\bwhich(?:\s+one)?(?:\s+of\s+(?:the\s+following|these|those))?"
    rf"(?:\s+(?!{_CLAUSE_WORD})[\w'-]+){{0,5}}?\s+(?:{_VERB}\s+not|cannot|(?:is|are)\s+false)\b(?!-)",
    re.IGNORECASE,
)

_NEGATIVE_RULES = (_NEGATIVE_WORD, _NEGATIVE_CAPITALS, _NEGATIVE_QUESTION)


def _negative_lead_in(texts: ItemTexts) -> list[tuple[str, str, str]]:
    """The lead-in only: a stem is narrative ("she does not smoke", "not tender") and never checked."""
    lead_in = texts.lead_in
    match = next(
        (found for rule in _NEGATIVE_RULES if (found := rule.search(lead_in))),
        None,
    )
    if not match:
        return []
    return [
        (
            "negative-lead-in",
            ERROR,
            f'the lead-in is negative ("{match.group(0).split()[-1]}"): ask for the single best answer '
            'positively, e.g. "Which of the following is the most likely ...?"',
        )
    ]


_ALL_OR_NONE = re.compile(r"\b(?:all|none)(?: of)? (?:the above|these)\b")


def _all_or_none_of_the_above(item: LintItem, texts: ItemTexts) -> list[tuple[str, str, str]]:
    return [
        (
            "all-none-above",
            ERROR,
            f'choice ({letter}) "{text}" is an all/none-of-the-above option: replace it with one specific, '
            "plausible distractor",
        )
        for (letter, _, _), text, words in zip(item.choices, texts.choices, texts.normal_choices, strict=True)
        if ("above" in words or "these" in words) and _ALL_OR_NONE.search(words)
    ]


def _stem_gives_key(item: LintItem, texts: ItemTexts, key: int) -> list[tuple[str, str, str]]:
    letter, text = item.choices[key][0], texts.choices[key]
    key_words = texts.normal_choices[key]
    key_content = content_words(key_words)
    stem = texts.stem
    telling = len(key_content) >= 2 or (len(key_words.split()) == 1 and letter_count(key_words) >= 6)
    if telling and (contains_phrase(stem, key_words) or contains_phrase(texts.normal_lead_in, key_words)):
        return [
            (
                "stem-gives-key",
                ERROR,
                f'the stem or lead-in states the key ({letter}) "{text}": a student can '
                "match words instead of reasoning; describe the finding without naming the answer",
            )
        ]
    if not key_content:
        return []
    stem_words = set(stem.split())  # holds every content word of the stem, and is cheaper to make
    shared = key_content & stem_words
    if len(shared) < OVERLAP_SHARE * len(key_content):
        return []
    # "While no distractor's do": no distractor echoes the stem as much as the key does.
    for index, distractor in enumerate(texts.normal_choices):
        distractor_content = content_words(distractor)
        if (
            index != key
            and distractor_content
            and len(distractor_content & stem_words) >= OVERLAP_SHARE * len(distractor_content)
        ):
            return []
    return [
        (
            "stem-key-overlap",
            WARNING,
            f"the key ({letter}) repeats {len(shared)} of its {len(key_content)} content words from the stem "
            f"({', '.join(sorted(shared))}) and no distractor does: reword the key or let the distractors "
            "echo the stem too",
        )
    ]


# "(A)", also as written in Markdown: "(**A**) ...".
_LETTER_MARKER = re.compile(r"\(\s*[*_]{0,2}([A-F])[*_]{0,2}\s*\)")


def _explanation_misses_choice(item: LintItem, texts: ItemTexts) -> list[tuple[str, str, str]]:
    letters_named = set(_LETTER_MARKER.findall(item.explanation))
    if all(letter in letters_named for letter, _, _ in item.choices):
        return []  # the house style, and the long explanation need not be normalised
    explanation = f" {normalise(item.explanation)} "
    findings = []
    choices = zip(item.choices, texts.choices, texts.normal_choices, strict=True)
    for (letter, _, correct), text, words in choices:
        if letter in letters_named or (words and f" {words} " in explanation):
            continue
        why = "right" if correct else "wrong"
        findings.append(
            (
                "explanation-misses-choice",
                ERROR,
                f'the explanation never mentions choice ({letter}) "{text}" (neither its '
                f'text nor "({letter})"): say why it is {why}, e.g. "- **({letter}) ...** is '
                f'{"correct" if correct else "incorrect"} because ..."',
            )
        )
    return findings


def _unequal_options(item: LintItem, texts: ItemTexts) -> list[tuple[str, str, str]]:
    lengths = texts.lengths
    if len(lengths) < 2:
        return []
    longest = max(range(len(lengths)), key=lengths.__getitem__)
    shortest = min(range(len(lengths)), key=lengths.__getitem__)
    if lengths[longest] <= UNEQUAL_MIN_LONGEST or lengths[longest] <= UNEQUAL_RATIO * lengths[shortest]:
        return []
    ratio = lengths[longest] / lengths[shortest] if lengths[shortest] else float("inf")
    return [
        (
            "unequal-options",
            WARNING,
            f"the options are unequal: ({item.choices[longest][0]}) has {lengths[longest]} characters, "
            f"({item.choices[shortest][0]}) only {lengths[shortest]} (ratio {ratio:.1f} > {UNEQUAL_RATIO}): "
            "make the options the same kind of thing and of similar length",
        )
    ]
