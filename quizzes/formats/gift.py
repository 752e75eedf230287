"""GIFT: Moodle's plain-text question format, one question per paragraph.

    // [id:pharm-007] [tag:subject:Pharmacology]
    $CATEGORY: $course$/top/Pharmacology/Cardiovascular
    ::Digoxin toxicity::[html]<p>A 78-year-old woman ...</p><p>Which drug ...?</p>{
      =Amiodarone#Inhibits P-glycoprotein ...
      ~Furosemide#...
      ####<p>General feedback: the explanation.</p>
    }

Only multiple choice with exactly one "=" answer and some "~" answers becomes a question; true/false,
short answer, numerical, essay, matching and weighted answers are skipped with a line each.
"""

from __future__ import annotations

import re

from quizzes.formats.candidates import (
    BankBuilder,
    Candidate,
    ImportOptions,
    ParsedBank,
    decode_text,
    describe,
    lettered_choices,
    short_title,
)
from quizzes.formats.mapping import hints_from, tag_settings
from quizzes.formats.markup import (
    image_problems,
    plain_text,
    split_lead_in,
    split_objective,
    strip_text_format,
)

_SKIP_REASON = "only single-best-answer multiple choice is imported"
# Escaped characters stand in private-use code points while the text is cut at the special ones,
# then come back as themselves (what Moodle's own GIFT reader does).
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004",
            "\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"}  # fmt: skip
# \n is a line break inside a question (a real blank line would end it).
_RESTORE = {placeholder: "\n" if escape == "\\n" else escape[1] for escape, placeholder in _ESCAPES.items()}
_METADATA = re.compile(r"\[(id|tag):([^\]]*)\]", re.IGNORECASE)


def parse_gift(raw: bytes, options: ImportOptions) -> ParsedBank:
    text = decode_text(raw)
    builder = BankBuilder(options, id_prefix="gift")
    category, number = "", 0
    for block, metadata in _blocks(text):
        if block.lstrip().upper().startswith("$CATEGORY:"):
            first, _, block = block.lstrip().partition("\n")
            category = _restore(first.split(":", 1)[1]).strip()
            if not block.strip():
                continue
        number += 1
        _add_question(builder, f"question {number}", block, metadata, category)
    return builder.result()


def _escape(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, character in _RESTORE.items():
        text = text.replace(placeholder, character)
    return text


def _blocks(text: str):
    """(question text with escapes replaced, [id:]/[tag:] metadata from the comments before it).

    Questions are separated by blank lines; a blank line inside an open answer block does not end
    the question (Moodle would stop there; a stray blank line is an easy mistake to forgive)."""
    lines: list[str] = []
    metadata: list[tuple[str, str]] = []
    for line in [*_escape(text).splitlines(), ""]:
        if line.lstrip().startswith("//"):
            metadata += [(key.lower(), _restore(value).strip()) for key, value in _METADATA.findall(line)]
            continue
        if line.strip():
            lines.append(line)
            continue
        block = "\n".join(lines)
        if block.count("{") > block.count("}"):
            if lines:
                lines.append("")
            continue
        if block.strip():
            yield block, metadata
            metadata = []
        lines = []
    if "\n".join(lines).strip():
        yield "\n".join(lines), metadata


def _add_question(builder: BankBuilder, label: str, block: str, metadata: list, category: str) -> None:
    text = block.strip()
    title = ""
    titled = re.match(r"::(.*?)::", text, re.DOTALL)
    if titled:
        title, text = short_title(_restore(titled.group(1))), text[titled.end() :]
    text_format, text = strip_text_format(text)
    html = text_format == "html"
    opening = text.find("{")
    if opening < 0:
        builder.skip(label, title, "description", "text without an answer block is not a question")
        return
    closing = text.find("}", opening)
    if closing < 0:
        builder.problem(f'{describe(label, title)}: the answer block opened by "{{" is never closed')
        return
    before, body, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    body, _, general = body.partition("####")
    kind = _kind(body)
    if kind:
        builder.skip(label, title, kind[0], kind[1])
        return

    problems: list[str] = []
    before_text, after_text = _restore(before).strip(), _restore(after).strip()
    if not title:
        title = short_title(plain_text(before_text) if html else before_text)
    problems += image_problems(before_text + "\n" + after_text, "question text")
    split = split_lead_in(before_text, html=html)
    if split is None:
        problems.append('no lead-in: the question text has no sentence ending in "?"')
    stem, lead_in = split or (before_text, "")
    if after_text:  # text after the answer block belongs to the vignette
        stem = f"{stem}\n\n{after_text}".strip()

    answers, feedback_lines = [], []
    stray, *tokens = re.split(r"(?=[=~])", body)
    if stray.strip():
        problems.append(f'text before the first answer: "{short_title(_restore(stray))}"')
    for token in tokens:
        answer, _, feedback = token[1:].partition("#")
        answer_format, answer = strip_text_format(_restore(answer))
        answer = plain_text(answer) if html or answer_format == "html" else " ".join(answer.split())
        problems += image_problems(_restore(token[1:]), "answers")
        answers.append((answer, token.startswith("=")))
        feedback = _restore(feedback).strip()
        feedback_lines.append(plain_text(feedback) if html else feedback)
    choices = lettered_choices(answers)

    general_text = _restore(general).strip()
    problems += image_problems(general_text, "general feedback")
    explanation, objective = split_objective(general_text, html=html)
    listed = [
        f"- **({choice.letter}) {choice.text}**: {feedback}"
        for choice, feedback in zip(choices, feedback_lines, strict=True)
        if feedback
    ]
    explanation = "\n\n".join(part for part in (explanation, "\n".join(listed)) if part)

    ids = [value for key, value in metadata if key == "id" and value]
    tags = [value for key, value in metadata if key == "tag" and value]
    difficulty, status = tag_settings(tags, problems)
    builder.add(
        Candidate(
            label=label,
            title=title,
            stem=stem,
            lead_in=lead_in,
            choices=choices,
            explanation=explanation,
            objective=objective,
            external_id=ids[-1] if ids else "",
            hints=hints_from(category=category, tags=tags),
            difficulty=difficulty,
            status=status,
            missing_explanation="no explanation: the question has no general feedback and no answer feedback",
            problems=problems,
        )
    )


def _kind(body: str) -> tuple[str, str] | None:
    """(what the answer block is, why it is skipped), or None for single-best-answer multiple choice."""
    answers = body.strip()
    if not answers:
        return "essay", _SKIP_REASON
    if answers.startswith("#"):
        return "numerical", _SKIP_REASON
    if re.fullmatch(r"(T|F|TRUE|FALSE)\s*(#.*)?", answers, re.DOTALL | re.IGNORECASE):
        return "true/false", _SKIP_REASON
    tokens = re.split(r"(?=[=~])", answers)[1:]
    if any(token.startswith("=") and "->" in token for token in tokens):
        return "matching", _SKIP_REASON
    if any(re.match(r"[=~]\s*%-?[\d.]+%", token) for token in tokens):
        return "weighted answers", f"answers with %weights% give partial credit; {_SKIP_REASON}"
    if tokens and not any(token.startswith("~") for token in tokens):
        return "short answer", _SKIP_REASON
    return None
