"""Version numbers kept in the shared cache: bump one, and everything kept under the old number retires.

Cached pages put a version in their keys instead of being deleted one by one, so a write needs
to know nothing about which pages showed what. Each version is bumped at once and again when the
transaction commits: a page rendered in between, from the data as it was before the commit,
could otherwise be kept under the new number and outlive the change.
"""

import time

from django.core.cache import cache
from django.db import transaction

from config import prefetch


class CacheVersion:
    def __init__(self, key: str):
        self.key = key
        prefetch.fetch_with_sessions(key)  # nearly every page reads the versions

    def get(self) -> int:
        found = prefetch.take(self.key)
        if found is not None and found is not prefetch.NOT_FETCHED:
            return found
        # A lost version (evicted, or the cache restarted) starts again from the clock, so it can
        # never fall back to a number whose pages are still cached.
        return cache.get_or_set(self.key, time.time_ns, timeout=None)

    def bump(self, *, using: str | None = None) -> None:
        self._increment()
        transaction.on_commit(self._increment, using=using)

    def _increment(self) -> None:
        prefetch.discard([self.key])
        try:
            cache.incr(self.key)
        except ValueError:  # the version is not in the cache
            cache.set(self.key, time.time_ns(), timeout=None)


def current(*versions: CacheVersion) -> tuple[int, ...]:
    """Several versions in one round trip to the cache, or none if they came with the session."""
    found, wanted = {}, []
    for version in versions:
        value = prefetch.take(version.key)
        if value is prefetch.NOT_FETCHED:
            wanted.append(version.key)
        elif value is not None:
            found[version.key] = value
    if wanted:
        found.update(cache.get_many(wanted))
    return tuple(found.get(version.key) or version.get() for version in versions)
