"""Signing in, devices, the student and their settings."""

from rest_framework import serializers

from accounts.models import ApiToken, User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    device_name = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="What the profile page calls this device (e.g. \u201cAlice's phone\u201d).",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: send it as `Authorization: Bearer <token>`.")
    token_id = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class DeviceSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="The token this request was signed with.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "current"]

    def get_current(self, token: ApiToken) -> bool:
        return token.pk == self.context.get("current_token_id")


class CohortSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    public_name = serializers.CharField(
        help_text="What the boards show: the display name, else the username."
    )
    cohort = CohortSerializer(allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "display_name",
            "public_name",
            "cohort",
            "graduation_year",
            "show_on_leaderboard",
            "keyboard_shortcuts",
            "theme",
            "font_size",
            "high_contrast",
            "is_staff",
            "date_joined",
        ]


# What the profile page edits: its profile form and its display form.
PROFILE_FIELDS = ("display_name", "cohort", "graduation_year", "show_on_leaderboard", "keyboard_shortcuts")
DISPLAY_FIELDS = ("theme", "font_size", "high_contrast")


class SettingsSerializer(serializers.ModelSerializer):
    """The settings the profile page edits; a PATCH sends any of them (the profile's rules check them)."""

    cohort = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="A cohort's slug (GET /api/v1/cohorts/).",
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS + DISPLAY_FIELDS)


class SettingsPatchSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=60, allow_blank=True, required=False)
    cohort = serializers.SlugField(allow_null=True, required=False, help_text="A cohort's slug, or null.")
    graduation_year = serializers.IntegerField(
        min_value=1950, max_value=2100, allow_null=True, required=False
    )
    show_on_leaderboard = serializers.BooleanField(required=False)
    keyboard_shortcuts = serializers.BooleanField(required=False)
    theme = serializers.ChoiceField(choices=User.Theme.choices, required=False)
    font_size = serializers.ChoiceField(choices=User.FontSize.choices, required=False)
    high_contrast = serializers.BooleanField(required=False)
