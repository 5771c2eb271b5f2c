"""Access that is taken away ends on the person's very next request, however it is taken away.

Changes here are made with QuerySet.update() and bulk deletes, which send no signals, so nothing
could tell a cache about them. CI runs this with Redis caches and cached_db sessions on.
"""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from accounts.models import Membership, User
from checklists.models import Checklist, Comment
from guidance.models import KnowledgeBite
from tests.factories import KnowledgeBiteFactory
from tests.supervision import support
from tests.supervision.support import make_checklist

pytestmark = pytest.mark.django_db

template = support.template


def review_url(checklist):
    return reverse("supervision:review", kwargs={"pk": checklist.pk})


def test_the_tests_run_on_the_configured_session_engine(client_for, fca):
    client = client_for(fca)
    assert client.get(reverse("home")).status_code == 200
    expected = "cached_db" if settings.REDIS_URL else "db"
    assert settings.SESSION_ENGINE == f"django.contrib.sessions.backends.{expected}"


def test_a_supervisor_demoted_with_update_loses_the_review_page_at_once(client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template)
    client = client_for(supervisor)
    assert client.get(review_url(checklist)).status_code == 200

    Membership.objects.filter(user=supervisor).update(role=Membership.Role.PRACTITIONER)

    assert client.get(review_url(checklist)).status_code == 404
    assert client.get(reverse("supervision:queue")).status_code == 403
    assert Membership.objects.get(user=supervisor).role == Membership.Role.PRACTITIONER


def test_a_supervisor_removed_from_the_team_cannot_sign_off(client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template)
    client = client_for(supervisor)
    assert client.get(review_url(checklist)).status_code == 200

    Membership.objects.filter(user=supervisor).delete()
    response = client.post(reverse("supervision:sign_off", kwargs={"pk": checklist.pk}), {"signoff-body": "Fine"})

    assert response.status_code == 404
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED
    assert not Comment.objects.filter(checklist=checklist).exists()


def test_a_person_deactivated_with_update_is_signed_out_at_once(client_for, fca):
    client = client_for(fca)
    assert client.get(reverse("checklists:list")).status_code == 200

    User.objects.filter(pk=fca.pk).update(is_active=False)
    response = client.get(reverse("checklists:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not User.objects.get(pk=fca.pk).is_active


def test_a_password_changed_with_update_ends_other_sessions(client_for, fca):
    client = client_for(fca)
    assert client.get(reverse("home")).status_code == 200

    User.objects.filter(pk=fca.pk).update(password=make_password("a-new-password-for-fca"))
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_editor_taken_out_of_the_group_stops_seeing_drafts_at_once(client_for, editor):
    bite = KnowledgeBiteFactory(slug="draft-bite", status=KnowledgeBite.Status.DRAFT)
    url = bite.get_absolute_url()
    client = client_for(editor)
    assert client.get(url).status_code == 200

    User.groups.through.objects.filter(user=editor).delete()

    assert client.get(url).status_code == 404
    assert not editor.groups.exists()
