from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Cohort, User
from accounts.services import user_save_by_staff


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The staff who teach the cohort (they see its dashboard); only staff can be chosen.
    filter_horizontal = ["faculty"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "faculty":
            kwargs["queryset"] = User.objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "email",
        "display_name",
        "cohort",
        "graduation_year",
        "show_on_leaderboard",
        "is_staff",
    ]
    list_filter = ["is_staff", "is_active", "show_on_leaderboard", "cohort"]
    list_select_related = ["cohort"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Student profile",
            {
                "fields": [
                    "display_name",
                    "cohort",
                    "graduation_year",
                    "show_on_leaderboard",
                    "keyboard_shortcuts",
                ]
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        # Through the service: a changed cohort or visibility moves the board entries now, not at a rebuild.
        user_save_by_staff(user=obj)
