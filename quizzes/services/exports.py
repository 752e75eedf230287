"""The bank as a file: our JSON (docs/QUESTION_FORMAT.md) or Moodle XML, images included."""

from __future__ import annotations

import base64
import json

from django.db.models import Prefetch

from quizzes.images import image_keys_in
from quizzes.models import Choice, Question
from quizzes.question_format import dump_bank
from quizzes.services.images import image_bytes, images_by_key


def export_queryset(*, status: str = ""):
    questions = (
        Question.objects.select_related("subject", "system")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("letter")))
        .order_by("external_id")
    )
    return questions.filter(status=status) if status else questions


def _images_of(questions) -> dict:
    keys = image_keys_in(
        *(
            text
            for question in questions
            for text in (question.stem, question.explanation, *(c.text for c in question.choices.all()))
        )
    )
    return images_by_key(keys)


def bank_document(questions) -> dict:
    """Our JSON document; the images the questions use ride along as base64 (their full renditions)."""
    questions = list(questions)
    document = dump_bank(questions)
    images = _images_of(questions)
    if images:
        document["images"] = [
            {
                "key": image.key,
                "alt": image.alt_text,
                "data": base64.b64encode(image_bytes(image=image)).decode("ascii"),
            }
            for image in sorted(images.values(), key=lambda image: image.key)
        ]
    return document


def questions_export(*, kind: str, status: str = "") -> tuple[bytes, str, str]:
    """(the file's bytes, its content type, its extension)."""
    questions = list(export_queryset(status=status))
    if kind == "json":
        text = json.dumps(bank_document(questions), indent=2, ensure_ascii=False) + "\n"
        return text.encode("utf-8"), "application/json", "json"
    from quizzes.formats.moodle_xml import dump_moodle_xml

    images = _images_of(questions)
    files = {key: (f"{key}.webp", image_bytes(image=image)) for key, image in images.items()}
    return dump_moodle_xml(questions, image_files=files), "application/xml", "xml"
