"""The admin, open only to staff sessions verified by a second factor (when ADMIN_REQUIRE_2FA)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.two_factor import verification_required
from usmle_quiz import admin_operations


class VerifiedAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not verification_required(request.user)

    def login(self, request, extra_context=None):
        # A staff member signed in with a password only: on to the second factor, not the login form again.
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and verification_required(user):
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect(reverse("two_factor") + "?" + urlencode({"next": next_url}))
        return super().login(request, extra_context)

    def get_urls(self):
        # Before the admin's own, whose last pattern catches every other path.
        return admin_operations.urls(self) + super().get_urls()

    def get_app_list(self, request, app_label=None):
        """The index and the sidebar list the Operations page beside the registered apps."""
        apps = super().get_app_list(request, app_label)
        if app_label is None:
            apps = sorted([*apps, admin_operations.app_entry(self)], key=lambda app: app["name"].lower())
        return apps
