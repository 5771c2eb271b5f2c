"""Resetting a forgotten password by email (accounts/passwords.py).

The page answers the same whether or not the address belongs to anyone. The email is a task, run
here as the worker runs it, into Django's locmem mailbox; it holds a short note and the link only.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET, SENT = reverse("password_reset"), reverse("password_reset_done")
NEW = "a-long-new-passphrase-for-practice"


def ask(client, email):
    return client.post(RESET, {"email": email})


def link_path(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/password/reset/\S+/)", message.body)[1]


def test_the_sign_in_page_offers_it(client):
    html = client.get(reverse("login")).content.decode()
    assert f'<a class="govuk-link" href="{RESET}">Forgotten your password?</a>' in html


def test_it_emails_a_link_that_sets_a_new_password(client, fca, run_tasks):
    response = ask(client, "FCA@practicehub.invalid")
    assert response.status_code == 302 and response["Location"] == SENT
    assert mail.outbox == []  # the worker sends it
    assert "Check your email" in client.get(SENT).content.decode()

    assert run_tasks() == 1

    [message] = mail.outbox
    assert message.to == ["fca@practicehub.invalid"]
    assert message.subject == "Practice Hub: reset your password"
    path = link_path(message)
    # The note and the link, nothing else: no username, name or anything about the account.
    assert "fca" not in message.body.replace("/", " ").split() and fca.first_name not in message.body
    assert len(re.findall(r"https?://", message.body)) == 1
    # Django swaps the token out of the address before showing the form.
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].endswith("/set-password/")
    form = client.get(response["Location"])
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()

    response = client.post(response["Location"], {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    fca.refresh_from_db()
    assert fca.check_password(NEW)
    assert "_auth_user_id" not in client.session  # it does not sign anyone in
    # The link worked once.
    used = Client().get(path)
    assert used.status_code == 400 and "The link does not work" in used.content.decode()


def test_it_answers_the_same_for_an_address_nobody_has(client, fca, run_tasks):
    known, unknown = ask(client, "fca@practicehub.invalid"), ask(Client(), "nobody@practicehub.invalid")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert DBTaskResult.objects.count() == 1
    run_tasks()
    assert [message.to for message in mail.outbox] == [["fca@practicehub.invalid"]]


def test_it_sends_nothing_to_someone_without_a_password(client, fca, run_tasks):
    fca.set_unusable_password()
    fca.save()
    assert ask(client, "fca@practicehub.invalid")["Location"] == SENT
    run_tasks()
    assert mail.outbox == []


def test_it_sends_nothing_to_an_inactive_account(client, fca, run_tasks):
    fca.is_active = False
    fca.save()
    ask(client, "fca@practicehub.invalid")
    run_tasks()
    assert mail.outbox == []


def test_staff_only_sign_in_sends_only_to_administrators(client, fca, editor, settings, run_tasks):
    settings.PASSWORD_SIGN_IN = "staff"
    assert ask(client, "fca@practicehub.invalid")["Location"] == SENT
    assert ask(client, "editor@practicehub.invalid")["Location"] == SENT
    run_tasks()
    assert [message.to for message in mail.outbox] == [["editor@practicehub.invalid"]]


def test_a_link_for_someone_who_may_no_longer_use_a_password_is_not_sent(client, fca, settings, run_tasks):
    ask(client, "fca@practicehub.invalid")
    settings.PASSWORD_SIGN_IN = "staff"
    run_tasks()
    assert mail.outbox == []


def test_a_bad_address_is_explained(client):
    for value, message in (
        ("", "Enter your email address"),
        ("not an address", "Enter an email address in the correct format, like name@example.com"),
        ("a" * 250 + "@example.org", "Enter an email address of 254 characters or fewer"),
    ):
        response = ask(client, value)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_a_reset_ends_every_session(fca, run_tasks):
    elsewhere = Client()
    elsewhere.post(reverse("login"), {"username": "fca", "password": PASSWORD})
    assert elsewhere.get(reverse("home")).status_code == 200
    client = Client()
    ask(client, "fca@practicehub.invalid")
    run_tasks()
    form_url = client.get(link_path(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})

    response = elsewhere.get(reverse("home"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_weak_new_password_is_explained_and_changes_nothing(client, fca, run_tasks):
    ask(client, "fca@practicehub.invalid")
    run_tasks()
    form_url = client.get(link_path(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 400
    assert "This password is too short" in response.content.decode()
    fca.refresh_from_db()
    assert fca.check_password(PASSWORD)


def test_a_made_up_link_is_refused_with_a_clear_page(client, fca):
    response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-123"}))
    assert response.status_code == 400
    assert "The link does not work" in response.content.decode()


@pytest.mark.parametrize("setting", [("PASSWORD_RESET_BY_EMAIL", False), ("PASSWORD_SIGN_IN", "none")])
def test_it_is_not_offered_when_switched_off(client, settings, setting, run_tasks):
    UserFactory(username="someone")
    setattr(settings, *setting)
    assert "Forgotten your password?" not in client.get(reverse("login")).content.decode()
    assert client.get(RESET).status_code == 404
    assert ask(client, "someone@practicehub.invalid").status_code == 404
    assert client.get(SENT).status_code == 404
    assert not DBTaskResult.objects.exists()
