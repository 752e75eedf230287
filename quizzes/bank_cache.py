"""Cached reads of the question bank, invalidated by a version number.

Every write to the bank (import, publish, admin edit) bumps the version, so
cached counts are never stale for longer than the request that changed them.
"""

from collections.abc import Callable

from django.core.cache import cache

VERSION_KEY = "bank:version"
TIMEOUT = 10 * 60


def bank_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or 1
    return version


def bank_cached[T](name: str, compute: Callable[[], T]) -> T:
    return cache.get_or_set(f"bank:{bank_version()}:{name}", compute, TIMEOUT)


def bank_changed() -> None:
    """Call after any write to questions, choices, subjects or systems."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: nothing cached under one either
        cache.add(VERSION_KEY, 1, None)
