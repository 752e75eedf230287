"""The admin's question images: upload (alt text required), see where each is used, copy its reference."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html

from quizzes.images import ImageRejected, alt_text_clean, max_upload_bytes, rendition_url
from quizzes.models import QuestionImage
from quizzes.services.images import image_store


class QuestionImageForm(forms.ModelForm):
    upload = forms.FileField(
        label="Image file",
        help_text="PNG, JPEG, GIF or WebP; it is re-encoded (EXIF and other metadata removed).",
    )

    class Meta:
        model = QuestionImage
        fields = ["alt_text"]
        widgets = {"alt_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the bytes of a stored image never change: its key is their hash
            del self.fields["upload"]

    def clean_alt_text(self) -> str:
        try:
            return alt_text_clean(self.cleaned_data.get("alt_text", ""))
        except ImageRejected as error:
            raise forms.ValidationError(str(error)) from None

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                f"The image is larger than {max_upload_bytes() // (1024 * 1024)} MB; export it smaller."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload and "alt_text" in cleaned and not self.instance.pk:
            try:
                self.stored, self.created = image_store(
                    data=upload.read(), alt_text=cleaned["alt_text"], original_name=upload.name or ""
                )
            except ImageRejected as error:
                self.add_error("upload", str(error))
        return cleaned


@admin.register(QuestionImage)
class QuestionImageAdmin(admin.ModelAdmin):
    form = QuestionImageForm
    list_display = ["thumbnail", "alt_text", "reference_code", "width", "height", "created_at"]
    search_fields = ["alt_text", "key", "original_name"]

    class Media:
        css = {"all": ["css/admin-extra.css"]}

    readonly_fields = ["preview", "reference_code", "key", "width", "height", "original_name", "created_at"]

    def get_fields(self, request: HttpRequest, obj: QuestionImage | None = None):
        if obj is None:
            return ["upload", "alt_text"]
        return [
            "preview",
            "reference_code",
            "alt_text",
            "key",
            "width",
            "height",
            "original_name",
            "created_at",
        ]

    @admin.display(description="Image")
    def thumbnail(self, image: QuestionImage) -> str:
        return format_html(
            '<img class="admin-thumb" src="{}" alt="{}" loading="lazy">',
            rendition_url(image.key, "web"),
            image.alt_text,
        )

    @admin.display(description="Preview")
    def preview(self, image: QuestionImage) -> str:
        return format_html(
            '<a href="{}"><img class="admin-preview" src="{}" alt="{}" width="{}" height="{}"></a>',
            rendition_url(image.key, "full"),
            rendition_url(image.key, "web"),
            image.alt_text,
            image.web_width,
            image.web_height,
        )

    @admin.display(description="Reference to paste into a stem, explanation or choice")
    def reference_code(self, image: QuestionImage) -> str:
        return format_html("<code>{}</code>", image.reference)

    def save_model(self, request: HttpRequest, obj: QuestionImage, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        stored = form.stored
        if stored.uploaded_by_id is None and form.created:
            stored.uploaded_by = request.user
            stored.save(update_fields=["uploaded_by"])
        if not form.created:
            messages.info(request, f"This image was already stored; its reference is {stored.reference}")
        # The admin redirects to obj: point it at the row image_store wrote (or found).
        for field in QuestionImage._meta.concrete_fields:
            setattr(obj, field.attname, getattr(stored, field.attname))
        obj._state.adding = False
