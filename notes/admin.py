from django.contrib import admin
from django.http import HttpRequest

from notes.models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    """Students write their notes; staff may read one (a report of abuse) or delete it, never edit it."""

    list_display = ["user", "question", "updated_at"]
    list_select_related = ["user", "question"]
    search_fields = ["user__username", "question__external_id"]
    fields = ["user", "question", "text", "created_at", "updated_at"]
    readonly_fields = fields
    ordering = ["-updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
