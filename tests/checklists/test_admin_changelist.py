"""The superusers' admin list of checklists stays cheap as the table grows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import Checklist
from tests.supervision import support as supervision_support
from tests.supervision.support import make_checklist

pytestmark = pytest.mark.django_db
template = supervision_support.template
URL = reverse("admin:checklists_checklist_changelist")


def _get(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _shown_count(html: str) -> int:
    return int(re.search(r'<p class="paginator">.*?(\d+) checklists?\b', html, re.DOTALL).group(1))


def _counts_checklists(statements) -> bool:
    return any("COUNT(*)" in sql and '"checklists_checklist"' in sql for sql in statements)


def test_the_list_runs_the_same_queries_with_few_or_many_checklists(client_for, superuser, fca, template):
    client = client_for(superuser)
    make_checklist(fca, template)
    _get(client)  # the first request of a session touches it and fills per-process caches
    _, few = _get(client)
    for _ in range(30):
        make_checklist(fca, template)
    html, many = _get(client)
    assert len(few) == len(many)
    assert _shown_count(html) == Checklist.objects.count() == 31
    # Only one count of the list, never a second of the whole table.
    assert sum("COUNT(*)" in sql for sql in many) <= 1


def test_the_list_shows_25_checklists_a_page(client_for, superuser, fca, template):
    for _ in range(30):
        make_checklist(fca, template)
    client = client_for(superuser)
    first, _ = _get(client)
    second, _ = _get(client, f"{URL}?p=2")
    row = re.compile(r'<th class="field-case_reference"><a href="/admin/checklists/checklist/([^/]+)/change/[^"]*">')
    assert (len(row.findall(first)), len(row.findall(second))) == (25, 5)
    assert _shown_count(first) == _shown_count(second) == 30
    shown = {pk for html in (first, second) for pk in row.findall(html)}
    assert shown == {str(pk) for pk in Checklist.objects.values_list("pk", flat=True)}
