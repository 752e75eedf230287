"""What every operation of /api/v1/ shares: JSON refusals, the pages' rate limits, pages of a list."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, Paginator
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from api.errors import api_exception_handler
from api.rate_limits import RateLimit
from usmle_quiz.ascii_numbers import ascii_int


class ApiView(APIView):
    # A thin view: parse, call one service or selector, serialize. `rate_limits` apply to their methods.
    # (A comment, not a docstring: the schema would give every operation without one of its own this text.)

    rate_limits: tuple[RateLimit, ...] = ()

    def get_exception_handler(self):
        return api_exception_handler

    def check_throttles(self, request: Request) -> None:
        super().check_throttles(request)
        for limit in self.rate_limits:
            limit.check(request)


def page_of(items, request: Request, *, per_page: int) -> Page:
    """Page `?page=` (ASCII digits, from 1) of a list; 404 past the last page (page 1 of nothing is empty)."""
    raw = request.query_params.get("page", "")
    number = ascii_int(raw, max_digits=6) if raw else 1
    if not number:
        raise exceptions.NotFound("There is no such page.")
    try:
        return Paginator(items, per_page).page(number)
    except EmptyPage:
        raise exceptions.NotFound("There is no such page.") from None


def page_data(page: Page, results: list) -> dict:
    return {
        "count": page.paginator.count,
        "page": page.number,
        "num_pages": page.paginator.num_pages,
        "next": page.next_page_number() if page.has_next() else None,
        "previous": page.previous_page_number() if page.has_previous() else None,
        "results": results,
    }


def paged(item_serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of a page of `item_serializer` (page_data's shape)."""
    return type(
        f"{item_serializer.__name__.removesuffix('Serializer')}PageSerializer",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="Items in the whole list."),
            "page": serializers.IntegerField(),
            "num_pages": serializers.IntegerField(),
            "next": serializers.IntegerField(allow_null=True, help_text="The next page's number, if any."),
            "previous": serializers.IntegerField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
