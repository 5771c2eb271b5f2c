"""Keep the admin's checklist list rendered, under a key made of everything it shows.

The admin renders a page of checklists through its own templates: twenty-five rows, the filters,
the navigation sidebar. That costs several times what the queries do. The data is read as usual
(the count, the rows, the filters' choices), and then, before rendering, it goes into the key
with everything else the page shows:

* whose page it is, their name, whether they have a password to change, and what the sidebar
  offers them;
* the address with its query string (filters, search, sort and page number);
* the language and time zone;
* each row's values, as the list displays them (a related object by its name);
* the count, the page and the choices of each filter.

So the key changes whenever anything on the page would: an edited row, a new checklist at the top,
a renamed team. Nothing has to remember to retire a page. A page with messages to show is always
rendered, which also marks them as shown, and so is one with facet counts, which are read while
rendering. A context value this module does not know how to describe makes it render the page
rather than guess.

The page is kept only in this process (`pages.recent_pages`, CHECKLIST_PAGES_KEPT pages, for
CHECKLIST_PAGE_CACHE_SECONDS at most), under a digest that names nothing, with its CSRF tokens
replaced by markers that each request fills with its own.
"""

import hashlib

from django.conf import settings
from django.contrib.admin.utils import lookup_field
from django.contrib.messages import get_messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.functional import Promise

from guidance.shell import keepable, with_tokens

from .pages import recent_pages

SIMPLE = (str, int, float, bool, type(None), Promise)


class Unknown(Exception):
    """A context value that cannot be described safely: render the page instead."""


def _simple(value):
    if isinstance(value, SIMPLE):
        return str(value) if isinstance(value, Promise) else value
    if isinstance(value, (list, tuple)):
        return tuple(_simple(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), _simple(item)) for key, item in value.items()))
    raise Unknown(type(value).__name__)


def _apps(apps) -> tuple:
    # The sidebar: each app's models, with their names, links and what this person may do there.
    return tuple(
        (
            app["app_label"],
            str(app["name"]),
            app["app_url"],
            tuple(
                (
                    model["object_name"],
                    str(model["name"]),
                    model["admin_url"],
                    model["add_url"],
                    _simple(model["perms"]),
                )
                for model in app["models"]
            ),
        )
        for app in apps
    )


def _rows(model_admin, changelist) -> tuple:
    fields = changelist.list_display
    rows = []
    for obj in changelist.result_list:
        values = []
        for name in fields:
            if name == "action_checkbox":
                continue
            try:
                _field, _attr, value = lookup_field(name, obj, model_admin)
            except ObjectDoesNotExist:
                value = None  # The list shows it as empty.
            # A related object shows as its name, which repr() includes.
            values.append(repr(value))
        rows.append((obj.pk, tuple(values)))
    return tuple(rows)


def _filters(changelist) -> tuple:
    return tuple(
        (
            type(spec).__qualname__,
            str(spec.title),
            _simple(getattr(spec, "used_parameters", {})),
            tuple(repr(choice) for choice in getattr(spec, "lookup_choices", ())),
        )
        for spec in changelist.filter_specs
    )


def _changelist(model_admin, changelist) -> tuple:
    return (
        changelist.result_count,
        changelist.full_result_count,
        changelist.page_num,
        changelist.paginator.num_pages,
        changelist.show_all,
        changelist.can_show_all,
        changelist.multi_page,
        changelist.query,
        tuple(changelist.list_display),
        _filters(changelist),
        _rows(model_admin, changelist),
    )


def _shown(request, model_admin, context) -> tuple:
    described = []
    for name in sorted(context):
        value = context[name]
        if name == "cl":
            value = _changelist(model_admin, value)
        elif name == "available_apps":
            value = _apps(value)
        elif name == "opts":
            value = value.label
        elif name == "media":
            value = str(value)
        elif name == "log_entries":
            continue  # The index page's recent actions; the list does not show them.
        elif name == "action_form":
            value = None if value is None else _simple(list(value.fields["action"].choices))
        else:
            value = _simple(value)
        described.append((name, value))
    user = request.user
    return (
        model_admin.opts.label,
        user.pk,
        user.get_username(),
        user.get_short_name(),
        user.has_usable_password(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        request.get_full_path(),
        tuple(described),
    )


def kept_changelist(request, model_admin, response):
    """The admin's `changelist_view` response, served from or kept in this process's pages."""
    timeout = settings.CHECKLIST_PAGE_CACHE_SECONDS
    if (
        timeout <= 0
        or recent_pages.size <= 0
        or request.method != "GET"
        or not isinstance(response, TemplateResponse)
        or response.status_code != 200
        or response.is_rendered
        or len(get_messages(request))
    ):
        return response
    changelist = response.context_data.get("cl")
    if changelist is None or changelist.add_facets:
        return response  # Facet counts are read while rendering, too late for the key.
    try:
        shown = _shown(request, model_admin, response.context_data)
    except Unknown:
        return response
    key = ("admin-changelist", hashlib.sha256(repr(shown).encode()).hexdigest())
    html = recent_pages.get(key)
    if html is not None:
        # A rendered page draws its own token; a kept one is filled with this request's.
        return HttpResponse(with_tokens(html, get_token(request)), content_type=response.get("Content-Type"))

    def keep(rendered):
        recent_pages.put(key, keepable(rendered.content.decode()), timeout)

    response.add_post_render_callback(keep)
    return response
