"""Create Test's counts, My blocks, building, finishing, suspending and reviewing a block."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from api import rate_limits
from api.base import ApiView, page_data, page_of, paged
from api.errors import Conflict, form_invalid
from api.items import review_views
from api.schema import BAD_BODY, BAD_REQUEST, CONFLICT, NOT_FOUND, TOO_MANY, refusals
from api.serializers.blocks import (
    BankSerializer,
    BlockCreatedSerializer,
    BlockCreateSerializer,
    BlockDetailSerializer,
    BlockSerializer,
    RetakeSerializer,
)
from api.serializers.items import ReviewSerializer
from quizzes import lifecycle
from quizzes.forms import NO_QUESTIONS_MATCH, BlockForm, RetakeForm
from quizzes.models import Block
from quizzes.selectors import (
    bank_counts,
    block_for_owner,
    block_navigator,
    blocks_for_owner,
    first_unanswered_position,
    pool_counts,
    review_breakdown,
)
from quizzes.services import (
    NoQuestionsMatch,
    block_create,
    block_finish,
    block_finish_expired,
    block_retake_count,
    block_retake_incorrect,
    block_suspend,
    block_unsuspend,
)

BLOCKS_PER_PAGE = 20
# The Create Test page's words for a choice that leaves nothing to draw.
BLOCK_STATE = OpenApiParameter(
    "state",
    str,
    enum=["in_progress", "finished"],
    description="Only open (in progress or suspended) or finished.",
)
SELECTION = [
    OpenApiParameter("pool", str, enum=Block.Pool.values, description="The pool (default `all`)."),
    OpenApiParameter("subjects", {"type": "array", "items": {"type": "string"}}, explode=True),
    OpenApiParameter("systems", {"type": "array", "items": {"type": "string"}}, explode=True),
]


def block_expired_finished(block: Block) -> Block:
    """A timed block whose clock ran out (plus the grace) is finished by the next request, as on the pages."""
    return block_finish(block=block) if lifecycle.block_is_expired(block) else block


def block_detail(block: Block) -> dict:
    context = {
        "navigator": block_navigator(block=block),
        "next_position": first_unanswered_position(block=block),
    }
    return BlockDetailSerializer(block, context=context).data


class BankView(ApiView):
    @extend_schema(
        parameters=SELECTION,
        responses={200: BankSerializer, **refusals(BAD_REQUEST)},
        summary="Create Test's counts: what each subject and system box would offer a new block",
    )
    def get(self, request: Request) -> Response:
        # A timed block whose clock ran out gives its questions back before they are counted.
        block_finish_expired(user=request.user)
        form = BlockForm(
            {
                "pool": request.query_params.get("pool") or Block.Pool.ALL,
                "subjects": request.query_params.getlist("subjects"),
                "systems": request.query_params.getlist("systems"),
            }
        )
        form.is_valid()
        if any(field in form.errors for field in ("pool", "subjects", "systems")):
            for field in ("size", "mode"):  # not asked for here
                form.errors.pop(field, None)
            raise form_invalid(form)
        pool = form.cleaned_data["pool"]
        counts = pool_counts(
            user=request.user, pool=pool, subject_ids=form.subject_ids, system_ids=form.system_ids
        )
        data = {
            "pool": pool,
            "matching": counts.matching,
            "held": counts.held,
            "published": bank_counts().total,
            "subjects": [
                {"slug": s.slug, "name": s.name, "count": counts.by_subject.get(s.id, 0)}
                for s in form.subjects_by_slug.values()
            ],
            "systems": [
                {"slug": s.slug, "name": s.name, "count": counts.by_system.get(s.id, 0)}
                for s in form.systems_by_slug.values()
            ],
            "pools": [{"value": value, "label": label} for value, label in Block.Pool.choices],
            "modes": [{"value": value, "label": label} for value, label in Block.Mode.choices],
            "max_size": Block.MAX_SIZE,
        }
        return Response(BankSerializer(data).data)


class BlockListView(ApiView):
    rate_limits = (rate_limits.BLOCK_CREATE,)

    @extend_schema(
        parameters=[OpenApiParameter("page", int), BLOCK_STATE],
        operation_id="blocks_list",
        responses={200: paged(BlockSerializer), **refusals(BAD_REQUEST, NOT_FOUND)},
        summary="My blocks, newest first",
    )
    def get(self, request: Request) -> Response:
        block_finish_expired(user=request.user)
        blocks = blocks_for_owner(user=request.user)
        state = request.query_params.get("state", "")
        if state == "in_progress":
            blocks = blocks.filter(finished_at__isnull=True)
        elif state == "finished":
            blocks = blocks.filter(finished_at__isnull=False)
        elif state:
            raise exceptions.ValidationError({"state": ["The state must be “in_progress” or “finished”."]})
        page = page_of(blocks, request, per_page=BLOCKS_PER_PAGE)
        return Response(page_data(page, BlockSerializer(page.object_list, many=True).data))

    @extend_schema(
        request=BlockCreateSerializer,
        responses={201: BlockCreatedSerializer, **refusals(BAD_BODY, TOO_MANY)},
        summary="Create Test: build a block from a pool, subjects and systems",
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
        form = BlockForm(_form_data(request.data))
        if not form.is_valid():
            raise form_invalid(form)
        try:
            block = block_create(owner=request.user, **form.block_create_kwargs())
        except NoQuestionsMatch:
            raise exceptions.ValidationError({"non_field_errors": [NO_QUESTIONS_MATCH]}) from None
        return Response(_created(block), status=status.HTTP_201_CREATED)


def _form_data(body: dict) -> dict:
    """The JSON body as the page's form posts it: scalars as text, the boxes as lists (None: left out)."""
    data = {}
    for field, value in body.items():
        if value is None:
            continue
        if field in ("subjects", "systems"):
            data[field] = value  # the form says "Enter a list of values." to anything else
        else:
            data[field] = value if isinstance(value, str) else _text(value)
    return data


def _text(value) -> str:
    # JSON true is not the 1 a form would read: anything but a whole number stays text the form refuses.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return repr(value)


def _created(block: Block) -> dict:
    notice = ""
    if block.item_count < block.size_requested:
        notice = (
            f"Only {block.item_count} question{'s' if block.item_count != 1 else ''} matched, "
            f"so your block has {block.item_count} instead of {block.size_requested}."
        )
    return {"block": block_detail(block), "notice": notice}


class BlockView(ApiView):
    @extend_schema(
        responses={200: BlockDetailSerializer, **refusals(NOT_FOUND)},
        summary="A block of mine with its navigator",
    )
    def get(self, request: Request, block_id: int) -> Response:
        block = block_expired_finished(block_for_owner(block_id=block_id, user=request.user))
        return Response(block_detail(block))


class BlockFinishView(ApiView):
    @extend_schema(
        request=None,
        responses={200: BlockDetailSerializer, **refusals(NOT_FOUND)},
        summary="End the block: answers become final, unanswered items omitted (twice is harmless)",
    )
    def post(self, request: Request, block_id: int) -> Response:
        block = block_finish(block=block_for_owner(block_id=block_id, user=request.user))
        return Response(block_detail(block))


class BlockSuspendView(ApiView):
    rate_limits = (rate_limits.MARKS,)

    @extend_schema(
        request=None,
        responses={200: BlockDetailSerializer, **refusals(NOT_FOUND, CONFLICT, TOO_MANY)},
        summary="Suspend a timed block: its clock stands still and its questions are hidden until resumed",
    )
    def post(self, request: Request, block_id: int) -> Response:
        block = block_expired_finished(block_for_owner(block_id=block_id, user=request.user))
        if block.is_finished:
            raise Conflict("This block is finished.", code="finished")
        if not block.is_timed:
            raise Conflict(
                "Tutor blocks have no clock: leave whenever you like and resume later.", code="tutor"
            )
        return Response(block_detail(block_suspend(block=block)))


class BlockResumeView(ApiView):
    rate_limits = (rate_limits.MARKS,)

    @extend_schema(
        request=None,
        responses={200: BlockDetailSerializer, **refusals(NOT_FOUND, TOO_MANY)},
        summary="Resume a suspended block: its clock starts again where it stopped",
    )
    def post(self, request: Request, block_id: int) -> Response:
        block = block_unsuspend(block=block_for_owner(block_id=block_id, user=request.user))
        return Response(block_detail(block))


class BlockRetakeView(ApiView):
    rate_limits = (rate_limits.BLOCK_CREATE,)

    @extend_schema(
        request=RetakeSerializer,
        responses={201: BlockCreatedSerializer, **refusals(BAD_BODY, NOT_FOUND, CONFLICT, TOO_MANY)},
        summary="Retake incorrect and omitted: a new block of the questions this finished block missed",
    )
    def post(self, request: Request, block_id: int) -> Response:
        block = block_for_owner(block_id=block_id, user=request.user)
        if not lifecycle.review_may_be_shown(block=block):
            raise Conflict("Finish the block before retaking its incorrect questions.", code="not_finished")
        form = RetakeForm(_form_data(request.data) if isinstance(request.data, dict) else {})
        if not form.is_valid():
            raise form_invalid(form)
        try:
            new_block = block_retake_incorrect(block=block, mode=form.cleaned_data["mode"])
        except NoQuestionsMatch:
            raise Conflict(
                "Nothing to retake: every question of this block was answered correctly, "
                "or the ones you missed are in another open block now.",
                code="nothing_to_retake",
            ) from None
        return Response(_created(new_block), status=status.HTTP_201_CREATED)


@dataclass(frozen=True)
class _Review:
    block: Block
    items: list
    time_used_ms: int
    total_time_ms: int
    incorrect_count: int
    omitted_count: int
    flagged_count: int
    retake_count: int
    by_subject: list
    by_system: list


class BlockReviewView(ApiView):
    @extend_schema(
        responses={200: ReviewSerializer, **refusals(NOT_FOUND, CONFLICT)},
        summary="The review of a finished block: every item with its key, explanation and peer shares",
    )
    def get(self, request: Request, block_id: int) -> Response:
        block = block_expired_finished(block_for_owner(block_id=block_id, user=request.user))
        if not lifecycle.review_may_be_shown(block=block):
            raise Conflict("Finish the block to see its review.", code="not_finished")
        views = review_views(block=block, user=request.user)
        items = [view.item for view in views]
        review = _Review(
            block=block,
            items=views,
            time_used_ms=int(lifecycle.block_time_used(block).total_seconds() * 1000),
            total_time_ms=sum(item.time_spent_ms for item in items),
            incorrect_count=sum(1 for item in items if item.is_correct is False and not item.omitted),
            omitted_count=sum(1 for item in items if item.omitted),
            flagged_count=sum(1 for item in items if item.flagged),
            retake_count=block_retake_count(block=block),
            by_subject=review_breakdown(items, lambda question: question.subject.name),
            by_system=review_breakdown(items, lambda question: question.system.name),
        )
        return Response(ReviewSerializer(review).data)
