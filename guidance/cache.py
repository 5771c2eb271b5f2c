"""The content version: guidance pages are cached under it, and any write to content bumps it.

Guidance, case studies and checklist templates are the same for every reader, so their pages'
main content is cached (guidance.views.GuidancePageMixin) under keys that carry this version.
Content is written from admin, the loaders, data migrations and the shell, so one receiver on
each content model's signals bumps it; writes that send no signals call `bump_version()`.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "guidance:content-version"
PAGE_KEY_PREFIX = "guidance:page"


def content_version() -> int:
    # A lost version restarts from the clock, so it never falls back to one with pages still cached.
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def _increment() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def bump_version(*, action: str | None = None, using: str | None = None, **_signal_kwargs) -> None:
    """Retire every cached guidance page: now, and again when the transaction commits.

    The second bump stops a page rendered from the uncommitted data being kept under the new version.
    """
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: act once, after the change
    _increment()
    transaction.on_commit(_increment, using=using)


def bump_version_on_change(*senders: type[models.Model]) -> None:
    """Bump the content version whenever one of these models, or m2m `through` tables, is written."""
    for sender in senders:
        uid = f"guidance.cache:{sender._meta.label_lower}"
        if sender._meta.auto_created:  # the table behind a ManyToManyField
            m2m_changed.connect(bump_version, sender=sender, dispatch_uid=uid)
        else:
            post_save.connect(bump_version, sender=sender, dispatch_uid=uid)
            post_delete.connect(bump_version, sender=sender, dispatch_uid=uid)


def page_cache_key(request, version: int) -> str:
    """A guidance page's key: the version, the reader's audience and the address, which names nothing."""
    audience = "editor" if request.user.is_content_editor else "reader"
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{version}:{audience}:{address}"
