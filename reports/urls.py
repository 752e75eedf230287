from django.urls import path

from reports import views

urlpatterns = [
    path("", views.report_list_view, name="report_list"),
    path("<int:block_id>/q/<int:position>/", views.report_create_view, name="report_create"),
]
