"""An item, an answer, marks, notes and reports. The key has its own object, null until it may be shown."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.blocks import BlockSerializer, BreakdownSerializer
from quizzes.images import choice_text_html
from quizzes.models import LETTERS
from reports.models import ProblemReport


class ChoiceSerializer(serializers.Serializer):
    letter = serializers.CharField()
    text = serializers.CharField(help_text="Plain text; an image is written `![alt](image:KEY)`.")
    html = serializers.SerializerMethodField(help_text="The text as escaped HTML, images as `<img>`.")

    def get_html(self, choice) -> str:
        return choice_text_html(choice.text, zoom=False)


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField(source="external_id", help_text="The question ID the exam bar shows.")
    stem_html = serializers.CharField(help_text="Sanitised HTML; image URLs are relative to this site.")
    lead_in = serializers.CharField()


class PeerSharesSerializer(serializers.Serializer):
    shown = serializers.BooleanField(
        help_text="Whether enough students answered for percentages to mean much."
    )
    total = serializers.IntegerField(help_text="Students' answered first attempts so far.")
    needed = serializers.IntegerField()
    percents = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DictField(
            child=serializers.IntegerField(), allow_null=True, help_text="By letter, once `shown`."
        )
    )
    def get_percents(self, shares) -> dict | None:
        return dict(shares.percents or {}) if shares.shown else None


class KeySerializer(serializers.Serializer):
    correct_letter = serializers.CharField()
    is_correct = serializers.BooleanField(allow_null=True)
    omitted = serializers.BooleanField(help_text="Left unanswered when the block ended: incorrect.")
    explanation_html = serializers.CharField()
    educational_objective = serializers.CharField(allow_blank=True)
    peer_shares = PeerSharesSerializer(source="shares")


class ItemSerializer(serializers.Serializer):
    block = BlockSerializer()
    position = serializers.IntegerField(source="item.position")
    question = QuestionSerializer()
    choices = ChoiceSerializer(many=True)
    chosen_letter = serializers.CharField(source="item.chosen_letter", allow_blank=True)
    flagged = serializers.BooleanField(source="item.flagged")
    time_spent_ms = serializers.IntegerField(source="item.time_spent_ms")
    highlights = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        source="item.highlights",
        help_text="[start, end) character ranges of the stem's text.",
    )
    struck = serializers.CharField(source="item.struck", allow_blank=True, help_text="Struck-out letters.")
    note = serializers.CharField(allow_blank=True, help_text="The student's note on this question.")
    answer_may_change = serializers.BooleanField()
    key = KeySerializer(
        allow_null=True,
        help_text="Null until the answer is final: tutor once answered, timed once the block is finished.",
    )


class ReviewItemSerializer(ItemSerializer):
    block = None
    subject = serializers.CharField(source="item.question.subject.name")
    system = serializers.CharField(source="item.question.system.name")


class ReviewSerializer(serializers.Serializer):
    block = BlockSerializer()
    time_used_ms = serializers.IntegerField(help_text="Start to finish, less the time it stood suspended.")
    total_time_ms = serializers.IntegerField(help_text="Time on the items themselves.")
    incorrect_count = serializers.IntegerField()
    omitted_count = serializers.IntegerField()
    flagged_count = serializers.IntegerField()
    retake_count = serializers.IntegerField(
        help_text="Questions \u201cRetake incorrect and omitted\u201d would take."
    )
    by_subject = BreakdownSerializer(many=True)
    by_system = BreakdownSerializer(many=True)
    items = ReviewItemSerializer(many=True)


class AnswerRequestSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=[(letter, letter) for letter in LETTERS])
    elapsed_ms = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Time the student spent on the item, as the client measured it.",
    )


class AnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("recorded", "Recorded"), ("unchanged", "Unchanged")],
        help_text="`recorded`: stored (or a retry of a stored answer); `unchanged`: the same letter again.",
    )
    item = ItemSerializer()


class FlagRequestSerializer(serializers.Serializer):
    flagged = serializers.BooleanField(required=False, help_text="Set the flag; leave out to toggle it.")


class FlagSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    flagged = serializers.BooleanField()


class MarksSerializer(serializers.Serializer):
    highlights = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=2, max_length=2),
        required=False,
        help_text="[start, end) character ranges of the stem's text; merged and sorted when stored.",
    )
    struck = serializers.CharField(required=False, allow_blank=True, max_length=6, help_text="Letters A-F.")


class NoteRequestSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text="Empty deletes the note.")


class NoteSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[("saved", "Saved"), ("deleted", "Deleted")])
    text = serializers.CharField(allow_blank=True)


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProblemReport.Kind.choices)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Needed when the kind is `other`; at most 2,000 characters.",
    )


class ReportQuestionSerializer(serializers.Serializer):
    id = serializers.CharField(source="external_id")
    lead_in = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    question = ReportQuestionSerializer()
    block_id = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()

    class Meta:
        model = ProblemReport
        fields = [
            "id",
            "kind",
            "status",
            "comment",
            "staff_note",
            "created_at",
            "updated_at",
            "resolved_at",
            "question",
            "block_id",
            "position",
        ]

    def get_block_id(self, report) -> int | None:
        return report.item.block_id if report.item else None

    def get_position(self, report) -> int | None:
        return report.item.position if report.item else None
