import sys

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from quizzes.selectors import bank_counts, blocks_for_owner
from usmle_quiz.middleware import database_unavailable, is_database_unavailable

LANDING_CACHE_KEY = "page:landing"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors (cached: it is the same for all); a signed-in student's dashboard."""
    if request.user.is_authenticated:
        in_progress = list(blocks_for_owner(user=request.user).filter(finished_at__isnull=True)[:3])
        return render(request, "dashboard.html", {"counts": bank_counts(), "in_progress": in_progress})
    if get_messages(request):  # a flash message ("you have logged out") makes this copy personal
        return render(request, "landing.html")
    html = cache.get(LANDING_CACHE_KEY)
    if html is None:
        html = render_to_string("landing.html")
        cache.set(LANDING_CACHE_KEY, html, 10 * 60)
    return HttpResponse(html)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages (like the admin's) that name no icon."""
    return redirect(static("img/favicon.svg"))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A database outage met outside a view (a middleware loading the user,
    a template) still gets the friendly 503 with Retry-After; anything else the 500 page.
    Both are rendered without a request, so they never touch the database."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable(request, error)
    return HttpResponseServerError(
        render_to_string("500.html", {"request_id": getattr(request, "request_id", "")})
    )
