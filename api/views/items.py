"""An item of a block: read it, answer it (idempotently), flag it, mark it, note it, report it."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from api import rate_limits
from api.base import ApiView, page_data, page_of, paged
from api.errors import Conflict
from api.items import item_view
from api.schema import BAD_BODY, CONFLICT, NOT_FOUND, TOO_MANY, ErrorSerializer, refusals
from api.serializers.items import (
    AnswerRequestSerializer,
    AnswerSerializer,
    FlagRequestSerializer,
    FlagSerializer,
    ItemSerializer,
    MarksSerializer,
    NoteRequestSerializer,
    NoteSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)
from api.views.blocks import block_expired_finished
from notes.services import NoteTooLong, note_save
from quizzes import lifecycle
from quizzes.models import LETTERS, Block, Item
from quizzes.selectors import block_for_owner, block_item
from quizzes.services import AnswerOutcome, item_answer, item_flag, item_marks_save
from quizzes.services.blocks import highlights_clean, struck_clean
from reports.selectors import report_list
from reports.services import ReportInvalid, ReportTooEarly, report_submit

REPORTS_PER_PAGE = 25
SUSPENDED = "This block is suspended: resume it to see its questions. Its clock stands still meanwhile."
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.UUID,
    OpenApiParameter.HEADER,
    description="A UUID per answer the client means to give: a retry with the same key and choice is "
    "answered like the first and changes nothing (`Idempotent-Replayed: true`).",
)
# Why an answer was not stored, in the question page's words.
REFUSED = {
    AnswerOutcome.TOO_LATE: "Time is up: the block is finished.",
    AnswerOutcome.FINISHED: "This block is finished, so answers can no longer change.",
    AnswerOutcome.SUSPENDED: "This block is suspended: resume it to answer. Nothing was lost.",
    AnswerOutcome.LOCKED: "You already answered this question; your first answer stands.",
}


def _item(request: Request, block_id: int, position: int) -> tuple[Block, Item]:
    block = block_for_owner(block_id=block_id, user=request.user)
    return block, block_item(block=block, position=position)


def _item_view(block: Block, position: int, user):
    return item_view(block=block, item=block_item(block=block, position=position), user=user)


class ItemDetailView(ApiView):
    @extend_schema(
        responses={200: ItemSerializer, **refusals(NOT_FOUND, CONFLICT)},
        summary="An item: stem, choices, my answer and marks; the key only once the answer is final",
    )
    def get(self, request: Request, block_id: int, position: int) -> Response:
        block = block_expired_finished(block_for_owner(block_id=block_id, user=request.user))
        if not lifecycle.questions_may_be_shown(block=block):
            raise Conflict(SUSPENDED, code="suspended")
        return Response(ItemSerializer(_item_view(block, position, request.user)).data)


class AnswerView(ApiView):
    rate_limits = (rate_limits.ANSWER,)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=AnswerRequestSerializer,
        responses={
            200: OpenApiResponse(
                AnswerSerializer, description="Stored, unchanged, or a retry of a stored answer."
            ),
            **refusals(BAD_BODY, NOT_FOUND, TOO_MANY),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not stored: `too_late` (and the block is now finished), `finished`, "
                "`suspended`, or `locked` (tutor: the first answer stands).",
            ),
        },
        summary="Answer an item",
    )
    def post(self, request: Request, block_id: int, position: int) -> Response:
        block, _ = _item(request, block_id, position)
        body = request.data if isinstance(request.data, dict) else {}
        letter = body.get("choice")
        letter = letter.strip().upper() if isinstance(letter, str) else ""
        if len(letter) != 1 or letter not in LETTERS:
            raise exceptions.ValidationError({"choice": ["Choose one of the answer letters, then submit."]})
        result = item_answer(
            block=block,
            position=position,
            letter=letter,
            elapsed_ms=_elapsed(body.get("elapsed_ms")),
            key=_idempotency_key(request),
        )
        if result.outcome == AnswerOutcome.INVALID:
            raise exceptions.ValidationError({"choice": [f"This question has no choice {letter}."]})
        if result.outcome in REFUSED:
            raise Conflict(REFUSED[result.outcome], code=str(result.outcome))
        replayed = result.outcome == AnswerOutcome.DUPLICATE
        data = {
            # A retry of an accepted submission reads exactly like its first reply.
            "status": AnswerOutcome.RECORDED if replayed else result.outcome,
            "item": _item_view(result.block, position, request.user),
        }
        response = Response(AnswerSerializer(data).data)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _idempotency_key(request: Request) -> UUID | None:
    raw = request.headers.get("Idempotency-Key", "")
    if not raw:
        return None
    try:
        if not raw.isascii():  # UUID() reads Arabic-Indic digits as hex digits
            raise ValueError(raw)
        return UUID(raw[:64])
    except ValueError:
        raise exceptions.ValidationError(
            {"Idempotency-Key": ["The Idempotency-Key header must be a UUID."]}
        ) from None


def _elapsed(value) -> int | None:
    """The client's measure of time on the item, when it is a plausible number of milliseconds."""
    if type(value) is int and 0 <= value < 10**9:
        return value
    return None


class FlagView(ApiView):
    @extend_schema(
        request=FlagRequestSerializer,
        responses={200: FlagSerializer, **refusals(BAD_BODY, NOT_FOUND)},
        summary="Flag or unflag an item (the flagged pool)",
    )
    def post(self, request: Request, block_id: int, position: int) -> Response:
        block, _ = _item(request, block_id, position)
        body = FlagRequestSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        item = item_flag(block=block, position=position, flagged=body.validated_data.get("flagged"))
        return Response(FlagSerializer({"position": item.position, "flagged": item.flagged}).data)


class MarksView(ApiView):
    rate_limits = (rate_limits.MARKS,)

    @extend_schema(
        request=MarksSerializer,
        responses={200: MarksSerializer, **refusals(BAD_BODY, NOT_FOUND, TOO_MANY)},
        summary="Save highlights in the stem and struck-out choices (either may be left out)",
    )
    def post(self, request: Request, block_id: int, position: int) -> Response:
        block, _ = _item(request, block_id, position)
        body = request.data if isinstance(request.data, dict) else {}
        highlights = struck = None
        if "highlights" in body:
            highlights = highlights_clean(body["highlights"])
            if highlights is None:
                raise exceptions.ValidationError(
                    {"highlights": ["The highlights sent are not a list of text ranges."]}
                )
        if "struck" in body:
            struck = struck_clean(body["struck"])
            if struck is None:
                raise exceptions.ValidationError(
                    {"struck": ["Struck-out choices must be answer letters A to F."]}
                )
        item = item_marks_save(block=block, position=position, highlights=highlights, struck=struck)
        return Response(MarksSerializer({"highlights": item.highlights, "struck": item.struck}).data)


class NoteView(ApiView):
    rate_limits = (rate_limits.NOTE,)

    @extend_schema(
        request=NoteRequestSerializer,
        responses={200: NoteSerializer, **refusals(BAD_BODY, NOT_FOUND, TOO_MANY)},
        summary="Save my note on this item's question (empty deletes it)",
    )
    def put(self, request: Request, block_id: int, position: int) -> Response:
        _, item = _item(request, block_id, position)
        body = NoteRequestSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        try:
            note = note_save(
                user=request.user, question_id=item.question_id, text=body.validated_data["text"]
            )
        except NoteTooLong as refused:
            raise exceptions.ValidationError({"text": [str(refused)]}) from None
        data = {"status": "saved", "text": note.text} if note else {"status": "deleted", "text": ""}
        return Response(NoteSerializer(data).data)


class ReportCreateView(ApiView):
    rate_limits = (rate_limits.REPORT,)

    @extend_schema(
        request=ReportRequestSerializer,
        responses={
            201: ReportSerializer,
            200: OpenApiResponse(
                ReportSerializer, description="An open report of this kind existed: updated."
            ),
            **refusals(BAD_BODY, NOT_FOUND, TOO_MANY),
            409: OpenApiResponse(ErrorSerializer, description="Only once the item's answer is shown."),
        },
        summary="Report a problem with this item's question",
    )
    def post(self, request: Request, block_id: int, position: int) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        kind, comment = body.get("kind", ""), body.get("comment", "")
        if isinstance(comment, str) and "\x00" in comment:  # PostgreSQL text cannot hold it
            raise exceptions.ValidationError({"comment": ["Null characters are not allowed."]})
        try:
            # The service's own checks and messages: a kind or comment of the wrong type is simply missing.
            sent = report_submit(
                user=request.user,
                block_id=block_id,
                position=position,
                kind=kind if isinstance(kind, str) else "",
                comment=comment if isinstance(comment, str) else "",
            )
        except ReportTooEarly as refused:
            raise Conflict(str(refused), code="too_early") from None
        except ReportInvalid as refused:
            raise exceptions.ValidationError(
                {field: [message] for field, message in refused.errors.items()}
            ) from None
        code = status.HTTP_201_CREATED if sent.created else status.HTTP_200_OK
        report = report_list(user=request.user).get(pk=sent.report.pk)
        return Response(ReportSerializer(report).data, status=code)


class ReportListView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("page", int)],
        operation_id="reports_list",
        responses={200: paged(ReportSerializer), **refusals(NOT_FOUND)},
        summary="My reports, newest first, with staff's replies",
    )
    def get(self, request: Request) -> Response:
        page = page_of(report_list(user=request.user), request, per_page=REPORTS_PER_PAGE)
        return Response(page_data(page, ReportSerializer(page.object_list, many=True).data))
