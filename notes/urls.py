from django.urls import path

from notes import views

urlpatterns = [
    path("", views.note_list_view, name="note_list"),
    path("q/<int:question_id>/", views.note_save_view, name="note_save"),
]
