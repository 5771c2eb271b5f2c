"""Actions in admin: superusers read them, each look recorded on the checklist's timeline; nobody changes them."""

import pytest
from django.urls import reverse

from actions.models import Action
from checklists.models import Event
from tests.factories import ActionFactory, ChecklistFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:actions_action_changelist")


def change_url(action) -> str:
    return reverse("admin:actions_action_change", args=[action.pk])


@pytest.fixture
def action(fca):
    return ActionFactory(checklist=ChecklistFactory(author=fca), description="Ring the school about attendance")


def test_a_superuser_reads_an_action_and_the_look_is_recorded(client_for, superuser, action):
    client = client_for(superuser)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    # The list names no case and quotes no action.
    assert "Ring the school" not in listing.content.decode()
    assert action.checklist.case_reference not in listing.content.decode()

    page = client.get(change_url(action))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Ring the school about attendance" in html and 'name="_save"' not in html
    assert list(action.checklist.events.filter(kind=Event.Kind.VIEWED).values_list("actor", "detail")) == [
        (superuser.pk, "An action, in admin")
    ]


def test_a_superuser_cannot_add_change_or_delete_one(client_for, superuser, action):
    client = client_for(superuser)
    assert client.get(reverse("admin:actions_action_add")).status_code == 403
    response = client.post(change_url(action), {"description": "Changed", "status": "done"})
    assert response.status_code == 403
    delete = reverse("admin:actions_action_delete", args=[action.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    action.refresh_from_db()
    assert (action.description, action.status) == ("Ring the school about attendance", Action.Status.OPEN)


@pytest.mark.parametrize("persona", ["editor", "fca", "supervisor"])
def test_anyone_else_gets_a_404_or_the_sign_in_page_and_nothing_is_recorded(client_for, request, persona, action):
    client = client_for(request.getfixturevalue(persona))
    for url in (CHANGELIST, change_url(action)):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    assert Action.objects.filter(pk=action.pk).exists()
    assert not Event.objects.filter(kind=Event.Kind.VIEWED).exists()
