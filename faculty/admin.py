"""The faculty pages as the admin's "Faculty" section: Item analysis and Cohort dashboards.

Each model's changelist URL is a page of faculty.views, so the admin index links to both; neither can
be added, changed or deleted here (the item analysis is rewritten by its refresh, cohorts are edited
under Accounts).
"""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path

from faculty import views
from faculty.models import CohortDashboard, QuestionStatistic


class FacultyPageAdmin(admin.ModelAdmin):
    """Any staff member may open the faculty pages; a cohort's dashboard also needs them to teach it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def page(self, view):
        return self.admin_site.admin_view(view)


@admin.register(QuestionStatistic)
class ItemAnalysisAdmin(FacultyPageAdmin):
    def get_urls(self):
        return [
            path("", self.page(views.item_analysis), name="faculty_questionstatistic_changelist"),
            path("export.csv", self.page(views.item_analysis_csv), name="faculty_item_analysis_csv"),
            path(
                "refresh/", self.page(views.item_analysis_refresh_now), name="faculty_item_analysis_refresh"
            ),
        ]


@admin.register(CohortDashboard)
class CohortDashboardAdmin(FacultyPageAdmin):
    def get_urls(self):
        return [
            path("", self.page(views.cohort_list), name="faculty_cohortdashboard_changelist"),
            path("<int:cohort_id>/", self.page(views.cohort_dashboard), name="faculty_cohort_dashboard"),
            path(
                "<int:cohort_id>/students.csv",
                self.page(views.cohort_students_csv),
                name="faculty_cohort_students_csv",
            ),
            path(
                "<int:cohort_id>/questions.csv",
                self.page(views.cohort_questions_csv),
                name="faculty_cohort_questions_csv",
            ),
        ]
