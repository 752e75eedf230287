"""Statistics, the boards and a student's rank."""

from rest_framework import serializers


class StandingSerializer(serializers.Serializer):
    accuracy = serializers.IntegerField()
    answered = serializers.IntegerField()
    peers = serializers.IntegerField(
        help_text="Students with enough first attempts there, this one included."
    )
    better_than_percent = serializers.IntegerField(
        allow_null=True, help_text="Null until enough students and answers make a percentile mean something."
    )


class AccuracySerializer(serializers.Serializer):
    name = serializers.CharField()
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    omitted = serializers.IntegerField()
    percent = serializers.IntegerField()
    standing = StandingSerializer(allow_null=True)


class TrendPointSerializer(serializers.Serializer):
    block_id = serializers.IntegerField()
    percent = serializers.IntegerField()


class PositionSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Students on the board, this one included even when hidden.")
    page = serializers.IntegerField()
    hidden = serializers.BooleanField(help_text="The student chose to stay off public boards.")
    score = serializers.IntegerField(source="row.score")
    answered = serializers.IntegerField(source="row.answered")
    accuracy = serializers.IntegerField(source="row.accuracy")
    better_than_percent = serializers.SerializerMethodField()

    def get_better_than_percent(self, position) -> int | None:
        """Shown from a board of RANK_PERCENTILE_MIN students: on a board of one it says nothing."""
        return position.better_than_percent if position.percentile_shown else None


class StatsSerializer(serializers.Serializer):
    answered = serializers.IntegerField(help_text="Final answers since the last history reset.")
    correct = serializers.IntegerField()
    percent = serializers.IntegerField()
    omitted = serializers.IntegerField()
    score = serializers.IntegerField(help_text="First attempts that were right: what the boards count.")
    first_attempts = serializers.IntegerField()
    first_attempt_percent = serializers.IntegerField(allow_null=True, help_text="The boards' accuracy.")
    average_ms = serializers.IntegerField()
    used = serializers.IntegerField()
    published = serializers.IntegerField()
    remaining = serializers.IntegerField()
    by_subject = AccuracySerializer(many=True)
    by_system = AccuracySerializer(many=True)
    trend = TrendPointSerializer(many=True)
    rank = PositionSerializer(
        allow_null=True, help_text="On the all-time board; null before a first attempt."
    )


class BoardSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=[("all", "All time"), ("week", "This week")])
    subject = serializers.CharField(allow_null=True, source="subject.slug", default=None)
    cohort = serializers.CharField(allow_null=True, source="cohort.slug", default=None)


class BoardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    cohort = serializers.CharField(allow_blank=True)
    score = serializers.IntegerField()
    answered = serializers.IntegerField()
    accuracy = serializers.IntegerField()
    is_me = serializers.SerializerMethodField()

    def get_is_me(self, row) -> bool:
        return row.user_id == self.context["user_id"]


class BoardPageSerializer(serializers.Serializer):
    board = BoardSerializer()
    notice = serializers.CharField(
        allow_blank=True, help_text="Why the board differs from the one asked for."
    )
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    total = serializers.IntegerField()
    rows = BoardRowSerializer(many=True)
    on_page = serializers.BooleanField(help_text="Whether the student's own row is among these rows.")
    me = PositionSerializer(allow_null=True)


class MyRankSerializer(serializers.Serializer):
    board = BoardSerializer()
    notice = serializers.CharField(allow_blank=True)
    me = PositionSerializer(
        allow_null=True, help_text="Null before the student's first attempt on this board."
    )
