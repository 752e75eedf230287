from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm, SignUpForm
from accounts.lockout import login_failed, login_locked, login_succeeded
from accounts.services import user_create, user_profile_update
from usmle_quiz.ratelimits import rate_limit, too_many_requests


class LoginView(DjangoLoginView):
    """Django's login, with a per-username lockout after repeated failures."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        if login_locked(username):
            minutes = -(-settings.LOGIN_LOCKOUT_SECONDS // 60)
            return too_many_requests(
                request,
                retry_after=settings.LOGIN_LOCKOUT_SECONDS,
                message=f"Too many failed logins for this username. Try again in {minutes} minutes, "
                "or reset your password.",
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        login_succeeded(form.get_user().get_username())
        return super().form_valid(form)

    def form_invalid(self, form):
        login_failed(self.request.POST.get("username", "")[:150])
        return super().form_invalid(form)


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
