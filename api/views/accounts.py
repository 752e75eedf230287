"""Signing a device in and out, its siblings, the student and the settings the profile page edits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import lockout
from accounts.api_tokens import api_token_issue, api_token_revoke, api_tokens_active_for
from accounts.forms import DisplayForm, ProfileForm
from accounts.models import Cohort
from accounts.services import user_display_update, user_profile_update
from api import rate_limits
from api.base import ApiView
from api.errors import TooManyRequests, form_invalid
from api.schema import BAD_BODY, BAD_REQUEST, NOT_FOUND, TOO_MANY, ErrorSerializer, refusals
from api.serializers.accounts import (
    DISPLAY_FIELDS,
    PROFILE_FIELDS,
    CohortSerializer,
    DeviceSerializer,
    MeSerializer,
    SettingsPatchSerializer,
    SettingsSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class TokenView(ApiView):
    """POST: a token for this device, through the login page's lockout. DELETE: sign this device out."""

    rate_limits = (rate_limits.LOGIN_IP,)

    def initialize_request(self, request, *args, **kwargs):
        # Signing in needs no credentials, and a stale token an app still sends must not refuse it.
        self.signing_in = request.method == "POST"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        return [] if getattr(self, "signing_in", False) else super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if getattr(self, "signing_in", False) else super().get_permissions()

    @extend_schema(
        operation_id="auth_token_create",
        auth=[],
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            **BAD_BODY,
            403: OpenApiResponse(
                ErrorSerializer, description="A staff account (it signs in with a second factor)."
            ),
            **TOO_MANY,
        },
        summary="Sign a device in: a token for `Authorization: Bearer`",
    )
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The login page's own form and backend: the same lockout, the same messages.
        form = AuthenticationForm(
            request._request,
            data={"username": body.validated_data["username"], "password": body.validated_data["password"]},
        )
        if not form.is_valid():
            wait = getattr(request._request, "login_retry_after", 0)
            if wait:
                raise TooManyRequests(lockout.message(wait), retry_after=wait)
            raise form_invalid(form)
        user = form.get_user()
        if settings.ADMIN_REQUIRE_2FA and user.is_staff:
            # A token is a password-only sign-in; staff sign in with a second factor, on the site.
            raise exceptions.PermissionDenied(
                "Staff accounts sign in on the website with their second factor; "
                "the API gives them no token. Use a student account in the app."
            )
        token, raw = api_token_issue(user=user, device_name=body.validated_data.get("device_name", ""))
        # A sign-in like the login page's, so last_login moves as it does there.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        data = {"token": raw, "token_id": token.pk, "expires_at": token.expires_at}
        return Response(TokenSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: None, **refusals(BAD_REQUEST)},
        summary="Sign this device out (revoke the token this request carries)",
    )
    def delete(self, request: Request) -> Response:
        if request.auth is None:
            raise exceptions.ValidationError(
                {"non_field_errors": ["This request carries no token: sign out of the website instead."]}
            )
        api_token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceListView(ApiView):
    @extend_schema(
        operation_id="auth_devices_list",
        responses={200: DeviceSerializer(many=True), **refusals()},
        summary="My signed-in devices",
    )
    def get(self, request: Request) -> Response:
        tokens = api_tokens_active_for(user=request.user).order_by("-created_at")
        context = {"current_token_id": getattr(request.auth, "pk", None)}
        return Response(DeviceSerializer(tokens, many=True, context=context).data)


class DeviceView(ApiView):
    @extend_schema(
        request=None, responses={204: None, **refusals(NOT_FOUND)}, summary="Sign one of my devices out"
    )
    def delete(self, request: Request, token_id: int) -> Response:
        if not api_token_revoke(user=request.user, token_id=token_id):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ApiView):
    @extend_schema(responses={200: MeSerializer, **refusals()}, summary="The signed-in student")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class SettingsView(ApiView):
    """The profile page's settings: its two forms check a PATCH, its two services store it."""

    @extend_schema(responses={200: SettingsSerializer, **refusals()}, summary="My settings")
    def get(self, request: Request) -> Response:
        return Response(SettingsSerializer(request.user).data)

    @extend_schema(
        request=SettingsPatchSerializer,
        responses={200: SettingsSerializer, **refusals(BAD_BODY)},
        summary="Change some of my settings",
    )
    def patch(self, request: Request) -> Response:
        user = request.user
        changes = request.data if isinstance(request.data, dict) else None
        if changes is None:
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object of settings."]})
        typed = SettingsPatchSerializer(data=changes, partial=True)
        typed.is_valid(raise_exception=True)
        changes = typed.validated_data
        profile = display = None
        if any(field in changes for field in PROFILE_FIELDS):
            profile = ProfileForm(_profile_data(user, changes), instance=user)
        if any(field in changes for field in DISPLAY_FIELDS):
            display = DisplayForm(_display_data(user, changes), instance=user)
        for form in (profile, display):
            if form is not None and not form.is_valid():
                raise form_invalid(form)
        if profile is not None:
            user_profile_update(user=user, **profile.cleaned_data)
        if display is not None:
            user_display_update(user=user, **display.cleaned_data)
        return Response(SettingsSerializer(user).data)


def _profile_data(user, changes: dict) -> dict:
    """The profile form's fields as the page would post them: what is stored, with the changes."""
    data = {field: getattr(user, field) for field in PROFILE_FIELDS if field != "cohort"}
    data["cohort"] = user.cohort_id
    for field in PROFILE_FIELDS:
        if field in changes:
            data[field] = changes[field]
    if "cohort" in changes:
        slug = changes["cohort"]
        cohort = Cohort.objects.filter(slug=slug).first() if slug else None
        if slug and cohort is None:
            raise exceptions.ValidationError({"cohort": ["There is no such cohort."]})
        data["cohort"] = cohort.pk if cohort else None
    return _as_posted(data)


def _display_data(user, changes: dict) -> dict:
    return _as_posted({field: changes.get(field, getattr(user, field)) for field in DISPLAY_FIELDS})


def _as_posted(data: dict) -> dict:
    """An unticked checkbox and an empty field are absent from a page's post: leave them out the same way."""
    return {field: value for field, value in data.items() if value is not None and value is not False}


class CohortListView(ApiView):
    @extend_schema(
        operation_id="cohorts_list",
        responses={200: CohortSerializer(many=True), **refusals()},
        summary="Cohorts a student may join (settings) and boards may be filtered by",
    )
    def get(self, request: Request) -> Response:
        return Response(CohortSerializer(Cohort.objects.order_by("name"), many=True).data)
