"""The whole bank against the rules no single item can break: duplicated vignettes, the
longest-option cue and the key-letter balance (the demo-bank review, §1.2-1.3, counts them so).

Bank findings carry external_id "" and name their items in the message.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from quizzes.lint.items import ERROR, WARNING, Finding, LintItem, item_texts, key_index, lint_item
from quizzes.lint.text import content_words, normalise

SHINGLE_WORDS = 5
DUPLICATE_ERROR = Fraction(1, 2)
DUPLICATE_WARNING = Fraction(3, 10)
# The same on content words (quizzes.lint.text.content_words), for duplicates reworded.
SAME_FINDINGS_ERROR = Fraction(3, 10)
SAME_FINDINGS_WARNING = Fraction(1, 4)
SAME_FINDINGS_MIN_WORDS = 6
LONGEST_KEY_LIMIT = 0.25
LONGEST_KEY_MIN_ITEMS = 20
LETTER_BALANCE_MIN_ITEMS = 50


@dataclass
class BankReport:
    findings: list[Finding]  # item findings in bank order, each item's errors first; then the bank's
    item_count: int
    letters_offered: dict[str, int]  # letter -> items that have a choice with that letter
    keys_per_letter: dict[str, int]
    longest_key_count: int  # items whose key is the uniquely longest choice
    longest_strategy_score: float  # expected share for "always pick the longest, ties at random"
    guessing_score: float  # expected share for picking at random

    @property
    def errors(self) -> int:
        return sum(finding.is_error for finding in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def longest_key_share(self) -> float:
        return self.longest_key_count / self.item_count if self.item_count else 0.0

    def summary_line(self) -> str:
        total = self.item_count or 1
        letters = ", ".join(
            f"{letter} {count} ({count / total:.1%})" for letter, count in self.keys_per_letter.items()
        )
        return (
            f"{self.item_count} items, {self.errors} errors, {self.warnings} warnings; "
            f"keys per letter: {letters or 'none'}; key uniquely longest in {self.longest_key_count} "
            f"({self.longest_key_share:.1%}); always picking the longest scores "
            f"{self.longest_strategy_score:.1%} (guessing {self.guessing_score:.1%})"
        )

    def as_dict(self) -> dict:
        return {
            "findings": [finding.as_dict() for finding in self.findings],
            "summary": {
                "items": self.item_count,
                "errors": self.errors,
                "warnings": self.warnings,
                "letters_offered": self.letters_offered,
                "keys_per_letter": self.keys_per_letter,
                "longest_key_count": self.longest_key_count,
                "longest_key_share": round(self.longest_key_share, 4),
                "longest_strategy_score": round(self.longest_strategy_score, 4),
                "guessing_score": round(self.guessing_score, 4),
                "line": self.summary_line(),
            },
        }


def lint_bank(items: Iterable[LintItem]) -> BankReport:
    """Every item's findings, then the bank's, with the figures for the summary line."""
    items = list(items)
    findings: list[Finding] = []
    offered: Counter[str] = Counter()
    offered_by_size: Counter[tuple[str, int]] = Counter()
    keys: Counter[str] = Counter()
    longest_keys = 0
    strategy = guessing = 0.0
    stems = []
    for item in items:
        texts = item_texts(item)
        findings += lint_item(item, texts)
        stems.append(texts.stem)
        lengths = texts.lengths
        letters = [letter for letter, _, _ in item.choices]
        offered.update(letters)
        offered_by_size.update((letter, len(letters)) for letter in letters)
        if letters:
            guessing += 1 / len(letters)
        key = key_index(item)
        if key is None:
            continue
        keys[letters[key]] += 1
        longest = max(lengths)
        tied = sum(length == longest for length in lengths)
        if lengths[key] == longest:
            strategy += 1 / tied
            longest_keys += tied == 1
    count = len(items)
    report = BankReport(
        findings=findings,
        item_count=count,
        letters_offered={letter: offered[letter] for letter in sorted(offered)},
        keys_per_letter={letter: keys[letter] for letter in sorted(offered)},
        longest_key_count=longest_keys,
        longest_strategy_score=strategy / count if count else 0.0,
        guessing_score=guessing / count if count else 0.0,
    )
    report.findings += _near_duplicates(items, stems)
    report.findings += _longest_key_share(report)
    report.findings += _key_letter_balance(report, offered_by_size)
    return report


def _longest_key_share(report: BankReport) -> list[Finding]:
    if report.item_count < LONGEST_KEY_MIN_ITEMS or report.longest_key_share <= LONGEST_KEY_LIMIT:
        return []
    return [
        Finding(
            "longest-key-share",
            ERROR,
            f"the key is the uniquely longest choice in {report.longest_key_count} of {report.item_count} "
            f"items ({report.longest_key_share:.1%}, limit {LONGEST_KEY_LIMIT:.0%}): always picking the "
            f"longest choice (ties at random) would score {report.longest_strategy_score:.1%} against "
            f"{report.guessing_score:.1%} by guessing; fix the items flagged key-longest",
        )
    ]


def _key_letter_balance(report: BankReport, offered_by_size: Counter[tuple[str, int]]) -> list[Finding]:
    """A letter's share of the keys among the items that offer it, against what chance gives.

    Chance gives a letter 1/k of the keys of the items with k choices, so its expected share
    is the mean of 1/k over the items that offer it, and the band is half to one and a half
    times that: 10-30 % when every item has five choices, 12.5-37.5 % with four, 8.3-25 %
    with six. A letter offered by fewer than 50 items (F in a bank of mostly five-choice
    items) is not judged: its share would be noise.
    """
    findings = []
    for letter, offered in report.letters_offered.items():
        if offered < LETTER_BALANCE_MIN_ITEMS:
            continue
        expected = sum(
            Fraction(count, size) for (each, size), count in offered_by_size.items() if each == letter
        ) / Fraction(offered)
        low, high = expected / 2, expected * 3 / 2
        share = Fraction(report.keys_per_letter[letter], offered)
        if low <= share <= high:
            continue
        findings.append(
            Finding(
                "key-letter-balance",
                ERROR,
                f"({letter}) is the key in {report.keys_per_letter[letter]} of the {offered} items that "
                f"offer it ({float(share):.1%}; expected {float(expected):.1%}, acceptable {float(low):.1%}-"
                f"{float(high):.1%}): re-letter keys so every letter carries its share",
            )
        )
    return findings


def near_duplicate_pairs(
    stems: list[str], threshold: Fraction = DUPLICATE_WARNING
) -> list[tuple[int, int, float]]:
    """(i, j, Jaccard) for every pair of stems (i < j) whose 5-word shingles overlap by >= `threshold`."""
    return _similar_pairs([normalise(stem) for stem in stems], threshold)


def _similar_pairs(stems: list[str], threshold: Fraction, tokens=None) -> list[tuple[int, int, float]]:
    """near_duplicate_pairs() for normalised stems, most similar first.

    Prefix filtering (Bayardo et al., "Scaling up all pairs similarity search", 2007): with
    every stem's shingles in one global order, rarest first, two sets with Jaccard >= t share
    one of the first |S| - ceil(t|S|) + 1 shingles of each, so only those go in the shingle ->
    stems buckets. A shingle no other stem has comes first and joins no pair, so it is never
    stored; boilerplate ("to the emergency department because") sits in thousands of stems
    but last in every order, so no bucket grows quadratic. Candidates are then checked on
    their shared shingles. Exact, no MinHash; 20,000 stems take about a second.
    """
    sizes, shared_sets, frequency = _shared_shingles(stems, tokens or _shingles)
    buckets: defaultdict[int, list[int]] = defaultdict(list)
    pairs = []
    for index, shared in enumerate(shared_sets):
        # The unshared shingles would fill the start of the prefix; what is left of it is shared.
        prefix = len(shared) - math.ceil(threshold * sizes[index]) + 1
        if prefix <= 0:
            continue
        # Sorted by value, then (stably) by frequency: one total order for every stem.
        ordered = sorted(sorted(shared), key=frequency.__getitem__)
        candidates: set[int] = set()
        for shingle in ordered[:prefix]:
            bucket = buckets[shingle]
            candidates.update(bucket)
            bucket.append(index)
        for other in candidates:
            common = len(shared & shared_sets[other])
            similarity = Fraction(common, sizes[index] + sizes[other] - common)
            if similarity >= threshold:
                pairs.append((other, index, float(similarity)))
    pairs.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return pairs


def _shared_shingles(stems: list[str], tokens) -> tuple[list[int], list[set[int]], Counter[int]]:
    """Each stem's shingle count, its shingles that another stem has too, and how many stems have each.

    Only the shingles two stems have can be shared, usually a small part of a bank's, so the
    rest are dropped as soon as they are known to be unique (about 100 MB at 20,000 stems).
    """
    shingle_sets = [tokens(stem) for stem in stems]
    seen: set[int] = set()
    repeated: set[int] = set()
    for shingles in shingle_sets:
        repeated |= shingles & seen
        seen |= shingles
    del seen
    sizes = [len(shingles) for shingles in shingle_sets]
    shared_sets = [shingles & repeated for shingles in shingle_sets]
    del shingle_sets
    frequency: Counter[int] = Counter()
    for shared in shared_sets:
        frequency.update(shared)
    return sizes, shared_sets, frequency


def _shingles(stem: str) -> set[int]:
    # Hashes, not word tuples: a 20,000-item bank holds about two million shingles.
    words = stem.split()
    return set(map(hash, zip(*(words[start:] for start in range(SHINGLE_WORDS)), strict=False)))


def _distinctive_words(stems: list[str]):
    """Each stem's content words less the bank's boilerplate (words in over a tenth of the stems:
    "year", "physician", "examination"), as a tokens function for _similar_pairs. Dropping them
    keeps the buckets small and widens the gap: the review's duplicates 0.35-0.55, the next pair 0.19."""
    words = {stem: content_words(stem) for stem in stems}
    frequency = Counter(word for each in words.values() for word in each)
    # ... and never in more than 50: past that a word says little about which stems repeat each other,
    # and its bucket would make the pass quadratic (20,000 stems drawn from a small vocabulary: 7 s
    # with 50, minutes with 2,000).
    common = min(max(5, len(stems) // 10), 50)
    distinct = {}
    for stem, each in words.items():
        kept = {word for word in each if frequency[word] <= common}
        # A stem of a few words shares them by chance; the shingles judge those.
        distinct[stem] = set(map(hash, kept)) if len(kept) >= SAME_FINDINGS_MIN_WORDS else set()
    return distinct.__getitem__


def _same_findings(items: list[LintItem], stems: list[str], known: set[tuple[int, int]]) -> list[Finding]:
    """Reworded duplicates: the same findings told in other words share few 5-word shingles (the
    review's three duplicate pairs in the old demo bank scored 0.06-0.14) but most of their
    distinctive words (0.35-0.55, where the next pair of unrelated stems scored 0.19)."""
    findings = []
    for first, second, similarity in _similar_pairs(stems, SAME_FINDINGS_WARNING, _distinctive_words(stems)):
        if (first, second) in known:
            continue
        a, b = items[first].external_id, items[second].external_id
        error = similarity >= SAME_FINDINGS_ERROR
        findings.append(
            Finding(
                "near-duplicate",
                ERROR if error else WARNING,
                f"the stems of {a} and {b} share most of their content words (Jaccard {similarity:.2f} >= "
                f"{float(SAME_FINDINGS_ERROR if error else SAME_FINDINGS_WARNING):.2f}): "
                + (
                    "the same patient in other words; rewrite or retire one of them"
                    if error
                    else "check that one does not give away the other's answer"
                ),
            )
        )
    return findings


def _near_duplicates(items: list[LintItem], stems: list[str]) -> list[Finding]:
    findings = []
    pairs = _similar_pairs(stems, DUPLICATE_WARNING)
    findings += _same_findings(items, stems, {(first, second) for first, second, _ in pairs})
    for first, second, similarity in pairs:
        a, b = items[first].external_id, items[second].external_id
        if similarity >= DUPLICATE_ERROR:
            findings.append(
                Finding(
                    "near-duplicate",
                    ERROR,
                    f"the stems of {a} and {b} are near-duplicates (5-word-shingle Jaccard "
                    f"{similarity:.2f} >= {float(DUPLICATE_ERROR):.2f}): a student who has seen one knows "
                    "the other; rewrite or retire one of them",
                )
            )
        else:
            findings.append(
                Finding(
                    "near-duplicate",
                    WARNING,
                    f"the stems of {a} and {b} are similar (5-word-shingle Jaccard {similarity:.2f} >= "
                    f"{float(DUPLICATE_WARNING):.2f}): check that one does not give away the other's answer",
                )
            )
    return findings
