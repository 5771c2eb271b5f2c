"""The admin's navigation is built once per person and process (config/admin_site.py), and still
follows each change of role or permission at once."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.roles import CONTENT_EDITORS_GROUP
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
THEMES = reverse("admin:guidance_theme_changelist")
CHECKLISTS = reverse("admin:checklists_checklist_changelist")


def _offered(client) -> set[str]:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return set(re.findall(r'<th scope="row" id="[^"]+">\s*<a href="([^"]+)"', response.content.decode()))


def test_the_site_carries_practice_hubs_titles(client_for, editor):
    html = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "<title>Content and accounts | Practice Hub admin</title>" in html
    assert '<a href="/admin/">Practice Hub administration</a>' in html


def test_a_permission_taken_from_the_group_leaves_the_navigation_at_once(client_for, editor):
    client = client_for(editor)
    assert THEMES in _offered(client)
    assert CHECKLISTS not in _offered(client)  # casework is for superusers only
    group = Group.objects.get(name=CONTENT_EDITORS_GROUP)
    group.permissions.remove(
        *Permission.objects.filter(content_type__app_label="guidance", codename__endswith="_theme")
    )
    assert THEMES not in _offered(client_for(editor))
    assert not editor.groups.get().permissions.filter(codename="view_theme").exists()


def test_a_new_superuser_is_offered_the_casework_at_once(client_for, editor):
    client = client_for(editor)
    assert CHECKLISTS not in _offered(client)
    editor.is_superuser = True
    editor.save()
    assert CHECKLISTS in _offered(client_for(editor))


def test_people_with_different_permissions_are_offered_different_things(client_for, editor, superuser):
    other = UserFactory(username="editor2", is_staff=True)
    assert CHECKLISTS in _offered(client_for(superuser))
    assert _offered(client_for(other)) == set()  # staff with no permissions: nothing to offer
    assert CHECKLISTS not in _offered(client_for(editor))
    assert not other.get_all_permissions()
