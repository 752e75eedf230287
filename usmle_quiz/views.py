from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from quizzes.selectors import bank_counts


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; the dashboard for a signed-in student."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    return render(request, "dashboard.html", {"counts": bank_counts()})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages (like the admin's) that name no icon."""
    return redirect(static("img/favicon.svg"))
