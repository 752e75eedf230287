from django.urls import path

from leaderboard import views

urlpatterns = [
    path("", views.board, name="leaderboard"),
    path("rows/", views.board_rows, name="leaderboard_rows"),
]
