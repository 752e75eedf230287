from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    # login, logout (POST only), password change and password reset.
    path("", include("django.contrib.auth.urls")),
]
