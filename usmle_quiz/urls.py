import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.forms import LockoutAdminAuthenticationForm
from quizzes.views import media, stats
from usmle_quiz import health, metrics, views
from usmle_quiz.admin_site import VerifiedAdminSite
from usmle_quiz.ratelimits import ip_key, rate_limit

handler500 = "usmle_quiz.views.server_error"

# The site's class, swapped in place (the registrations stay): staff need a second factor (ADMIN_REQUIRE_2FA).
admin.site.__class__ = VerifiedAdminSite
admin.site.site_header = "USMLE Quiz administration"
admin.site.login_form = LockoutAdminAuthenticationForm  # the admin login shares the lockout
admin_login = rate_limit("login_ip", key=ip_key, message="Too many sign-ins from this network.")(
    admin.site.login
)
admin.site.site_title = "USMLE Quiz admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("leaderboard/", include("leaderboard.urls")),
    path("notes/", include("notes.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("stats/", stats.stats, name="stats"),
    path("stats/reset/", stats.stats_reset, name="stats_reset"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Prometheus's scrape: METRICS_ALLOWED addresses or the METRICS_TOKEN bearer only, a 404 for anyone else.
    path("metrics", metrics.metrics, name="metrics"),
    # The admin's login: the same per-address limit as the student login (the lockout is shared already).
    path(settings.ADMIN_URL + "login/", admin_login),
    path(settings.ADMIN_URL, admin.site.urls),
    # Browsers ask for /favicon.ico on pages (like the admin's) that name no icon.
    path("favicon.ico", views.favicon),
]

# Question images kept on local disk (MEDIA_STORAGE=local): served by the app, cached for a year.
if settings.MEDIA_STORAGE == "local" and settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        re_path(
            r"^" + re.escape(settings.MEDIA_URL.lstrip("/")) + r"question-images/(?P<key>[0-9a-f]{32})/"
            r"(?P<rendition>full|web)\.webp$",
            media.question_image,
            name="question_image",
        )
    )

if "debug_toolbar" in settings.INSTALLED_APPS:
    urlpatterns.append(path("__debug__/", include("debug_toolbar.urls")))
