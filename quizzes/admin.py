from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from quizzes import admin_images  # noqa: F401 - registers the question images' admin
from quizzes.admin_import import import_urls
from quizzes.bank_cache import bank_changed
from quizzes.images import image_keys_in
from quizzes.models import MAX_CHOICES, Choice, Question, QuestionImage, Subject, System
from quizzes.question_rules import ChoiceData, choice_problems
from quizzes.services import question_render, questions_set_status


class ChoiceFormSet(BaseInlineFormSet):
    """Shows the question invariants (4-6 choices, unique letters, one correct) as form errors."""

    def add_fields(self, form, index: int | None) -> None:
        """Names each cell's input, e.g. "Choice A text": a tabular inline gives its inputs no <label>
        (the column headings are not labels), so screen readers announced bare, unnamed fields."""
        super().add_fields(form, index)  # adds DELETE, which wants a name too
        if form.instance.pk and form.instance.letter:
            which = f"Choice {form.instance.letter}"
        elif index is not None:
            which = f"Choice {index + 1}"
        else:  # the template row that "Add another Choice" copies (its __prefix__ is renumbered in JS)
            which = "New choice"
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                what = "delete" if name == "DELETE" else str(field.label).lower()
                field.widget.attrs["aria-label"] = f"{which} {what}"

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = choice_problems(
            ChoiceData(data.get("letter", ""), data.get("text", ""), bool(data.get("is_correct")))
            for data in kept
        )
        if problems:
            raise ValidationError([problem[0].upper() + problem[1:] + "." for problem in problems])


class ChoiceForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = ["letter", "text", "is_correct"]
        # A choice is a line or two: three rows, not the ten of Django's default textarea.
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(forms.ModelForm):
    """A question may be saved as a draft without an objective (imports have none), never published."""

    class Meta:
        model = Question
        fields = [
            "external_id", "status", "subject", "system", "difficulty",
            "stem", "lead_in", "explanation", "educational_objective",
        ]  # fmt: skip
        help_texts = {
            "stem": "Markdown. An image: upload it under Question images, then paste its reference, "
            "e.g. ![12-lead ECG](image:KEY).",
        }

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == Question.Status.PUBLISHED
            and not (cleaned.get("educational_objective") or "").strip()
        ):
            self.add_error("educational_objective", "Write the educational objective before publishing.")
        missing = image_keys_in(cleaned.get("stem", ""), cleaned.get("explanation", "")) - set(
            QuestionImage.objects.filter(
                key__in=image_keys_in(cleaned.get("stem", ""), cleaned.get("explanation", ""))
            ).values_list("key", flat=True)
        )
        if missing:
            raise ValidationError(
                "No stored image has the reference "
                + ", ".join(f"image:{key}" for key in sorted(missing))
                + ": upload it under Question images and copy its reference."
            )
        return cleaned


class ChoiceInline(admin.TabularInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    extra = 5
    max_num = MAX_CHOICES
    fields = ["letter", "text", "is_correct"]

    def get_extra(self, request: HttpRequest, obj: Question | None = None, **kwargs) -> int:
        return 0 if obj else 5


@admin.register(Subject, System)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ordering"]
    list_editable = ["ordering"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(bank_changed)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    inlines = [ChoiceInline]
    list_display = [
        "external_id",
        "lead_in_short",
        "subject",
        "system",
        "difficulty",
        "status",
        "updated_at",
        "preview_link",
    ]
    list_filter = ["status", "subject", "system", "difficulty"]
    list_select_related = ["subject", "system"]
    search_fields = ["stem", "external_id"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["external_id", "status", "subject", "system", "difficulty"]}),
        ("Content (Markdown)", {"fields": ["stem", "lead_in", "explanation", "educational_objective"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Lead-in")
    def lead_in_short(self, question: Question) -> str:
        return question.lead_in[:80]

    @admin.display(description="Preview")
    def preview_link(self, question: Question) -> str:
        url = reverse("admin:quizzes_question_preview", args=[question.pk])
        return format_html('<a href="{}">Preview</a>', url)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        """Beside the form: the item-writing check, how the item performs, and what students reported."""
        from faculty.selectors import question_statistic_for
        from quizzes.lint import lint_item, lint_item_from_question
        from reports.selectors import reports_for_question

        extra_context = dict(extra_context or {})
        question = (
            Question.objects.prefetch_related("choices").filter(pk=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        if question is not None:
            findings = lint_item(lint_item_from_question(question))
            extra_context.update(
                lint_findings=sorted(findings, key=lambda finding: finding.severity != "error"),
                statistic=question_statistic_for(question.pk),
                problem_reports=list(reports_for_question(question.pk)[:20]),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Question, form, change: bool) -> None:
        question_render(question=obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        transaction.on_commit(bank_changed)

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(bank_changed)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        super().delete_queryset(request, queryset)
        transaction.on_commit(bank_changed)

    @admin.action(description="Publish selected questions")
    def publish(self, request: HttpRequest, queryset) -> None:
        # Imported questions may lack what a student needs after answering (Aiken has no explanation,
        # Moodle and GIFT no objective): those stay drafts until faculty write it.
        incomplete = Q(educational_objective="") | Q(explanation="")
        without_objective = queryset.filter(incomplete).count()
        changed = questions_set_status(
            questions=queryset.exclude(incomplete), status=Question.Status.PUBLISHED
        )
        self.message_user(request, f"{changed} question(s) published.", messages.SUCCESS)
        if without_objective:
            self.message_user(
                request,
                f"{without_objective} question(s) left in draft: they have no educational objective "
                "or no explanation yet.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish selected questions (back to draft)")
    def unpublish(self, request: HttpRequest, queryset) -> None:
        changed = questions_set_status(questions=queryset, status=Question.Status.DRAFT)
        self.message_user(request, f"{changed} question(s) moved back to draft.", messages.SUCCESS)

    def get_urls(self):
        preview = path(
            "<int:question_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="quizzes_question_preview",
        )
        return [preview, *import_urls(self.admin_site), *super().get_urls()]

    def preview_view(self, request: HttpRequest, question_id: int) -> HttpResponse:
        """The question exactly as a student sees it, then the explanation as after answering."""
        question = get_object_or_404(
            Question.objects.select_related("subject", "system").prefetch_related("choices"),
            pk=question_id,
        )
        if not self.has_view_permission(request, question):
            return HttpResponse(status=403)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview of {question.external_id}",
            "opts": self.model._meta,
            "original": question,
            "question": question,
            "choices": list(question.choices.all()),
        }
        return TemplateResponse(request, "admin/quizzes/question/preview.html", context)
