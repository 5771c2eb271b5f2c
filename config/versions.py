"""Version numbers kept in the shared cache: bump one, and everything kept under the old number retires.

Cached pages put a version in their keys instead of being deleted one by one, so a write needs
to know nothing about which pages showed what. Each version is bumped at once and again when the
transaction commits: a page rendered in between, from the data as it was before the commit,
could otherwise be kept under the new number and outlive the change.
"""

import time

from django.core.cache import cache
from django.db import transaction


class CacheVersion:
    def __init__(self, key: str):
        self.key = key

    def get(self) -> int:
        # A lost version (evicted, or the cache restarted) starts again from the clock, so it can
        # never fall back to a number whose pages are still cached.
        return cache.get_or_set(self.key, time.time_ns, timeout=None)

    def bump(self, *, using: str | None = None) -> None:
        self._increment()
        transaction.on_commit(self._increment, using=using)

    def _increment(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # the version is not in the cache
            cache.set(self.key, time.time_ns(), timeout=None)


def current(*versions: CacheVersion) -> tuple[int, ...]:
    """Several versions in one round trip to the cache."""
    found = cache.get_many([version.key for version in versions])
    return tuple(found.get(version.key) or version.get() for version in versions)
