"""My reports (/reports/) and sending a report from the question screen or the review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from reports.selectors import report_list
from reports.services import ReportInvalid, ReportTooEarly, report_submit
from usmle_quiz.ascii_numbers import ascii_int
from usmle_quiz.ratelimits import rate_limit

REPORTS_PER_PAGE = 25


@login_required
@require_GET
def report_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(report_list(user=request.user), REPORTS_PER_PAGE).get_page(
        ascii_int(request.GET.get("page", ""), max_digits=6) or 1
    )
    return render(request, "reports/report_list.html", {"page": page})


@login_required
@require_POST
@rate_limit(
    "report",
    message="You have sent many reports in the last hour. Thank you; wait a little, then send again.",
)
def report_create_view(request: HttpRequest, block_id: int, position: int) -> HttpResponse:
    kind = request.POST.get("kind", "")
    comment = request.POST.get("comment", "")
    next_url = _next_url(request, block_id, position)
    try:
        sent = report_submit(
            user=request.user, block_id=block_id, position=position, kind=kind, comment=comment
        )
    except ReportTooEarly as refused:
        context = {"refused": str(refused), "report_next": next_url}
        return render(request, "reports/report_refused.html", context, status=409)
    except ReportInvalid as refused:
        # What the student typed comes back in the form: a comment is never lost.
        context = {
            "report_block_id": block_id,
            "report_position": position,
            "report_next": next_url,
            "report_kind": kind,
            "report_comment": comment,
            "report_errors": refused.errors,
        }
        return render(request, "reports/report_refused.html", context, status=400)
    if sent.created:
        messages.success(
            request, "Thank you: your report is sent. Its status and any reply show in My reports."
        )
    else:
        messages.success(
            request, "You had already reported this problem and it is still open: its comment is updated."
        )
    response = redirect(next_url)
    response.status_code = 303  # a reload never re-sends the form
    return response


def _next_url(request: HttpRequest, block_id: int, position: int) -> str:
    """Where the form came from, if it is a path on this site; else the item (no open redirect)."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("item_detail", args=[block_id, position])
