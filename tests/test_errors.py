import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import path, reverse

from checklists.models import Checklist
from config import urls as project_urls

pytestmark = pytest.mark.django_db


def _forbidden(request):
    raise PermissionDenied("Only supervisors can do that.")


def _bad(request):
    raise SuspiciousOperation("tampered")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("forbidden/", _forbidden),
    path("bad/", _bad),
    path("broken/", _broken),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def test_a_missing_page_gets_the_styled_404(client_for, fca):
    response = client_for(fca).get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"govuk-header" in response.content


@override_settings(ROOT_URLCONF=__name__)
def test_a_refusal_gets_the_styled_403_with_its_reason(client_for, fca):
    response = client_for(fca).get("/forbidden/")
    assert response.status_code == 403
    assert b"Only supervisors can do that." in response.content
    assert b"govuk-header" in response.content


@override_settings(ROOT_URLCONF=__name__)
def test_a_bad_request_gets_the_styled_400(client_for, fca):
    response = client_for(fca).get("/bad/")
    assert response.status_code == 400
    assert b"Sorry, something went wrong" in response.content
    assert b"request" not in response.content.split(b'id="main-content"')[1]
    # Rendered without the request's context, the header still leads home.
    assert b'<a href="/" class="govuk-header__link govuk-header__link--homepage">' in response.content


@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_gets_the_styled_500(client_for, fca):
    client = client_for(fca)
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_a_form_sent_without_its_security_token_gets_words_for_people(fca):
    client = Client(enforce_csrf_checks=True)
    client.force_login(fca)
    response = client.post(reverse("checklists:start"), {"template": "anything"})
    assert response.status_code == 403
    main = response.content.decode().split('id="main-content"')[1]
    assert "Sorry, that did not work" in main
    assert "Nothing was saved or changed." in main
    assert "CSRF" not in main and "Forbidden" not in main
    assert not Checklist.objects.exists()
