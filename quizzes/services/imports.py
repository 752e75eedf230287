"""Importing a question file: plan it (what would be created, changed, left, rejected), then run it.

Parsing (quizzes.formats) never touches the database. This module adds what needs it: which questions
exist already, which embedded images are stored already, and the writes. A file with any problem is
rejected whole before anything is written; an import that has passed its checks writes its questions in
chunks (the progress the admin shows) and, because every write is an upsert by external_id, a run cut short
by a crash is finished by running it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from quizzes.formats import ParsedBank
from quizzes.images import ALT_ATTRIBUTE, IMG_TAG, ImageRejected, image_process
from quizzes.models import Choice, Question, QuestionImage
from quizzes.question_format import QuestionData
from quizzes.question_rules import ChoiceData
from quizzes.services.bank import ImportResult, questions_import
from quizzes.services.images import image_find, image_store

CHUNK = 200

_MD_ALT = r"!\[([^\]]*)\]\({ref}\)"


@dataclass
class PlannedQuestion:
    external_id: str
    lead_in: str
    subject: str
    system: str
    action: str  # "create", "update" or "unchanged"
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedQuestion]
    skipped: list[str]
    mapping: list[str]
    images_new: int = 0
    images_known: int = 0

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


@dataclass
class _Prepared:
    questions: list[QuestionData]
    notes: dict[str, list[str]]
    # attachment name -> (bytes, alt text, key it will have)
    images: dict[str, tuple[bytes, str, str, bool]]


def _references(name: str) -> list[str]:
    """How a file's text refers to an attachment: Moodle's @@PLUGINFILE@@ (maybe URL-encoded) or ours."""
    if name.startswith("image:"):
        return [name]
    from urllib.parse import quote

    return sorted({f"@@PLUGINFILE@@/{name}", f"@@PLUGINFILE@@/{quote(name)}"}, key=len, reverse=True)


def _alt_for(name: str, questions: list[QuestionData]) -> str:
    """The alt text the file gives where it first uses the image (the parsers require one)."""
    for data in questions:
        texts = [data.stem, data.explanation, *(choice.text for choice in data.choices)]
        for text in texts:
            for ref in _references(name):
                if ref not in text:
                    continue
                found = re.search(_MD_ALT.format(ref=re.escape(ref)), text)
                if found and found.group(1).strip():
                    return found.group(1).strip()
                for tag in IMG_TAG.findall(text):
                    if ref in tag:
                        alt = ALT_ATTRIBUTE.search(tag)
                        if alt and (alt.group(1) or alt.group(2) or "").strip():
                            return (alt.group(1) or alt.group(2)).strip()
    return name.rsplit("/", 1)[-1]


def _rewrite(text: str, keys: dict[str, str], *, choice: bool = False) -> str:
    for name, key in keys.items():
        for ref in _references(name):
            if ref not in text:
                continue
            if choice:  # a choice is plain text: an <img> there becomes our Markdown reference
                text = IMG_TAG.sub(
                    lambda match, ref=ref, key=key: (
                        f"![{_tag_alt(match.group(0)) or 'Image'}](image:{key})"
                        if ref in match.group(0)
                        else match.group(0)
                    ),
                    text,
                )
            text = text.replace(ref, f"image:{key}")
    return text


def _tag_alt(tag: str) -> str:
    alt = ALT_ATTRIBUTE.search(tag)
    return (alt.group(1) or alt.group(2) or "").strip() if alt else ""


def _prepare(parsed: ParsedBank, *, check_images: bool) -> tuple[_Prepared, list[str]]:
    problems: list[str] = []
    images: dict[str, tuple[bytes, str, str, bool]] = {}
    for name, data in parsed.attachments.items():
        sha = hashlib.sha256(data).hexdigest()
        known = image_find(sha256=sha)
        if known:
            images[name] = (data, known.alt_text, known.key, True)
            continue
        if check_images:
            try:
                image_process(data)
            except ImageRejected as error:
                problems.append(f"image {name!r}: {error}")
                continue
        images[name] = (data, _alt_for(name, parsed.questions), sha[:32], False)
    keys = {name: entry[2] for name, entry in images.items()}
    questions, notes = [], {}
    for data in parsed.questions:
        own_notes = []
        status = data.status
        missing = [
            what
            for what, text in (("explanation", data.explanation), ("educational objective", data.objective))
            if not text
        ]
        if missing and status == Question.Status.PUBLISHED:
            status = Question.Status.DRAFT
            own_notes.append(f"imported as a draft: no {' and no '.join(missing)} (write it, then publish)")
        elif missing:
            own_notes.append(f"no {' and no '.join(missing)} yet: write it before publishing")
        if keys:
            data = dataclasses.replace(
                data,
                stem=_rewrite(data.stem, keys),
                explanation=_rewrite(data.explanation, keys),
                choices=tuple(
                    ChoiceData(c.letter, _rewrite(c.text, keys, choice=True), c.is_correct)
                    for c in data.choices
                ),
            )
        questions.append(dataclasses.replace(data, status=status))
        notes[data.external_id] = own_notes
    return _Prepared(questions=questions, notes=notes, images=images), problems


def import_plan(parsed: ParsedBank) -> tuple[ImportPlan, list[str]]:
    """What importing this file would do, and the problems that stop it (bad embedded images)."""
    prepared, problems = _prepare(parsed, check_images=True)
    existing = {
        question.external_id: question
        for question in Question.objects.filter(external_id__in=[d.external_id for d in prepared.questions])
        .select_related("subject", "system")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("letter")))
    }
    rows = [
        PlannedQuestion(
            external_id=data.external_id,
            lead_in=data.lead_in,
            subject=data.subject,
            system=data.system,
            action=_action(existing.get(data.external_id), data),
            notes=prepared.notes.get(data.external_id, []) + _lint_notes(data),
        )
        for data in prepared.questions
    ]
    known = sum(1 for entry in prepared.images.values() if entry[3])
    plan = ImportPlan(
        rows=rows,
        skipped=parsed.skipped,
        mapping=parsed.mapping,
        images_new=len(prepared.images) - known,
        images_known=known,
    )
    return plan, problems


def _lint_notes(data: QuestionData) -> list[str]:
    """The item-writing errors (quizzes.lint) the preview shows beside each question; they do not stop it."""
    from quizzes.lint import ERROR, lint_item, lint_item_from_data

    return [
        f"item-writing: {finding.message}"
        for finding in lint_item(lint_item_from_data(data))
        if finding.severity == ERROR and finding.code != "missing-objective"  # said above already
    ]


def _action(question: Question | None, data: QuestionData) -> str:
    if question is None:
        return "create"
    same = (
        question.stem == data.stem
        and question.lead_in == data.lead_in
        and question.explanation == data.explanation
        and question.educational_objective == data.objective
        and question.subject.name.lower() == data.subject.lower()
        and question.system.name.lower() == data.system.lower()
        and question.difficulty == data.difficulty
        and question.status == data.status
        and {(c.letter, c.text, c.is_correct) for c in question.choices.all()}
        == {(c.letter, c.text, c.is_correct) for c in data.choices}
    )
    return "unchanged" if same else "update"


@dataclass
class FileImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    images: int = 0
    skipped: int = 0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def questions_import_file(
    *,
    parsed: ParsedBank,
    uploaded_by=None,
    progress: Callable[[int, int], None] | None = None,
) -> FileImportResult:
    """Store the file's images, then create or update its questions CHUNK at a time; raises
    ImageRejected when an embedded image cannot be used (nothing is written then)."""
    prepared, problems = _prepare(parsed, check_images=True)
    if problems:
        raise ImageRejected("; ".join(problems))
    result = FileImportResult(skipped=len(parsed.skipped))
    for name, (data, alt, _key, known) in prepared.images.items():
        if not known:
            _image, created = image_store(
                data=data, alt_text=alt, original_name=name, uploaded_by=uploaded_by
            )
            result.images += int(created)
    images = {image.key: image for image in QuestionImage.objects.filter(key__in=_keys(prepared))}
    total = len(prepared.questions)
    for start in range(0, total, CHUNK):
        chunk: ImportResult = questions_import(
            questions=prepared.questions[start : start + CHUNK], images=images
        )
        result.created += chunk.created
        result.updated += chunk.updated
        result.unchanged += chunk.unchanged
        if progress:
            progress(min(start + CHUNK, total), total)
    return result


def _keys(prepared: _Prepared) -> set[str]:
    return {entry[2] for entry in prepared.images.values()}


def import_options(*, default_subject: str = "", default_system: str = "", status: str = "draft"):
    """The parsers' options, with the subjects and systems the bank already has."""
    from quizzes.formats import ImportOptions
    from quizzes.models import Subject, System

    return ImportOptions(
        known_subjects=tuple(Subject.objects.values_list("name", flat=True)),
        known_systems=tuple(System.objects.values_list("name", flat=True)),
        default_subject=default_subject,
        default_system=default_system,
        status=status,
    )


def import_parse_stored(job) -> ParsedBank:
    """Parse a stored upload again, with the options it was previewed with (the same bytes, the same plan)."""
    from quizzes.formats import parse_questions

    with job.file.open("rb") as stored:
        raw = stored.read()
    return parse_questions(raw, format=job.format, options=import_options(**job.options))
