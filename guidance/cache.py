"""Cache the rendered main content of guidance pages, for every reader, until the content changes.

Guidance, case studies and checklist templates change only when an editor writes them, and the
same page is read by everyone, so each page's content is rendered once and kept under a key made
of:

* the content version, a number in the cache that every write to content bumps, so that one
  write retires every cached page at once (nothing has to know which pages showed what);
* whether the reader is a content editor: editors see drafts and "Edit" links, nobody else does;
* the page's path and its sorted query string (filters, search words, page number).

Only the content is cached, never the whole response: the page shell (navigation by role, the
CSRF tokens in the sign-out forms, the CSP nonce of the inline script) is rendered fresh for
each request, so no one is ever sent another person's token. Pages that raise Http404 (a draft
for an FCA, a missing slug, a page number past the end) are not cached.

Why signals: this is the one piece of logic that belongs in them. Content is written from many
places: admin change forms with their inlines, admin actions, both loaders
(`load_knowledge_bite`, `load_checklist_templates`), data migrations and the shell. Every write
must retire the cached pages, and a receiver on each model's post_save, post_delete and
m2m_changed catches all of them, without each writer having to remember. Writes that send no
signal (`QuerySet.update()`, `bulk_create()`) call `bump_version()` themselves. Each app connects
its own models in its AppConfig.ready(), so guidance imports none of the apps built on it.

Why bump twice: a write inside a transaction bumps at once, and again when the transaction
commits. A page rendered in between (from the data as it was before the commit) could otherwise
be stored under the new version and outlive the change.

Each process also keeps the pages it served most recently, under the same keys, so a busy page
costs one cache read (the version) rather than two, and no unpickling. The version is still read
from the shared cache on every request, so a write retires these copies everywhere at once.

Without REDIS_URL the cache is per process: a write retires the pages of the process that made
it, and other processes show the old content for up to GUIDANCE_CACHE_SECONDS.
"""

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from config.versions import CacheVersion

VERSION_KEY = "guidance:content-version"
PAGE_KEY_PREFIX = "guidance:page"


@dataclass(frozen=True)
class Page:
    """A page's main content, rendered by our own templates, with what the page shell shows of it."""

    title: str  # plain text, escaped where it is shown
    html: str
    breadcrumbs: list[tuple[str, str | None]] = field(default_factory=list)
    status: int = 200
    search_query: str = ""  # shown again in the header's search box
    before_html: str = ""  # shown above the main content instead of breadcrumbs, like a back link

    @property
    def content(self) -> SafeString:
        return mark_safe(self.html)  # noqa: S308 - rendered by our templates, Markdown sanitised by nh3

    @property
    def before(self) -> SafeString:
        return mark_safe(self.before_html)  # noqa: S308 - rendered by our templates


CONTENT_VERSION = CacheVersion(VERSION_KEY)


def content_version() -> int:
    return CONTENT_VERSION.get()


def bump_version(*, action: str | None = None, using: str | None = None, **_signal_kwargs) -> None:
    """Retire every cached page: now, and again when the current transaction commits.

    A signal receiver, and also called directly by writes that send no signals.
    """
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: act once, after the change (post_add, post_remove, post_clear)
    CONTENT_VERSION.bump(using=using)


def bump_version_on_change(*senders: type[models.Model]) -> None:
    """Bump the content version whenever one of these models, or m2m `through` tables, is written."""
    for sender in senders:
        uid = f"guidance.cache:{sender._meta.label_lower}"
        if sender._meta.auto_created:  # the table behind a ManyToManyField
            m2m_changed.connect(bump_version, sender=sender, dispatch_uid=uid)
        else:
            post_save.connect(bump_version, sender=sender, dispatch_uid=uid)
            post_delete.connect(bump_version, sender=sender, dispatch_uid=uid)


def is_editor(user) -> bool:
    return bool(getattr(user, "is_content_editor", False))


def page_key(request, version: int) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    address = request.path + (f"?{query}" if query else "")
    audience = "editor" if is_editor(request.user) else "reader"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{version}:{audience}:{digest}"


class RecentPages:
    """What this process served most recently, by key, each until its expiry (if it has one).

    Kept pages here, and page shells in guidance/shell.py.
    """

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[object, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key, value, timeout: float | None = None) -> None:
        """Keep `value` for `timeout` seconds, or until it is pushed out when `timeout` is None."""
        expires = math.inf if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._pages[key] = (expires, value)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


recent_pages = RecentPages(size=256)


def _forget_recent_pages(setting, **kwargs):
    # A different cache has different versions: never match a page from the old one.
    if setting in ("CACHES", "GUIDANCE_CACHE_SECONDS"):
        recent_pages.clear()


setting_changed.connect(_forget_recent_pages, dispatch_uid="guidance.cache.recent_pages")


def cached_page(request, render: Callable[[], Page]) -> Page:
    """The page's content from the cache, or `render()` it and keep it (unless it raises)."""
    timeout = settings.GUIDANCE_CACHE_SECONDS
    if timeout <= 0:
        return render()
    key = page_key(request, content_version())
    page = recent_pages.get(key)
    if page is not None:
        return page
    page = cache.get(key)
    if page is None:
        page = render()
        cache.set(key, page, timeout)
    recent_pages.put(key, page, timeout)
    return page
