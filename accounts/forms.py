from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import UserCreationForm

from accounts import lockout
from accounts.models import Cohort, User
from accounts.services import name_taken
from usmle_quiz.ascii_numbers import AsciiIntegerField, AsciiModelChoiceField


class SignUpForm(UserCreationForm):
    email = forms.EmailField(max_length=254, help_text="For password resets. Never shown to others.")
    cohort = AsciiModelChoiceField(
        queryset=Cohort.objects.all(),
        required=False,
        empty_label="No cohort",
        help_text="Your school or class year, if it is listed.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_username(self) -> str:
        username = super().clean_username()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with that username already exists.", code="unique")
        if name_taken(name=username):
            raise forms.ValidationError(
                "That username looks too much like another student's name on the boards. Choose another.",
                code="look_alike",
            )
        return username

    def clean_email(self) -> str:
        # No "this email is taken": that would tell anyone which addresses have an
        # account. Usernames are public handles (the boards show them); emails are
        # private, and a password reset covers every account of an address.
        return User.objects.normalize_email(self.cleaned_data["email"])


class ProfileForm(forms.ModelForm):
    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if name and name_taken(name=name, exclude_user_id=self.instance.pk):
            raise forms.ValidationError(
                "That name looks too much like another student's name on the boards. Choose another.",
                code="look_alike",
            )
        return name

    class Meta:
        model = User
        fields = ["display_name", "cohort", "graduation_year", "show_on_leaderboard", "keyboard_shortcuts"]
        field_classes = {"cohort": AsciiModelChoiceField, "graduation_year": AsciiIntegerField}
        labels = {
            "show_on_leaderboard": "Show me on public leaderboards",
            "keyboard_shortcuts": "Single-key shortcuts on the question screen",
        }


class DisplayForm(forms.ModelForm):
    """Light / dark, font size and high contrast: on every page, from the profile or the exam toolbar."""

    class Meta:
        model = User
        fields = ["theme", "font_size", "high_contrast"]
        widgets = {"theme": forms.RadioSelect, "font_size": forms.RadioSelect}
        labels = {"theme": "Colours", "font_size": "Text size", "high_contrast": "High contrast"}


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login says so when the shared lockout (accounts.lockout) holds the account back."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            wait = getattr(self.request, "login_retry_after", 0)
            if wait:
                raise forms.ValidationError(lockout.message(wait), code="locked") from None
            raise
