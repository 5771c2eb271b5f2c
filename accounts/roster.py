"""A version that changes whenever anyone's name, team or team membership changes.

Kept checklist pages (checklists/pages.py) show people's names, team names and, in the review
queue's filter, who is in a team. None of that moves a checklist's `updated_at`, so those pages
put this version in their keys instead: a rename or a move between teams retires them all.
Such changes are rare (a few a day), so one version for everyone is enough. The receivers are
in accounts/signals.py.
"""

from config.versions import CacheVersion

ROSTER_VERSION = CacheVersion("accounts:roster-version")


def bump_roster() -> None:
    ROSTER_VERSION.bump()
