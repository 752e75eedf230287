import hashlib
from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.contrib.auth.views import PasswordChangeView as DjangoPasswordChangeView
from django.contrib.auth.views import PasswordResetConfirmView as DjangoPasswordResetConfirmView
from django.contrib.auth.views import PasswordResetView as DjangoPasswordResetView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import devices, lockout
from accounts import two_factor as two_factor_service
from accounts.api_tokens import api_token_revoke, api_tokens_active_for, api_tokens_revoke_all
from accounts.forms import DisplayForm, ProfileForm, SignUpForm
from accounts.services import user_create, user_display_update, user_profile_update
from accounts.tasks import password_reset_mail
from usmle_quiz.ratelimits import device_key, ip_key, too_many_requests, usage


class LoginView(DjangoLoginView):
    """Django's login; the lockout lives in the authentication backend (accounts.lockout)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Per address, far above a lecture hall logging in at once: a script is refused before any hash.
        if limited := usage(request, name="login_ip", key=ip_key):
            return too_many_requests(
                request, retry_after=limited["time_left"], message="Too many sign-ins from this network."
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        wait = getattr(self.request, "login_retry_after", 0)
        if wait:
            return too_many_requests(self.request, retry_after=wait, message=lockout.message(wait))
        return super().form_invalid(form)


class LockoutPasswordChangeForm(PasswordChangeForm):
    """The old password is a password check like a login: the same lockout counts and slows it."""

    def __init__(self, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        who = lockout.guesser(self.request, user_id=self.user.pk)
        wait = lockout.retry_after(who)
        if wait:
            raise ValidationError(lockout.message(wait), code="locked")
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            lockout.failed(who)
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        lockout.succeeded(who)
        return old_password


class PasswordChangeView(DjangoPasswordChangeView):
    form_class = LockoutPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever knew the old password may hold an API token: every device signs in again.
        api_tokens_revoke_all(user_id=form.user.pk)
        return response


class PasswordResetConfirmView(DjangoPasswordResetConfirmView):
    """A completed reset proves the mailbox: the account's failed-sign-in counters are cleared."""

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.account_cleared(user_id=form.user.pk)
        api_tokens_revoke_all(user_id=form.user.pk)
        return response


class PasswordResetView(DjangoPasswordResetView):
    """Reset requests are limited per address; mails per email address (known or not) a few an hour.

    Past the mail limit the reply is the same "check your mail" page: the limit
    never tells whether the address has an account.
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if limited := usage(request, name="password_reset_ip", key=ip_key):
            return too_many_requests(
                request,
                retry_after=limited["time_left"],
                message="Too many password resets from this network.",
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not usage(self.request, name="password_reset_email", key=lambda group, request: _email_key(email)):
            # The same work for every address: the worker finds the accounts and sends (accounts.tasks).
            password_reset_mail.enqueue(
                email=email, domain=self.request.get_host(), use_https=self.request.is_secure()
            )
        return redirect(self.get_success_url())


def _email_key(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:32]


def _signup_limited(request: HttpRequest) -> dict | None:
    """Per address (a class behind one NAT passes), and per browser once it has a device cookie.

    The device cookie, not the session: sign-up logs the new student in, which
    rotates the session, so a session-keyed limit never limited anything.
    """
    if limited := usage(request, name="signup_ip", key=ip_key):
        return limited
    if devices.device_id(request):
        return usage(request, name="signup", key=device_key)
    return None


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    # No session is written for a visitor who only looks at the form (the CSRF token is a cookie).
    if request.method == "POST" and (limited := _signup_limited(request)):
        return too_many_requests(
            request, retry_after=limited["time_left"], message="Too many sign-ups from here. Try again later."
        )
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            cohort=form.cleaned_data["cohort"],
        )
        login(request, user, backend="accounts.backends.CachedModelBackend")
        devices.remember(request, user_id=user.pk)  # this browser is the student's own from now on
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", _profile_context(request, form=form))


def _profile_context(request: HttpRequest, **forms) -> dict:
    return {
        "form": ProfileForm(instance=request.user),
        "display_form": DisplayForm(instance=request.user),
        "api_tokens": api_tokens_active_for(user=request.user).only(
            "pk", "name", "prefix", "created_at", "last_used_at"
        ),
        **forms,
    }


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    """Sign one device out of the API (the profile page's "Revoke"); another student's token is a 404."""
    if not api_token_revoke(user=request.user, token_id=token_id):
        raise Http404("No such device.")
    messages.success(request, "That device is signed out; it must sign in again to use the app.")
    response = redirect(reverse("profile") + "#devices-title")
    response.status_code = 303
    return response


@login_required
@require_POST
def display_settings(request: HttpRequest) -> HttpResponse:
    """Save the display settings; the exam toolbar posts here too and stays where it was (`next`)."""
    form = DisplayForm(request.POST, instance=request.user)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("profile")
    if not form.is_valid():
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": "Choose one of the listed colours and sizes."}, status=400)
        return render(
            request, "accounts/profile.html", _profile_context(request, display_form=form), status=400
        )
    user_display_update(user=request.user, **form.cleaned_data)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"status": "saved", **form.cleaned_data})
    messages.success(request, "Display settings saved.")
    response = redirect(next_url)
    response.status_code = 303
    return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Staff: set up an authenticator (first time) or enter a code, then go on to the admin."""
    if not request.user.is_staff:
        raise Http404("Two-factor sign-in is for staff accounts.")
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    enrolled = two_factor_service.is_enrolled(request.user)
    context = {"next": next_url, "enrolled": enrolled}
    if request.method == "POST":
        token = request.POST.get("otp_token", "").strip().replace(" ", "")[:32]
        if enrolled:
            check = two_factor_service.verify_code(request=request, user=request.user, token=token)
        else:
            check = two_factor_service.enrolment_confirm(request=request, user=request.user, token=token)
        if check.ok and check.recovery_codes:
            return render(
                request, "accounts/two_factor_codes.html", {"codes": check.recovery_codes, **context}
            )
        if check.ok:
            return redirect(next_url)
        context["error"] = check.error
    if not enrolled:
        device = two_factor_service.pending_device(request.user)
        context.update(qr_svg=two_factor_service.qr_svg(device), secret=b32encode(device.bin_key).decode())
    return render(request, "accounts/two_factor.html", context, status=400 if "error" in context else 200)
