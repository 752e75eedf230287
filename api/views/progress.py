"""Statistics, the boards and where the student stands on them."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView
from api.schema import BAD_REQUEST, NOT_FOUND, refusals
from api.serializers.progress import BoardPageSerializer, MyRankSerializer, StatsSerializer
from leaderboard.selectors import (
    Board,
    BoardPage,
    NoSuchBoard,
    area_standings,
    board_for,
    leaderboard_page,
    rank_of,
    rows_with_own,
)
from quizzes.performance import performance_for
from usmle_quiz.ascii_numbers import ascii_int

BOARDS = ("all", "week")
BOARD_FILTERS = [
    OpenApiParameter("subject", str, description="A subject's slug: its all-time board."),
    OpenApiParameter("cohort", str, description="A cohort's slug: only its students."),
]


class StatsView(ApiView):
    @extend_schema(
        responses={200: StatsSerializer, **refusals()}, summary="My statistics, as /stats/ shows them"
    )
    def get(self, request: Request) -> Response:
        performance = performance_for(user=request.user)
        by_subject, by_system = area_standings(user=request.user)
        data = {
            **{
                field: getattr(performance, field)
                for field in ("answered", "correct", "percent", "omitted", "score", "first_attempts")
            },
            "first_attempt_percent": performance.first_attempt_percent,
            "average_ms": performance.average_ms,
            "used": performance.used,
            "published": performance.published,
            "remaining": performance.remaining,
            "by_subject": [replace(row, standing=by_subject.get(row.name)) for row in performance.by_subject],
            "by_system": [replace(row, standing=by_system.get(row.name)) for row in performance.by_system],
            "trend": performance.trend,
            "rank": rank_of(board=Board.of(period="all"), user=request.user),
        }
        return Response(StatsSerializer(data).data)


def _board(request: Request, period: str) -> tuple[Board, str]:
    if period not in BOARDS:
        raise exceptions.NotFound("There is no such board: use “all” or “week”.")
    try:
        current = board_for(
            period=period,
            subject_slug=request.query_params.get("subject", ""),
            cohort_slug=request.query_params.get("cohort", ""),
        )
    except NoSuchBoard as unknown:
        raise exceptions.ValidationError({"non_field_errors": [str(unknown)]}) from None
    notice = ""
    if current.subject and period == "week":
        notice = f"Subject boards are all time: there is no weekly board for {current.subject.name}."
    return current, notice


def _shared_page(board: Board, page: int) -> BoardPage:
    """The rows every student sees on this page, cached as briefly as the board page caches its own."""
    key = f"leaderboard:api-page:{board.cache_id}:{page}"
    shared = cache.get(key)
    if shared is None:
        shared = leaderboard_page(board=board, page=page)
        cache.set(key, shared, settings.LEADERBOARD_CACHE_SECONDS)
    return shared


class BoardView(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("board", str, OpenApiParameter.PATH, enum=list(BOARDS)),
            OpenApiParameter(
                "page", str, pattern=r"^([0-9]{1,8}|me)$", description="A page number, or `me`: my own page."
            ),
            *BOARD_FILTERS,
        ],
        responses={200: BoardPageSerializer, **refusals(BAD_REQUEST, NOT_FOUND)},
        summary="A page of a leaderboard (50 rows), my own row as it is now",
    )
    def get(self, request: Request, board: str) -> Response:
        current, notice = _board(request, board)
        position = rank_of(board=current, user=request.user)
        raw_page = request.query_params.get("page", "")
        page = position.page if raw_page == "me" and position else ascii_int(raw_page, max_digits=8) or 1
        shared = _shared_page(current, page)
        rows, on_page = rows_with_own(rows=shared.rows, user_id=request.user.pk, position=position)
        data = {
            "board": current,
            "notice": notice,
            "page": shared.number,
            "num_pages": shared.num_pages,
            # The live count where the student is on the board; the cached one may lag by a few seconds.
            "total": position.total if position and not position.hidden else shared.total,
            "rows": rows,
            "on_page": on_page,
            "me": position,
        }
        return Response(BoardPageSerializer(data, context={"user_id": request.user.pk}).data)


class MyRankView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("board", str, OpenApiParameter.PATH, enum=list(BOARDS)), *BOARD_FILTERS],
        responses={200: MyRankSerializer, **refusals(BAD_REQUEST, NOT_FOUND)},
        summary="My exact rank on a leaderboard",
    )
    def get(self, request: Request, board: str) -> Response:
        current, notice = _board(request, board)
        data = {"board": current, "notice": notice, "me": rank_of(board=current, user=request.user)}
        return Response(MyRankSerializer(data).data)
