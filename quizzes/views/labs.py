"""/quizzes/labs/: the lab-value sheet, the same for everyone.

Rendered once per process (about 200 rows through the template engine would cost
the question page tens of milliseconds on every request); the question screen
fetches the fragment when its Labs panel first opens, and browsers keep it a day.
"""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from quizzes.lab_values import SECTIONS


@cache
def lab_sheet_html() -> SafeString:
    """The sheet's HTML (quizzes.lab_values is code: it changes only with a deploy, which restarts)."""
    return mark_safe(render_to_string("quizzes/_partials/_lab_sheet.html", {"lab_sections": SECTIONS}))  # noqa: S308 - rendered by our template with autoescape


@require_GET
def lab_values(request: HttpRequest) -> HttpResponse:
    if request.GET.get("fragment") == "1":
        response = HttpResponse(lab_sheet_html())
    else:
        response = render(request, "quizzes/lab_values.html", {"sheet": lab_sheet_html()})
        if request.user.is_authenticated:
            return response  # the page's header names the student: not for shared caches
    patch_cache_control(response, public=True, max_age=86400)
    return response
