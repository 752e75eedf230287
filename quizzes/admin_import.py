"""Importing question files in the admin: upload, preview what will happen, confirm, watch it run."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from quizzes.formats import FORMATS, BankFormatError, detect_format, parse_questions
from quizzes.images import ImageRejected
from quizzes.models import Question, QuestionImport, Subject, System
from quizzes.services.exports import questions_export
from quizzes.services.imports import import_options, import_parse_stored, import_plan

PREVIEW_ROWS = 500
FORMAT_NAMES = {
    "json": "This project's JSON",
    "moodle": "Moodle XML",
    "gift": "GIFT",
    "aiken": "Aiken",
    "csv": "CSV (columns in docs/QUESTION_FORMAT.md)",
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="Question file")
    format = forms.ChoiceField(
        choices=[("", "Detect from the file"), *((name, FORMAT_NAMES.get(name, name)) for name in FORMATS)],
        required=False,
    )
    default_subject = forms.ModelChoiceField(
        Subject.objects.all(),
        required=False,
        to_field_name="name",
        help_text="For questions whose file names no subject (Aiken, GIFT without categories). "
        "Left empty, such questions are reported instead of guessed.",
    )
    default_system = forms.ModelChoiceField(
        System.objects.all(), required=False, to_field_name="name", help_text="The same, for the system."
    )
    status = forms.ChoiceField(
        choices=Question.Status.choices,
        initial=Question.Status.DRAFT,
        help_text="Drafts reach no student until you publish them. "
        "Questions without an objective stay drafts.",
    )

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split it."
            )
        return upload


def import_urls(admin_site) -> list:
    return [
        path("export/", admin_site.admin_view(question_export), name="quizzes_question_export"),
        path("import/", admin_site.admin_view(import_upload), name="quizzes_question_import"),
        path(
            "import/<int:import_id>/",
            admin_site.admin_view(import_detail),
            name="quizzes_question_import_detail",
        ),
        path(
            "import/<int:import_id>/progress/",
            admin_site.admin_view(import_progress),
            name="quizzes_question_import_progress",
        ),
    ]


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, "opts": Question._meta, **extra}


def _may_import(request: HttpRequest) -> bool:
    return request.user.has_perm("quizzes.add_question") and request.user.has_perm("quizzes.change_question")


def import_upload(request: HttpRequest) -> HttpResponse:
    if not _may_import(request):
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read()
        chosen = form.cleaned_data["format"] or detect_format(upload.name or "", raw)
        options = {
            "default_subject": form.cleaned_data["default_subject"].name
            if form.cleaned_data["default_subject"]
            else "",
            "default_system": form.cleaned_data["default_system"].name
            if form.cleaned_data["default_system"]
            else "",
            "status": form.cleaned_data["status"],
        }
        if chosen is None:
            problems = ["the format could not be told from the file: choose it in the list"]
        else:
            try:
                parsed = parse_questions(raw, format=chosen, options=import_options(**options))
            except BankFormatError as error:
                problems = error.problems
            else:
                if not parsed.questions:
                    problems = ["the file holds no question that can be imported", *parsed.skipped]
        if not problems:
            job = QuestionImport(
                created_by=request.user,
                filename=(upload.name or "upload")[:200],
                format=chosen,
                options=options,
            )
            job.file.save(f"{uuid.uuid4().hex}-{chosen}", ContentFile(raw), save=False)
            job.save()
            return redirect("admin:quizzes_question_import_detail", job.pk)
    status = 400 if problems or (request.method == "POST" and not form.is_valid()) else 200
    context = _context(request, "Import questions", form=form, problems=problems, formats=FORMAT_NAMES)
    return TemplateResponse(request, "admin/quizzes/question/import_form.html", context, status=status)


def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    if not _may_import(request):
        raise Http404
    job = get_object_or_404(QuestionImport, pk=import_id)
    if request.method == "POST":
        return _confirm(request, job)
    plan = problems = None
    if job.status == QuestionImport.Status.PREVIEWED:
        try:
            plan, problems = import_plan(import_parse_stored(job))
        except (BankFormatError, OSError) as error:  # the bank changed since the upload (a subject deleted)
            problems = getattr(error, "problems", [str(error)])
    context = _context(
        request,
        f"Import of {job.filename}",
        job=job,
        plan=plan,
        rows=plan.rows[:PREVIEW_ROWS] if plan else [],
        more_rows=max(0, len(plan.rows) - PREVIEW_ROWS) if plan else 0,
        problems=problems or [],
        created=plan.count("create") if plan else 0,
        updated=plan.count("update") if plan else 0,
        unchanged=plan.count("unchanged") if plan else 0,
        format_name=FORMAT_NAMES.get(job.format, job.format),
        in_progress=job.status in (QuestionImport.Status.QUEUED, QuestionImport.Status.RUNNING),
    )
    return TemplateResponse(request, "admin/quizzes/question/import_detail.html", context)


def _confirm(request: HttpRequest, job: QuestionImport) -> HttpResponse:
    from quizzes.tasks import question_import_run

    try:
        plan, problems = import_plan(import_parse_stored(job))
    except (BankFormatError, ImageRejected, OSError) as error:
        plan, problems = None, getattr(error, "problems", [str(error)])
    if problems or plan is None:
        messages.error(request, "This file cannot be imported: " + "; ".join(problems))
        return redirect("admin:quizzes_question_import_detail", job.pk)
    with transaction.atomic():
        # Confirmed once: a double click or a second tab finds it queued already.
        queued = QuestionImport.objects.filter(pk=job.pk, status=QuestionImport.Status.PREVIEWED).update(
            status=QuestionImport.Status.QUEUED, total=len(plan.rows), processed=0
        )
        if queued:
            transaction.on_commit(lambda: question_import_run.enqueue(job.pk))
    if queued:
        messages.success(request, f"Importing {len(plan.rows)} question(s); this page shows the progress.")
    return redirect("admin:quizzes_question_import_detail", job.pk)


@require_GET
def import_progress(request: HttpRequest, import_id: int) -> JsonResponse:
    if not _may_import(request):
        raise Http404
    job = get_object_or_404(QuestionImport, pk=import_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_text": job.get_status_display(),
            "processed": job.processed,
            "total": job.total,
            "result": job.result,
            "error": job.error,
        }
    )


@admin.register(QuestionImport)
class QuestionImportAdmin(admin.ModelAdmin):
    """The history of imports; each opens its preview or progress page."""

    list_display = ["filename", "format", "status", "progress_text", "created_by", "created_at", "open_link"]
    list_filter = ["status", "format"]
    list_select_related = ["created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Progress")
    def progress_text(self, job: QuestionImport) -> str:
        return f"{job.processed} of {job.total}" if job.total else "-"

    @admin.display(description="")
    def open_link(self, job: QuestionImport) -> str:
        url = reverse("admin:quizzes_question_import_detail", args=[job.pk])
        return format_html('<a href="{}">Open</a>', url)


@require_GET
def question_export(request: HttpRequest) -> HttpResponse:
    """The bank (or its drafts or published questions) as a file: Moodle XML (default) or our JSON."""
    if not request.user.has_perm("quizzes.view_question"):
        raise Http404
    kind = request.GET.get("format", "moodle")
    status = request.GET.get("status", "")
    if kind not in ("moodle", "json") or status not in ("", *Question.Status.values):
        return HttpResponse("Unknown format or status.", status=400, content_type="text/plain")
    body, content_type, extension = questions_export(kind=kind, status=status)
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="questions-{stamp}.{extension}"'
    return response
