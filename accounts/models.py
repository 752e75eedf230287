from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.names import username_validator


class Cohort(models.Model):
    """A school or a class year; students pick one and boards can filter by it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    # The staff who teach it: they see its dashboard in the admin (faculty.selectors.cohorts_taught_by).
    faculty = models.ManyToManyField("accounts.User", blank=True, related_name="teaching_cohorts")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    # ASCII only (accounts.names): a look-alike username cannot impersonate another student.
    username = models.CharField(
        max_length=150,
        unique=True,
        validators=[username_validator],
        help_text="Letters A-Z, digits and . _ - only; shown on the leaderboards.",
        error_messages={"unique": "A user with that username already exists."},
    )
    display_name = models.CharField(
        max_length=60, blank=True, help_text="Shown on leaderboards instead of the username."
    )
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="students"
    )
    graduation_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    show_on_leaderboard = models.BooleanField(
        default=True, help_text="Untick to stay off public leaderboards (you still see your rank)."
    )

    # WCAG 2.1.4: single-key shortcuts (A-F, 1-6, F) can be switched off.
    keyboard_shortcuts = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Letter and number keys pick a choice, F flags. Untick if they get in the way "
        "(speech input, screen readers).",
    )

    # Display settings, applied on every page from the server-rendered <html> element (no flash).
    class Theme(models.TextChoices):
        AUTO = "auto", "Follow my device (light or dark)"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    class FontSize(models.TextChoices):
        NORMAL = "normal", "Normal"
        LARGE = "large", "Large"
        LARGER = "larger", "Larger"

    theme = models.CharField(max_length=5, choices=Theme.choices, default=Theme.AUTO, db_default=Theme.AUTO)
    font_size = models.CharField(
        max_length=6, choices=FontSize.choices, default=FontSize.NORMAL, db_default=FontSize.NORMAL
    )
    high_contrast = models.BooleanField(
        default=False, db_default=False, help_text="Stronger borders and text, no muted greys."
    )

    # The skeleton of the public name (accounts.names.name_skeleton), kept by accounts.services:
    # two students' public names may not look alike.
    name_skeleton = models.CharField(
        max_length=120, blank=True, default="", db_default="", db_index=True, editable=False
    )

    # "Reset my history": statistics only count activity after this moment.
    history_reset_at = models.DateTimeField(null=True, blank=True, editable=False)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A sign-in for one device of the JSON API (accounts.api_tokens). Only a hash of the token is kept."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60, help_text="The device, as the student named it.")
    # The first characters of the token, shown on the profile page so a student can tell devices apart.
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"
