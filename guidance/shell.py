"""Serve a kept page's content inside a shell this process has already rendered for the person.

Guidance pages (guidance/cache.py) and the busiest checklist pages (checklists/pages.py) keep
their main content, but the shell around it was still rendered from base.html on every request:
the header, navigation, breadcrumbs or back link, footer and timeout dialog. For one person on one
page, the shell differs between requests in two values only: the CSRF token of the sign-out form
and the CSP nonce of the inline script. So each process keeps, for a few hundred recent (person,
page) pairs, the shell rendered once with markers in place of those two values and of the
content, and fills them in for each request: a few string joins instead of a template render.

Kept content with forms in it (a step, the review page) is kept the same way: `keepable()` swaps
its CSRF tokens for markers and `render_page()` puts this request's token in. A token kept from
an earlier request could belong to another session, whose CSRF secret differs, and be refused.

The key holds everything the shell shows: the template, the path (which navigation item is
current), the page's title, breadcrumbs, back link and search words, and the person's id,
username and the roles that add navigation items. A rename or a new role makes a new key, so the
old shell is never shown. Pages with messages to show are rendered in full, which also marks the
messages as shown.

Shells stay in the process's memory and are never written anywhere. A step page's title names
its case number, as the page itself does.
"""

import re
from dataclasses import replace

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

from .cache import Page, RecentPages

TEMPLATE = "guidance/page.html"
# Markers for what changes with each request. Escaped text can never produce them.
CONTENT = "<!--shell:content-->"
CSRF = "<!--shell:csrf-->"
NONCE = "<!--shell:nonce-->"
# A CSRF token as our templates write it: in a form's hidden field, or in htmx's request headers.
# Text people typed is escaped, so its quotes can never complete either pattern.
CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"<>]*(")')


def keepable(html: str) -> str:
    """Rendered content with its CSRF tokens replaced by markers, to keep for later requests."""
    return CSRF_TOKEN.sub(rf"\g<1>{CSRF}\g<2>", html)


def with_tokens(html: str, token: str) -> str:
    """Kept content with this request's CSRF token (from `get_token`) in place of the markers."""
    return html.replace(CSRF, token) if CSRF in html else html


# The shells this process rendered most recently, as (before, after) the content.
shells = RecentPages(size=settings.PAGE_SHELLS_KEPT)


def _forget_shells(setting, **kwargs):
    # Settings shown in the shell (the session timeout) or changing how it is kept.
    shells.clear()
    shells.size = settings.PAGE_SHELLS_KEPT


setting_changed.connect(_forget_shells, dispatch_uid="guidance.shell.shells")


def _context(page: Page) -> dict:
    return {"page": page, "breadcrumbs": page.breadcrumbs, "search_query": page.search_query}


def _key(request, page: Page, template: str) -> tuple:
    user = request.user
    return (
        template,
        request.path,
        page.title,
        tuple(page.breadcrumbs),
        page.search_query,
        page.before_html,
        user.pk,
        user.get_username(),
        user.is_supervisor,
        user.is_staff,
    )


def render_page(request, page: Page, *, template: str = TEMPLATE) -> HttpResponse:
    """`template` around the page's content, from this process's shell when it has one.

    The template extends base.html and shows `page.title`, `page.content` and, if it likes,
    `page.before`. Content kept with `keepable()` gets this request's CSRF token.
    """
    # One masked token for the whole page: each get_token() call draws a fresh mask.
    token = get_token(request)
    content = with_tokens(page.html, token)
    if shells.size <= 0 or not request.user.is_authenticated or len(get_messages(request)):
        return render(request, template, _context(replace(page, html=content)), status=page.status)
    key = _key(request, page, template)
    shell = shells.get(key)
    if shell is None:
        nonce = str(request.csp_nonce)
        html = render_to_string(template, _context(replace(page, html=CONTENT)), request=request)
        before, _, after = keepable(html).replace(nonce, NONCE).partition(CONTENT)
        shell = (before, after)
        shells.put(key, shell)
    before, after = shell
    nonce = str(request.csp_nonce)
    return HttpResponse(_fill(before, nonce, token) + content + _fill(after, nonce, token), status=page.status)


def _fill(text: str, nonce: str, token: str) -> str:
    return with_tokens(text.replace(NONCE, nonce), token)
