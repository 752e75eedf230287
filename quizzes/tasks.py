"""Background work for the question bank: running a confirmed import (thousands of items take a while).

The admin confirms a previewed file; the task worker (`manage.py db_worker`) reads the same stored bytes,
parses them again with the same options, stores the embedded images and writes the questions in chunks,
updating `processed` after each so the admin's progress bar moves.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from quizzes.models import QuestionImport

log = logging.getLogger(__name__)


@task
def question_import_run(import_id: int) -> None:
    from quizzes.formats import BankFormatError
    from quizzes.services.imports import import_parse_stored, questions_import_file

    with transaction.atomic():
        # Taken once: a second worker, or the same task delivered twice, finds it no longer queued.
        claimed = QuestionImport.objects.filter(pk=import_id, status=QuestionImport.Status.QUEUED).update(
            status=QuestionImport.Status.RUNNING, processed=0
        )
    if not claimed:
        return
    job = QuestionImport.objects.get(pk=import_id)

    def progress(done: int, total: int) -> None:
        QuestionImport.objects.filter(pk=import_id).update(processed=done, total=total)

    try:
        parsed = import_parse_stored(job)
        result = questions_import_file(parsed=parsed, uploaded_by=job.created_by, progress=progress)
    except Exception as error:
        if not isinstance(error, BankFormatError | ValueError | OSError):
            log.exception("question import %s failed", import_id)
        QuestionImport.objects.filter(pk=import_id).update(
            status=QuestionImport.Status.FAILED, error=str(error)[:5000], finished_at=timezone.now()
        )
        return
    QuestionImport.objects.filter(pk=import_id).update(
        status=QuestionImport.Status.DONE, result=result.as_dict(), finished_at=timezone.now()
    )
    job.file.delete(save=False)  # the questions are in the bank now; the upload is not kept
