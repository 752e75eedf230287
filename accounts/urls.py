from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("login/", views.LoginView.as_view(), name="login"),
    # login, logout (POST only), password change and password reset.
    path("", include("django.contrib.auth.urls")),
]
