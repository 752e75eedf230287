"""Writes for question images: store an upload once, whatever its name, whoever uploads it again."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q

from quizzes.images import alt_text_clean, image_process, rendition_name
from quizzes.models import QuestionImage


def image_find(*, sha256: str) -> QuestionImage | None:
    """The stored image whose upload or whose full rendition had these bytes (an export re-imported)."""
    return QuestionImage.objects.filter(Q(source_sha256=sha256) | Q(full_sha256=sha256)).first()


def images_by_key(keys: Iterable[str]) -> dict[str, QuestionImage]:
    keys = set(keys)
    if not keys:
        return {}
    return {image.key: image for image in QuestionImage.objects.filter(key__in=keys)}


def image_store(
    *, data: bytes, alt_text: str, original_name: str = "", uploaded_by=None
) -> tuple[QuestionImage, bool]:
    """The image for these bytes and whether it is new; raises quizzes.images.ImageRejected.

    The same bytes uploaded twice (or an exported rendition imported back) give the same row, so the text
    that refers to it does not change.
    """
    alt = alt_text_clean(alt_text)
    existing = image_find(sha256=hashlib.sha256(data).hexdigest())
    if existing:
        return existing, False
    processed = image_process(data)
    key = processed.source_sha256[:32]
    for rendition, content in (("full", processed.full), ("web", processed.web)):
        name = rendition_name(key, rendition)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
    try:
        with transaction.atomic():
            image = QuestionImage.objects.create(
                key=key,
                source_sha256=processed.source_sha256,
                full_sha256=processed.full_sha256,
                alt_text=alt,
                width=processed.width,
                height=processed.height,
                web_width=processed.web_width,
                web_height=processed.web_height,
                original_name=original_name[:200],
                uploaded_by=uploaded_by,
            )
    except IntegrityError:  # two uploads of the same bytes at once: the other one won
        return QuestionImage.objects.get(key=key), False
    return image, True


def image_bytes(*, image: QuestionImage, rendition: str = "full") -> bytes:
    with default_storage.open(image.storage_name(rendition), "rb") as stored:
        return stored.read()
