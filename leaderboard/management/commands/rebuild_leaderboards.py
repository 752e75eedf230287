import time

from django.core.management.base import BaseCommand

from leaderboard import sorted_sets
from leaderboard.services import aggregates_rebuild, sorted_sets_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every score aggregate from the first-attempt history, then refill the Redis sorted sets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--redis-only", action="store_true", help="only refill Redis from the aggregates")
        parser.add_argument(
            "--if-missing", action="store_true", help="with --redis-only: skip if Redis is ready"
        )

    def handle(self, *args, redis_only: bool, if_missing: bool, **options):
        started = time.monotonic()
        redis = sorted_sets.client()
        if redis_only and if_missing and redis is not None and redis.exists(sorted_sets.ready_key()):
            self.stdout.write("Redis: the sorted sets are ready; nothing to do")
            return
        if not redis_only:
            for table, rows in aggregates_rebuild().items():
                self.stdout.write(f"{table}: {rows} rows")
        written = sorted_sets_rebuild()
        self.stdout.write(
            f"Redis: {written} rows mirrored" if written else "Redis: not configured or not reachable"
        )
        self.stdout.write(self.style.SUCCESS(f"done in {time.monotonic() - started:.1f} s"))
