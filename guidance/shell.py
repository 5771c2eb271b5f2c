"""Serve a kept page's content inside a shell this process has already rendered for the person.

Guidance pages (guidance/cache.py) and the busiest checklist pages (checklists/pages.py) keep
their main content, but the shell around it was still rendered from base.html on every request:
the header, navigation, breadcrumbs, footer and timeout dialog. For one person on one page, the
shell differs between requests in two values only: the CSRF token of the sign-out form and the
CSP nonce of the inline script. So each process keeps, for a few hundred recent (person, page)
pairs, the shell rendered once with markers in place of those two values and of the content, and
fills them in for each request: three string joins instead of a template render.

The key holds everything the shell shows: the path (which navigation item is current), the page's
title, breadcrumbs and search words, and the person's id, username and the roles that add
navigation items. A rename or a new role makes a new key, so the old shell is never shown. Pages
with messages to show are rendered in full, which also marks the messages as shown.

Nothing here leaves the process, and shells hold no case details: titles and breadcrumbs of
checklist pages are fixed words (checklists/pages.py keeps the content itself, in Redis).
"""

import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

from .cache import Page

TEMPLATE = "guidance/page.html"
# Markers for what changes with each request. Escaped text can never produce them.
CONTENT = "<!--shell:content-->"
CSRF = "<!--shell:csrf-->"
NONCE = "<!--shell:nonce-->"
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


class Shells:
    """The shells this process rendered most recently, as (before, after) the content."""

    def __init__(self):
        self._shells: OrderedDict[tuple, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[str, str] | None:
        with self._lock:
            shell = self._shells.get(key)
            if shell is not None:
                self._shells.move_to_end(key)
            return shell

    def put(self, key: tuple, shell: tuple[str, str], size: int) -> None:
        with self._lock:
            self._shells[key] = shell
            while len(self._shells) > size:
                self._shells.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._shells.clear()


shells = Shells()


def _forget_shells(setting, **kwargs):
    # Settings shown in the shell (the session timeout) or changing how it is kept.
    shells.clear()


setting_changed.connect(_forget_shells, dispatch_uid="guidance.shell.shells")


def _context(page: Page) -> dict:
    return {"page": page, "breadcrumbs": page.breadcrumbs, "search_query": page.search_query}


def _key(request, page: Page) -> tuple:
    user = request.user
    return (
        request.path,
        page.title,
        tuple(page.breadcrumbs),
        page.search_query,
        user.pk,
        user.get_username(),
        user.is_supervisor,
        user.is_staff,
    )


def _fill(text: str, request) -> str:
    return text.replace(NONCE, str(request.csp_nonce)).replace(CSRF, get_token(request))


def render_page(request, page: Page) -> HttpResponse:
    """`guidance/page.html` around the page's content, from this process's shell when it has one."""
    size = settings.PAGE_SHELLS_KEPT
    if size <= 0 or not request.user.is_authenticated or len(get_messages(request)):
        return render(request, TEMPLATE, _context(page), status=page.status)
    key = _key(request, page)
    shell = shells.get(key)
    if shell is None:
        nonce = str(request.csp_nonce)
        marked = Page(title=page.title, html=CONTENT, breadcrumbs=page.breadcrumbs, search_query=page.search_query)
        html = render_to_string(TEMPLATE, _context(marked), request=request)
        html = CSRF_VALUE.sub(rf"\g<1>{CSRF}\g<2>", html).replace(nonce, NONCE)
        before, _, after = html.partition(CONTENT)
        shell = (before, after)
        shells.put(key, shell, size)
    before, after = shell
    return HttpResponse(_fill(before, request) + page.html + _fill(after, request), status=page.status)
