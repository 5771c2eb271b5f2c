"""A number that changes whenever anyone's name, team or team membership changes.

Cached checklist pages (checklists/pages.py) show people's names, team names and, in the review
queue's filter, who is in a team. None of that moves a checklist's `updated_at`, so those pages
put this number in their keys instead: a rename or a move between teams retires them all.
Such changes are rare (a few a day), so one number for everyone is enough.

The receivers are in accounts/signals.py. Like the guidance content version, it is bumped at
once and again when the transaction commits, so a page rendered in between from the old data
is never kept under the new number.
"""

import time

from django.core.cache import cache
from django.db import transaction

ROSTER_KEY = "accounts:roster-version"


def roster_version() -> int:
    # A lost number (evicted, or the cache restarted) starts again from the clock, so it can never
    # fall back to one whose pages are still cached.
    return cache.get_or_set(ROSTER_KEY, time.time_ns, timeout=None)


def _increment() -> None:
    try:
        cache.incr(ROSTER_KEY)
    except ValueError:  # the number is not in the cache
        cache.set(ROSTER_KEY, time.time_ns(), timeout=None)


def bump_roster() -> None:
    _increment()
    transaction.on_commit(_increment)
