"""Keep each person's busiest checklist pages rendered, under keys made of what the pages show.

People come back to the same pages again and again: a supervisor returns to the review queue
after each checklist, an FCA to their home page and their list. Each of these pages first asks
the database one cheap question that it needs anyway: how many checklists it could show in each
status, and when the latest of each last changed. That answer goes into the page's key, with
everything else that the page shows:

* whose page it is: a page is only ever served to the person it was rendered for;
* the query string (filters and page number);
* the content version (checklist template titles; guidance/cache.py);
* the roster version (people's names, teams and memberships; accounts/roster.py);
* the purge version, which the retention purge bumps (it deletes in bulk, and deleting
  checklists moves no `updated_at`);
* today's date (waiting times, overdue flags and "today" in dates).

Every saved change to a checklist moves its `updated_at`, and deleting one changes a count, so a
checklist is never shown as it was before a change: the key is new and the page is rendered
afresh. Nothing has to remember to retire a page. The answer is read before the rows it vouches
for, so a page can only ever be newer than its key says, never older.

The review queue asks even less: when a checklist in each of the supervisor's teams last changed
(`supervision.latest_change`), one step down an index however long the team's history. Drafts
are left out of it, so an FCA typing a draft does not retire their supervisor's queue. The review
page keeps everything above its timeline (summary, answers, comments, empty forms) under the
checklist's own `updated_at`, which an answer, a comment, a change of status or a discussion date
moves; the CSRF fields in it are placeholders, filled with each request's own token. Its timeline
is read every time, because each look adds to it. A step of a checklist is kept the same way, under
the checklist's `updated_at` and whether the person's last submit was refused, so coming back to a
step reads only the checklist; an autosave moves `updated_at` and the step is rendered afresh.

Like guidance pages, only the main content is kept, and CSRF tokens in it are markers. The shell
(navigation, CSRF tokens, the CSP nonce, messages) is filled in for each request by
guidance/shell.py. Entries hold case references, titles and answers, so they stay in the
server-side cache, beside the sessions, for CHECKLIST_PAGE_CACHE_SECONDS at most, under digests
that name nothing.

Each process also keeps the pages it used most recently (CHECKLIST_PAGES_KEPT of them), under
the same keys and for no longer, as guidance pages are kept: a busy page then costs one cache
read (the versions) rather than two, and no unpickling. The versions are still read from the
shared cache on every request, so a purge retires these copies everywhere at once, and a change
to a checklist gives its pages new keys in every process.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.utils import timezone
from django.utils.http import urlencode

from accounts.roster import ROSTER_VERSION
from config import versions
from guidance.cache import CONTENT_VERSION, Page, RecentPages

KEY_PREFIX = "checklists:page"
PURGE_VERSION = versions.CacheVersion("checklists:purge-version")
# The pages this process used most recently: see above.
recent_pages = RecentPages(size=settings.CHECKLIST_PAGES_KEPT)


def _forget_recent_pages(setting, **kwargs):
    # A different cache has different versions: never match a page kept from the old one.
    if setting in ("CACHES", "CHECKLIST_PAGE_CACHE_SECONDS", "CHECKLIST_PAGES_KEPT"):
        recent_pages.clear()
        recent_pages.size = settings.CHECKLIST_PAGES_KEPT


setting_changed.connect(_forget_recent_pages, dispatch_uid="checklists.pages.recent_pages")


def retire_pages() -> None:
    """Retire every kept page, after deleting checklists in bulk."""
    PURGE_VERSION.bump()


def page_key(request, name: str, shown, *, by_query: bool = True) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True) if by_query else ""
    current = versions.current(CONTENT_VERSION, ROSTER_VERSION, PURGE_VERSION)
    what = (current, timezone.localdate().isoformat(), query, shown)
    digest = hashlib.sha256(repr(what).encode()).hexdigest()
    return f"{KEY_PREFIX}:{name}:{request.user.pk}:{digest}"


def cached_page(request, name: str, shown, render: Callable[[], Page], *, by_query: bool = True) -> Page:
    """The person's page from the cache, or `render()` it and keep it (unless it raises).

    `shown` is what the database said about the checklists the page can show (see above), plus
    anything else the page depends on beyond the person, the query string and the date. It may be
    a function, when asking costs a query that only the key needs: it is called only to make one.
    `by_query=False` is for content that the query string does not change, kept once for all.
    """
    timeout = settings.CHECKLIST_PAGE_CACHE_SECONDS
    if timeout <= 0:
        return render()
    key = page_key(request, name, shown() if callable(shown) else shown, by_query=by_query)
    page = recent_pages.get(key)
    if page is not None:
        return page
    page = cache.get(key)
    if page is None:
        page = render()
        cache.set(key, page, timeout)
    recent_pages.put(key, page, timeout)
    return page
