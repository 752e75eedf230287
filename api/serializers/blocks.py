"""The bank's counts, blocks, and a finished block's review."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes import lifecycle
from quizzes.models import Block

BLOCK_STATES = [("in_progress", "In progress"), ("suspended", "Suspended"), ("finished", "Finished")]


def block_state(block: Block) -> str:
    if block.is_finished:
        return "finished"
    return "suspended" if block.is_suspended else "in_progress"


class CountSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Questions a new block could draw with this box ticked too.")


class OptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class BankSerializer(serializers.Serializer):
    pool = serializers.ChoiceField(choices=Block.Pool.choices)
    matching = serializers.IntegerField(help_text="Questions the whole choice offers a new block.")
    held = serializers.IntegerField(help_text="Would match, but sit in the student's open blocks.")
    published = serializers.IntegerField(help_text="Published questions in the bank.")
    subjects = CountSerializer(many=True)
    systems = CountSerializer(many=True)
    pools = OptionSerializer(many=True)
    modes = OptionSerializer(many=True)
    max_size = serializers.IntegerField()


class BlockCreateSerializer(serializers.Serializer):
    """Create Test's choices (its form checks them, with its messages)."""

    size = serializers.IntegerField(min_value=1, max_value=Block.MAX_SIZE)
    mode = serializers.ChoiceField(choices=Block.Mode.choices)
    pool = serializers.ChoiceField(choices=Block.Pool.choices)
    subjects = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="Subject slugs; none = all."
    )
    systems = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="System slugs; none = all."
    )


class RetakeSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Block.Mode.choices)


class BlockSerializer(serializers.Serializer):
    """A block as My blocks lists it: never an answer or a key."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=Block.Mode.choices)
    pool = serializers.ChoiceField(choices=Block.Pool.choices)
    state = serializers.SerializerMethodField()
    item_count = serializers.IntegerField()
    size_requested = serializers.IntegerField()
    subjects = serializers.ListField(child=serializers.CharField(), source="subject_slugs")
    systems = serializers.ListField(child=serializers.CharField(), source="system_slugs")
    created_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True, help_text="Timed blocks: when the clock runs out.")
    seconds_left = serializers.SerializerMethodField()
    finished_at = serializers.DateTimeField(allow_null=True)
    answered_count = serializers.IntegerField(allow_null=True, help_text="Set when the block finishes.")
    correct_count = serializers.IntegerField(allow_null=True, help_text="Set when the block finishes.")
    omitted_count = serializers.IntegerField()
    score_percent = serializers.IntegerField(allow_null=True)
    suspend_count = serializers.IntegerField()

    @extend_schema_field(serializers.ChoiceField(choices=BLOCK_STATES))
    def get_state(self, block: Block) -> str:
        return block_state(block)

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="Timed and unfinished only."))
    def get_seconds_left(self, block: Block) -> int | None:
        return lifecycle.block_seconds_left(block)


class NavigatorCellSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    answered = serializers.BooleanField()
    flagged = serializers.BooleanField()
    time_spent_ms = serializers.IntegerField()


class BlockDetailSerializer(BlockSerializer):
    """The block with its navigator (answered and flagged per item, never right or wrong)."""

    items = serializers.SerializerMethodField()
    next_position = serializers.SerializerMethodField()

    @extend_schema_field(NavigatorCellSerializer(many=True))
    def get_items(self, block: Block) -> list:
        return NavigatorCellSerializer(self.context["navigator"], many=True).data

    @extend_schema_field(
        serializers.IntegerField(help_text="Where resuming goes: the first unanswered item.")
    )
    def get_next_position(self, block: Block) -> int:
        return self.context["next_position"]


class BlockCreatedSerializer(serializers.Serializer):
    block = BlockDetailSerializer()
    notice = serializers.CharField(help_text="Said when fewer questions matched than asked; else empty.")


class BreakdownSerializer(serializers.Serializer):
    name = serializers.CharField()
    total = serializers.IntegerField()
    correct = serializers.IntegerField()
    percent = serializers.IntegerField()
