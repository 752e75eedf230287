"""Omitted is spent, for blocks finished before the rule existed.

Items left unanswered in finished blocks become omitted, incorrect attempts;
where such an omission came before the student's first recorded attempt at
the question (or there was none), it becomes the first attempt, because its
key was shown in that block's review. If anything changed, the score
aggregates are recomputed from the history and the Redis mirror is marked
stale (the next board request rebuilds it). On a new database nothing
matches and this does nothing.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    Item = apps.get_model("quizzes", "Item")
    UserQuestion = apps.get_model("quizzes", "UserQuestion")
    omissions = (
        Item.objects.filter(block__finished_at__isnull=False, chosen_letter="", omitted=False)
        .values_list("pk", "block__owner_id", "question_id", "block__finished_at")
        .order_by("block__finished_at")
        .iterator(chunk_size=2000)
    )
    earliest, latest, item_ids = {}, {}, []
    for item_id, user_id, question_id, finished_at in omissions:
        item_ids.append(item_id)
        earliest.setdefault((user_id, question_id), finished_at)
        latest[(user_id, question_id)] = finished_at
    if not item_ids:
        return
    for start in range(0, len(item_ids), 2000):
        Item.objects.filter(pk__in=item_ids[start : start + 2000]).update(omitted=True, is_correct=False)
    firsts_changed = 0
    for (user_id, question_id), at in earliest.items():
        row, _ = UserQuestion.objects.get_or_create(user_id=user_id, question_id=question_id)
        changed = []
        if row.first_answered_at is None or at < row.first_answered_at:
            row.first_letter, row.first_correct, row.first_omitted, row.first_answered_at = "", False, True, at
            changed += ["first_letter", "first_correct", "first_omitted", "first_answered_at"]
            firsts_changed += 1
        last = latest[(user_id, question_id)]
        if row.last_answered_at is None or last > row.last_answered_at:
            row.last_correct, row.last_omitted, row.last_answered_at = False, True, last
            changed += ["last_correct", "last_omitted", "last_answered_at"]
        if changed:
            row.save(update_fields=changed)
    if firsts_changed:
        from leaderboard import sorted_sets
        from leaderboard.services import aggregates_rebuild

        aggregates_rebuild()
        sorted_sets.mark_stale()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_omitted_is_spent"),
        ("leaderboard", "0001_initial"),
        ("accounts", "0003_user_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
