"""/stats/: where the student is strong and weak; "Reset my history"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from leaderboard.selectors import Board, rank_of
from quizzes.performance import TREND_HEIGHT, TREND_WIDTH, performance_for
from quizzes.services import history_reset


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    context = {
        "performance": performance_for(user=request.user),
        "position": rank_of(board=Board.of(period="all"), user=request.user),
        "trend_width": TREND_WIDTH,
        "trend_height": TREND_HEIGHT,
        "trend_midline": TREND_HEIGHT // 2,
    }
    return render(request, "quizzes/stats.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def stats_reset(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST with confirm=yes clears pools and statistics."""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "quizzes/stats_reset.html",
                {"error": "Tick the box to confirm that you want to reset your history."},
                status=400,
            )
        history_reset(user=request.user)
        messages.success(
            request,
            "Your history is reset: every question is unused again and your statistics start afresh. "
            "Your score is unchanged.",
        )
        response = redirect("stats")
        response.status_code = 303
        return response
    return render(request, "quizzes/stats_reset.html")
