from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("display/", views.display_settings, name="display_settings"),
    path("devices/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    # Password checks share the login lockout; a completed reset clears it.
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    # login, logout (POST only), password change and password reset.
    path("", include("django.contrib.auth.urls")),
]
