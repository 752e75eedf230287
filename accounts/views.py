from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.contrib.auth.views import PasswordChangeView as DjangoPasswordChangeView
from django.contrib.auth.views import PasswordResetConfirmView as DjangoPasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import lockout
from accounts.forms import ProfileForm, SignUpForm
from accounts.services import user_create, user_profile_update
from usmle_quiz.ratelimits import rate_limit, too_many_requests


class LoginView(DjangoLoginView):
    """Django's login; the lockout lives in the authentication backend (accounts.lockout)."""

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


class PasswordResetConfirmView(DjangoPasswordResetConfirmView):
    """A completed reset proves the mailbox: the account's failed-sign-in counters are cleared."""

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.account_cleared(user_id=form.user.pk)
        return response


@require_http_methods(["GET", "POST"])
@rate_limit("signup", message="Too many sign-ups from this browser. Try again later.")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    # A visitor gets a session here, so the sign-up limit is per browser, not
    # per address: a whole lecture hall can sign up through one NAT.
    request.session.setdefault("signup_started", True)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            cohort=form.cleaned_data["cohort"],
        )
        login(request, user, backend="accounts.backends.CachedModelBackend")
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
    return render(request, "accounts/profile.html", {"form": form})
