"""/stats/: where the student is strong and weak; "Reset my history"."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from leaderboard.selectors import SUBJECT_PERCENTILE_MIN_ANSWERS, Board, area_standings, rank_of
from quizzes.performance import TREND_HEIGHT, TREND_WIDTH, performance_for
from quizzes.services import history_reset


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    performance = performance_for(user=request.user)
    by_subject, by_system = area_standings(user=request.user)
    performance = replace(
        performance,
        by_subject=[replace(row, standing=by_subject.get(row.name)) for row in performance.by_subject],
        by_system=[replace(row, standing=by_system.get(row.name)) for row in performance.by_system],
    )
    context = {
        "performance": performance,
        "position": rank_of(board=Board.of(period="all"), user=request.user),
        "percentile_min_answers": SUBJECT_PERCENTILE_MIN_ANSWERS,
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
