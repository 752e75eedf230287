"""The item-writing linter (quizzes/lint) and `manage.py lint_bank`."""

import itertools
import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string

from quizzes.lint import (
    Finding,
    LintItem,
    lint_bank,
    lint_item,
    lint_item_from_data,
    lint_item_from_question,
    near_duplicate_pairs,
)
from quizzes.models import Question
from quizzes.question_format import parse_bank
from tests.conftest import make_question

CHOICES = (
    ("A", "Folate deficiency", False),
    ("B", "Iron deficiency", True),
    ("C", "Lead poisoning", False),
    ("D", "Vitamin B12 deficiency", False),
    ("E", "Beta thalassemia minor", False),
)
LONG_KEY = "Iron deficiency from occult gastrointestinal blood loss"  # 55 characters, the rest at most 22
EXPLANATION = "Microcytic anemia in an adult man points to chronic blood loss.\n\n" + "\n".join(
    f"- **({letter}) {text}** is {'correct' if key else 'incorrect'} because ..."
    for letter, text, key in CHOICES
)


def clean_item(**overrides) -> LintItem:
    """An item every rule passes."""
    fields = {
        "external_id": "lint-001",
        "stem": "A 45-year-old man comes to the physician because of fatigue for 3 months. His hemoglobin "
        "concentration is 9.2 g/dL and the mean corpuscular volume is 70 μm³.",
        "lead_in": "Which of the following is the most likely cause of this patient's findings?",
        "choices": CHOICES,
        "explanation": EXPLANATION,
        "objective": "Microcytic anemia in an adult man is iron deficiency until proven otherwise.",
    }
    fields.update(overrides)
    return LintItem(**fields)


def with_choice(item: LintItem, letter: str, text: str) -> LintItem:
    choices = tuple((each, text if each == letter else old, key) for each, old, key in item.choices)
    return replace(item, choices=choices)


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def found(item: LintItem, code: str) -> list[Finding]:
    return [finding for finding in lint_item(item) if finding.code == code]


def test_a_well_written_item_has_no_findings():
    assert lint_item(clean_item()) == []


# key-longest


def test_the_uniquely_longest_key_is_a_warning_that_names_both_lengths():
    item = with_choice(clean_item(), "B", LONG_KEY)
    [finding] = found(item, "key-longest")
    assert finding.severity == "warning"
    assert finding.external_id == "lint-001"
    assert "the key (B) is the only longest choice (55 characters vs 22 next)" in finding.message
    assert "shorten it or lengthen the distractors" in finding.message


def test_a_key_tied_for_longest_is_not_flagged():
    item = with_choice(clean_item(), "B", "Chronic iron deficiency")  # 23 characters
    item = with_choice(item, "D", "Vitamin B12 deficiency.")  # 23 as well
    assert "key-longest" not in codes(lint_item(item))


def test_markdown_does_not_count_towards_a_choice_length():
    # 19 characters as typed, 15 as read: shorter than the 22-character distractors.
    assert "key-longest" not in codes(lint_item(with_choice(clean_item(), "B", "**Iron deficiency**")))


# negative-lead-in


@pytest.mark.parametrize(
    "lead_in",
    [
        "Each of the following is a cause of microcytic anemia EXCEPT:",
        "All of the following are causes except which one?",
        "Which of the following is least likely to be found?",
        "Which of the following is NOT a cause of this anemia?",
        "Which of the following statements about this anemia is FALSE?",
        "Which of the following statements about this anemia is false?",
        "Which of the following drugs does not cross the placenta?",
        "Which one of the following cannot cause microcytosis?",
        "Which of the following adverse effects of amiodarone is not dose related?",
    ],
)
def test_a_negative_lead_in_is_an_error(lead_in):
    [finding] = found(clean_item(lead_in=lead_in), "negative-lead-in")
    assert finding.severity == "error"
    assert "ask for the single best answer positively" in finding.message


@pytest.mark.parametrize(
    "lead_in",
    [
        "Which of the following is the most notable finding?",
        "A knot in which of the following structures explains the findings?",
        "Which of the following is the most likely reason this patient did not respond to iron?",
        "Which of the following best explains why she does not menstruate?",
        "Which of the following must be given for at least 3 months?",
        "Which of the following explains this false-positive result?",
        "Which of the following is the exception that proves the rule?",
    ],
)
def test_positive_lead_ins_with_negative_looking_words_pass(lead_in):
    assert "negative-lead-in" not in codes(lint_item(clean_item(lead_in=lead_in)))


def test_a_stem_that_says_not_is_never_a_negative_lead_in():
    stem = "A 45-year-old man does NOT smoke and is not short of breath; the liver is not tender."
    assert "negative-lead-in" not in codes(lint_item(clean_item(stem=stem)))


# all-none-above


@pytest.mark.parametrize(
    "text", ["All of the above", "None of the above.", "NONE OF THE ABOVE", "all the above"]
)
def test_all_or_none_of_the_above_is_an_error(text):
    [finding] = found(with_choice(clean_item(), "E", text), "all-none-above")
    assert finding.severity == "error"
    assert finding.message.startswith("choice (E)")


@pytest.mark.parametrize("text", ["Allergy to the above-named drug", "Nonessential amino acid deficit"])
def test_choices_that_merely_contain_the_words_pass(text):
    assert "all-none-above" not in codes(lint_item(with_choice(clean_item(), "E", text)))


# stem-gives-key and stem-key-overlap


def test_a_stem_that_states_a_multiword_key_is_an_error_despite_case_and_punctuation():
    stem = clean_item().stem + " Her sister had IRON-deficiency anemia."
    [finding] = found(clean_item(stem=stem), "stem-gives-key")
    assert finding.severity == "error"
    assert 'states the key (B) "Iron deficiency"' in finding.message


def test_a_lead_in_that_states_the_key_is_an_error():
    lead_in = "Which of the following tests confirms iron deficiency?"
    assert "stem-gives-key" in codes(lint_item(clean_item(lead_in=lead_in)))


def test_a_single_long_word_key_in_the_stem_is_an_error():
    item = with_choice(clean_item(), "B", "Bradykinin")
    item = replace(item, stem=item.stem + " Bradykinin levels are being studied.")
    assert "stem-gives-key" in codes(lint_item(item))


def test_short_keys_and_words_inside_other_words_do_not_give_the_key_away():
    item = with_choice(clean_item(), "B", "IgA")  # one word of three letters: too common to judge
    assert "stem-gives-key" not in codes(lint_item(replace(item, stem=item.stem + " IgA is normal.")))
    item = with_choice(clean_item(), "B", "Lipase")
    assert "stem-gives-key" not in codes(lint_item(replace(item, stem=item.stem + " Lipases are normal.")))


def renal_item(**overrides) -> LintItem:
    stem = "A 30-year-old woman has hypertension; imaging shows stenosis of the renal artery at its origin."
    choices = (
        ("A", "Renal artery stenosis", True),
        ("B", "Pheochromocytoma", False),
        ("C", "Primary hyperaldosteronism", False),
        ("D", "Cushing syndrome", False),
    )
    explanation = "The (A) (B) (C) and (D) choices are discussed."
    return clean_item(stem=stem, choices=choices, explanation=explanation, **overrides)


def test_a_key_echoing_the_stem_words_when_no_distractor_does_is_a_warning():
    [finding] = found(renal_item(), "stem-key-overlap")
    assert finding.severity == "warning"
    assert "repeats 3 of its 3 content words from the stem (artery, renal, stenosis)" in finding.message


def test_no_overlap_warning_when_a_distractor_echoes_the_stem_too_or_the_key_shares_little():
    item = renal_item()
    echoing = with_choice(
        replace(item, stem=item.stem + " She had an aortic coarctation."), "B", "Aortic coarctation"
    )
    assert "stem-key-overlap" not in codes(lint_item(echoing))
    unrelated = with_choice(item, "A", "Fibromuscular dysplasia of the carotid")
    assert "stem-key-overlap" not in codes(lint_item(unrelated))


# explanation-misses-choice


def test_an_explanation_that_skips_a_choice_is_an_error_per_choice():
    explanation = "\n".join(
        line for line in EXPLANATION.splitlines() if "(C)" not in line and "(B)" not in line
    )
    findings = [
        f for f in lint_item(clean_item(explanation=explanation)) if f.code == "explanation-misses-choice"
    ]
    assert [f.severity for f in findings] == ["error", "error"]
    assert 'choice (B) "Iron deficiency"' in findings[0].message
    assert "say why it is right" in findings[0].message
    assert 'choice (C) "Lead poisoning"' in findings[1].message
    assert "say why it is wrong" in findings[1].message


def test_a_choice_named_by_its_text_without_a_letter_counts_as_mentioned():
    explanation = EXPLANATION.replace("(C) Lead poisoning", "Lead-poisoning").replace("(B) ", "")
    assert "explanation-misses-choice" not in codes(lint_item(clean_item(explanation=explanation)))


def test_a_choice_text_found_only_inside_a_longer_word_is_not_a_mention():
    item = with_choice(clean_item(), "C", "Lead")
    explanation = EXPLANATION.replace("(C) Lead poisoning", "A misleading history")
    assert "explanation-misses-choice" in codes(lint_item(replace(item, explanation=explanation)))


# unequal-options and missing-objective


def test_very_unequal_options_are_a_warning():
    item = with_choice(clean_item(), "E", "Thalassemia trait inherited from both parents")
    item = with_choice(item, "C", "Lead")
    [finding] = found(item, "unequal-options")
    assert finding.severity == "warning"
    assert "(E) has 45 characters, (C) only 4 (ratio 11.2 > 4)" in finding.message


def test_unequal_options_need_both_the_ratio_and_a_long_option():
    item = with_choice(clean_item(), "C", "Lead")  # 22 / 4 > 4, but the longest is short
    assert "unequal-options" not in codes(lint_item(item))
    item = with_choice(clean_item(), "E", "Beta thalassemia minor, inherited")  # 33 / 14 < 4
    assert "unequal-options" not in codes(lint_item(item))


def test_an_empty_objective_is_an_error():
    [finding] = lint_item(clean_item(objective="   "))
    assert (finding.code, finding.severity) == ("missing-objective", "error")


def test_errors_come_before_warnings():
    item = with_choice(clean_item(objective=""), "B", LONG_KEY)
    assert codes(lint_item(item)) == ["missing-objective", "key-longest"]


# the bank


def stem_of(words: list[str]) -> str:
    return " ".join(words)


def test_identical_stems_are_a_near_duplicate_error_naming_both_items():
    items = [clean_item(external_id="q-1"), clean_item(external_id="q-2"), renal_item(external_id="q-3")]
    [finding] = [f for f in lint_bank(items).findings if f.code == "near-duplicate"]
    assert (finding.severity, finding.external_id) == ("error", "")
    assert (
        "the stems of q-1 and q-2 are near-duplicates (5-word-shingle Jaccard 1.00 >= 0.50)"
        in finding.message
    )


def test_stems_sharing_a_third_of_their_shingles_are_a_warning():
    words = [f"word{n}" for n in range(40)]  # 36 shingles each
    similar = words[:24] + [f"other{n}" for n in range(16)]  # 20 shared: 20 / 52 = 0.38
    items = [
        clean_item(external_id="q-1", stem=stem_of(words)),
        clean_item(external_id="q-2", stem=stem_of(similar)),
    ]
    [finding] = [f for f in lint_bank(items).findings if f.code == "near-duplicate"]
    assert finding.severity == "warning"
    assert "q-1 and q-2 are similar (5-word-shingle Jaccard 0.38 >= 0.30)" in finding.message


def test_shared_boilerplate_alone_makes_no_pair():
    boilerplate = [
        "comes",
        "to",
        "the",
        "emergency",
        "department",
        "because",
        "of",
        "chest",
        "pain",
        "for",
        "two",
        "hours",
    ]
    stems = [stem_of(boilerplate + [f"w{n}x{i}" for i in range(40)]) for n in range(200)]
    assert near_duplicate_pairs(stems) == []


def test_the_bucketed_search_finds_exactly_the_pairs_a_full_comparison_finds():
    chooser = random.Random(3)
    vocabulary = [f"v{n}" for n in range(60)]
    stems = []
    for _ in range(150):
        if stems and chooser.random() < 0.4:  # an edited copy of an earlier stem
            words = chooser.choice(stems).split()
            words = [chooser.choice(vocabulary) if chooser.random() < 0.1 else word for word in words]
        else:
            words = [chooser.choice(vocabulary) for _ in range(chooser.randint(3, 40))]
        stems.append(" ".join(words))

    def shingles(stem):
        words = stem.split()
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    expected = []
    for (i, a), (j, b) in itertools.combinations(enumerate(map(shingles, stems)), 2):
        if a and b and Fraction(len(a & b), len(a | b)) >= Fraction(3, 10):
            expected.append((i, j, round(len(a & b) / len(a | b), 9)))
    pairs = [(i, j, round(similarity, 9)) for i, j, similarity in near_duplicate_pairs(stems)]
    assert len(expected) > 20
    assert sorted(pairs) == sorted(expected)


def bank_of(count: int, longest_keys: int = 0, letters: str = "ABCDE", keys: str = "") -> list[LintItem]:
    """`count` clean items, keys cycling through `keys`; the first `longest_keys` have the longest key."""
    items = []
    for number in range(count):
        key = (keys or letters)[number % len(keys or letters)]
        texts = [f"Option {letter} text" for letter in letters]
        if number < longest_keys:
            texts[letters.index(key)] += " longer"
        choices = tuple((letter, text, letter == key) for letter, text in zip(letters, texts, strict=True))
        explanation = " ".join(f"({letter})" for letter in letters)
        items.append(
            clean_item(
                external_id=f"b-{number}", stem=f"Stem {number}.", choices=choices, explanation=explanation
            )
        )
    return items


def test_a_bank_where_the_longest_choice_is_often_the_key_fails_with_the_strategy_score():
    report = lint_bank(bank_of(20, longest_keys=6))
    [finding] = [f for f in report.findings if f.code == "longest-key-share"]
    assert finding.severity == "error"
    # 6 sure points and 14 five-way ties: (6 + 14 / 5) / 20 = 44 %.
    assert "uniquely longest choice in 6 of 20 items (30.0%, limit 25%)" in finding.message
    assert "would score 44.0% against 20.0% by guessing" in finding.message
    assert report.longest_strategy_score == pytest.approx(0.44)


@pytest.mark.parametrize(("count", "longest"), [(20, 5), (19, 19)])
def test_the_longest_key_share_is_judged_only_above_a_quarter_in_banks_of_20(count, longest):
    report = lint_bank(bank_of(count, longest_keys=longest))
    assert "longest-key-share" not in codes(report.findings)
    assert report.longest_key_count == longest


def test_a_letter_keyed_too_often_fails_the_balance():
    # 50 five-choice items: A is the key 16 times (32 %), E only 5 times (10 %, the edge: allowed).
    keys = "A" * 16 + "B" * 10 + "C" * 10 + "D" * 9 + "E" * 5
    [finding] = [f for f in lint_bank(bank_of(50, keys=keys)).findings if f.code == "key-letter-balance"]
    assert finding.severity == "error"
    assert (
        "(A) is the key in 16 of the 50 items that offer it (32.0%; expected 20.0%, acceptable 10.0%-30.0%)"
        in (finding.message)
    )


def test_the_balance_follows_the_number_of_choices_and_skips_small_banks():
    keys = "A" * 21 + "B" * 13 + "C" * 13 + "D" * 13  # 35 % of four-choice keys: within 12.5-37.5 %
    assert "key-letter-balance" not in codes(lint_bank(bank_of(60, letters="ABCD", keys=keys)).findings)
    assert "key-letter-balance" not in codes(lint_bank(bank_of(49, keys="A")).findings)


def test_the_summary_counts_keys_per_offered_letter():
    report = lint_bank(bank_of(4, keys="AABC"))
    assert report.keys_per_letter == {"A": 2, "B": 1, "C": 1, "D": 0, "E": 0}
    line = report.summary_line()
    assert "4 items, 0 errors, 0 warnings; keys per letter: A 2 (50.0%), B 1 (25.0%), C 1 (25.0%)" in line
    assert "key uniquely longest in 0 (0.0%)" in line


# adapters


def bank_file(tmp_path, questions, name="bank.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"format": "usmle-quiz/1", "questions": questions}), encoding="utf-8")
    return path


def file_question(external_id="f-001", status="published", **overrides):
    item = clean_item(**overrides)
    return {
        "external_id": external_id,
        "subject": "Pathology",
        "system": "Hematology/Oncology",
        "status": status,
        "stem": item.stem,
        "lead_in": item.lead_in,
        "choices": [{"letter": letter, "text": text, "correct": key} for letter, text, key in item.choices],
        "explanation": item.explanation,
        "objective": item.objective,
    }


def test_an_item_from_a_question_file_carries_every_field(tmp_path):
    [data] = parse_bank(bank_file(tmp_path, [file_question()]).read_bytes())
    assert lint_item_from_data(data) == clean_item(external_id="f-001")


@pytest.mark.django_db
def test_an_item_from_a_saved_question_reads_prefetched_choices(django_assert_num_queries):
    make_question(external_id="db-1", correct="C", educational_objective="Know it.", stem="A long stem.")
    [question] = Question.objects.prefetch_related("choices")
    with django_assert_num_queries(0):
        item = lint_item_from_question(question)
    assert (item.external_id, item.stem, item.objective) == ("db-1", "A long stem.", "Know it.")
    assert [letter for letter, _, key in item.choices if key] == ["C"]
    assert [letter for letter, _, _ in item.choices] == list("ABCDE")


# the command


def lint(*args) -> tuple[int, str]:
    """The exit status and standard output of lint_bank."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("lint_bank", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_a_file_with_only_warnings_exits_0_and_prints_them(tmp_path):  # no database: no db fixture
    longest = (CHOICES[0], ("B", LONG_KEY, True), *CHOICES[2:])
    status, out = lint("--file", str(bank_file(tmp_path, [file_question(choices=longest)])))
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("f-001: warning: key-longest: the key (B) is the only longest choice")
    assert lines[-1].startswith(
        "summary: 1 items, 0 errors, 1 warnings; keys per letter: A 0 (0.0%), B 1 (100.0%)"
    )


def test_a_file_with_an_error_exits_1_with_findings_grouped_by_item(tmp_path):
    questions = [
        file_question("f-001", lead_in="Each of the following is a cause EXCEPT:"),
        file_question("f-002", stem="A different stem about a 30-year-old woman with fatigue and pallor."),
    ]
    status, out = lint("--file", str(bank_file(tmp_path, questions)))
    assert status == 1
    assert "f-001: error: negative-lead-in: " in out
    assert "f-002:" not in out
    assert out.splitlines()[-1].startswith("summary: 2 items, 1 errors, 0 warnings")


def test_json_output_lists_findings_and_the_summary(tmp_path):
    questions = [file_question("f-001"), file_question("f-002")]  # the same stem twice
    status, out = lint("--file", str(bank_file(tmp_path, questions)), "--format", "json")
    report = json.loads(out)
    assert status == 1
    assert report["findings"] == [
        {
            "code": "near-duplicate",
            "severity": "error",
            "external_id": "",
            "message": report["findings"][0]["message"],
        }
    ]
    assert "f-001 and f-002" in report["findings"][0]["message"]
    assert report["summary"]["items"] == 2
    assert report["summary"]["keys_per_letter"] == {"A": 0, "B": 2, "C": 0, "D": 0, "E": 0}
    assert report["summary"]["errors"] == 1


def test_status_filters_a_file(tmp_path):
    questions = [
        file_question("f-001"),
        file_question("f-002", status="draft", objective="x", lead_in="NOT this?"),
    ]
    assert lint("--file", str(bank_file(tmp_path, questions)), "--status", "published")[0] == 0
    assert lint("--file", str(bank_file(tmp_path, questions)))[0] == 1


def test_a_missing_or_invalid_file_exits_2_with_the_reason(tmp_path):
    with pytest.raises(CommandError, match="cannot read") as missing:
        call_command("lint_bank", "--file", str(tmp_path / "absent.json"))
    assert missing.value.returncode == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"questions": [{"external_id": "x"}]}')
    with pytest.raises(CommandError, match="not a valid question file") as invalid:
        call_command("lint_bank", "--file", str(broken))
    assert invalid.value.returncode == 2
    assert '"stem" must be a non-empty string' in str(invalid.value)


def test_the_file_path_runs_with_no_database_at_all(tmp_path):
    """As CI runs it before migrations: a database that does not exist is never opened."""
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/usmle_quiz_h3_absent"}
    command = [sys.executable, "manage.py", "lint_bank", "--file"]
    clean = subprocess.run(
        [*command, str(bank_file(tmp_path, [file_question()]))],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
    )
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.decode().startswith("summary: 1 items, 0 errors")
    failing = subprocess.run(
        [*command, str(bank_file(tmp_path, [file_question(lead_in="Which is NOT a cause?")], "bad.json"))],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
    )
    assert failing.returncode == 1
    assert b"f-001: error: negative-lead-in" in failing.stdout


@pytest.mark.django_db
def test_the_database_path_lints_published_and_draft_questions(django_assert_max_num_queries):
    explanation = "(A) (B) (C) (D) (E) are each discussed."
    make_question(external_id="db-pub", stem="A published stem about one thing.", explanation=explanation)
    make_question(
        external_id="db-draft",
        status=Question.Status.DRAFT,
        stem="A draft stem about another thing entirely.",
        explanation="Only (B) is discussed.",
    )
    with django_assert_max_num_queries(2):
        status, out = lint()
    assert status == 1
    assert "db-draft: error: explanation-misses-choice" in out
    assert "db-pub:" not in out
    assert "summary: 2 items, 4 errors" in out
    status, out = lint("--status", "published")
    assert status == 0
    assert out.startswith("summary: 1 items, 0 errors, 0 warnings")


# the admin panel


def test_the_admin_panel_lists_findings_with_the_severity_in_words():
    findings = lint_item(
        with_choice(clean_item(objective=""), "B", "Iron deficiency from chronic occult blood loss")
    )
    html = render_to_string("admin/quizzes/question/_lint_panel.html", {"lint_findings": findings})
    assert '<h2 id="lint-panel-title"' in html
    assert 'aria-labelledby="lint-panel-title"' in html
    assert html.count("<li ") == 2
    assert "Error:</span>" in html
    assert "Warning:</span>" in html
    assert "missing-objective" in html
    assert "2 findings to review" in html
    assert "style=" not in html


def test_the_admin_panel_says_when_an_item_passes():
    html = render_to_string("admin/quizzes/question/_lint_panel.html", {"lint_findings": []})
    assert "No findings" in html
    assert "<ul" not in html


def test_the_same_patient_in_other_words_is_a_near_duplicate_error():
    # Reworded, so hardly a 5-word shingle in common, but the same findings: the review's duplicates.
    first = (
        "A 24-year-old man who smokes has coughed up blood for two days and passed dark urine for a week. "
        "Blood pressure 152/94 mm Hg; creatinine 3.4 mg/dL; ANCA negative. Biopsy: crescents with linear IgG."
    )
    second = (
        "Dark urine for one week and hemoptysis for 2 days bring a smoker, aged 23, to the clinic; "
        "creatinine is 3.4 mg/dL, blood pressure 150/94, ANCA negative, and linear IgG outlines "
        "crescents on biopsy."
    )
    items = [clean_item(external_id="q-1", stem=first), clean_item(external_id="q-2", stem=second)]
    [finding] = [f for f in lint_bank(items).findings if f.code == "near-duplicate"]
    assert finding.severity == "error"
    assert "q-1 and q-2 share most of their content words" in finding.message
