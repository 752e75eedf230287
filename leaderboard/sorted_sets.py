"""Redis sorted sets that mirror the score aggregates, for exact ranks in O(log N).

PostgreSQL is the source of truth. Every write here is best effort: when
Redis is down the write is skipped, the boards fall back to PostgreSQL, and
this process remembers to mark the sets stale (delete the "ready" key) once
Redis answers again, which makes the next board request rebuild them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

log = logging.getLogger(__name__)

# After a failure, stop asking Redis for this long: a dead Redis must cost one
# socket timeout now and then, not one per request.
CIRCUIT_OPEN_SECONDS = 5.0
REBUILD_LOCK_SECONDS = 15 * 60

_shared = {"open_until": 0.0, "dirty": False}


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'usmle')}:lb:"


def ready_key() -> str:
    return _prefix() + "ready"


def standing_key() -> str:
    """A hash: member -> the standing (cohort, or hidden) of the student's last board move."""
    return _prefix() + "standing"


def lock_key() -> str:
    return _prefix() + "rebuilding"


def board_key(kind: str, scope: object = None, cohort_id: int | None = None) -> str:
    """kind: "all", "week" (scope: the Monday) or "subject" (scope: the subject id)."""
    key = f"{_prefix()}b:{kind}"
    if scope is not None:
        key += f":{scope}"
    if cohort_id is not None:
        key += f":c{cohort_id}"
    return key


def keys_for(kind: str, scope: object, cohort_id: int | None) -> list[str]:
    """The boards one aggregate row appears on: the public one and its cohort's."""
    keys = [board_key(kind, scope)]
    if cohort_id is not None:
        keys.append(board_key(kind, scope, cohort_id))
    return keys


def member(user_id: int) -> str:
    # Redis orders equal scores by member, descending in ZREVRANGE; the
    # complement makes lower account ids come first, as in PostgreSQL.
    return f"{10**12 - user_id:012d}"


def user_of(member_value: bytes | str) -> int:
    return 10**12 - int(member_value)


def client():
    """A Redis client, or None when there is no Redis or it failed a moment ago."""
    if not settings.REDIS_URL or time.monotonic() < _shared["open_until"]:
        return None
    from django_redis import get_redis_connection

    connection = get_redis_connection("default")
    if _shared["dirty"]:
        try:
            connection.delete(ready_key())
            _shared["dirty"] = False
        except Exception:
            trip()
            return None
    return connection


def trip() -> None:
    """Record a failure: skip Redis for a while, and distrust the sets once it is back."""
    _shared["open_until"] = time.monotonic() + CIRCUIT_OPEN_SECONDS
    _shared["dirty"] = True


def mark_stale() -> None:
    """Distrust the sets (after a bulk change in PostgreSQL): the next board request rebuilds them."""
    connection = client()
    if connection is None:
        _shared["dirty"] = True
        return
    try:
        connection.delete(ready_key())
    except Exception:
        trip()


def reset_circuit() -> None:
    _shared["open_until"] = 0.0
    _shared["dirty"] = False


@dataclass(frozen=True)
class Entry:
    keys: list[str]
    user_id: int
    rank_key: int


def after_commit(write_fn) -> None:
    """Run a mirror write once the transaction that made the change commits (never for a rollback).

    The non-transactional tests replace this with an immediate call: their
    transaction never commits (tests/conftest.py).
    """
    from django.db import transaction

    transaction.on_commit(write_fn, robust=True)


# A score write names the standing it was computed under; if the student has
# moved since (hidden, or another cohort) and that move reached Redis first,
# the write is stale and dropped: a hidden student never reappears because
# two after-commit writes ran in the other order.
_WRITE_IF_STANDING = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and current ~= ARGV[2] then return 0 end
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], ARGV[i + 1], ARGV[1]) end
return 1
"""


def write_scores(*, user_id: int, token: str, add: Iterable[Entry]) -> bool:
    """Add one student's new rank keys, unless their standing in Redis says they have moved since."""
    connection = client()
    if connection is None:
        _shared["dirty"] = True
        return False
    keys, scores = [standing_key()], [member(user_id), token]
    for entry in add:
        for key in entry.keys:
            keys.append(key)
            scores.append(entry.rank_key)
    try:
        script = getattr(connection, "standing_script", None)
        if script is None:
            script = connection.standing_script = connection.register_script(_WRITE_IF_STANDING)
        return bool(script(keys=keys, args=scores))
    except Exception:
        log.warning("leaderboard: Redis write failed; boards fall back to PostgreSQL", exc_info=True)
        trip()
        return False


def write_standing(*, user_id: int, token: str, remove: Iterable[Entry], add: Iterable[Entry]) -> bool:
    """A student moved (hid, showed, changed cohort): note the standing and move the entries, at once."""
    connection = client()
    if connection is None:
        _shared["dirty"] = True
        return False
    try:
        pipe = connection.pipeline(transaction=True)
        pipe.hset(standing_key(), member(user_id), token)
        for entry in remove:
            for key in entry.keys:
                pipe.zrem(key, member(user_id))
        for entry in add:
            for key in entry.keys:
                pipe.zadd(key, {member(user_id): entry.rank_key})
        pipe.execute()
        return True
    except Exception:
        log.warning("leaderboard: Redis write failed; boards fall back to PostgreSQL", exc_info=True)
        trip()
        return False


def ready_client():
    """A client whose sorted sets are complete, or None (use PostgreSQL)."""
    connection = client()
    if connection is None:
        return None
    try:
        if connection.exists(ready_key()):
            return connection
        _start_rebuild(connection)
    except Exception:
        trip()
    return None


def _start_rebuild(connection) -> None:
    """Redis came back empty (or stale): rebuild the sets in the background, once across processes."""
    if not connection.set(lock_key(), "1", nx=True, ex=REBUILD_LOCK_SECONDS):
        return
    from leaderboard.services import sorted_sets_rebuild

    def run():
        try:
            sorted_sets_rebuild()
        except Exception:
            log.exception("leaderboard: rebuilding the sorted sets failed")
            trip()

    def run_in_thread():
        from django.db import connection as thread_connection

        try:
            run()
        finally:
            thread_connection.close()

    if getattr(settings, "LEADERBOARD_REBUILD_INLINE", False):
        run()  # tests: rebuild before answering, so the result is deterministic
    else:
        threading.Thread(target=run_in_thread, name="leaderboard-rebuild", daemon=True).start()
