import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_a_nonce_based_csp(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    # The one inline script carries the same nonce.
    assert f'nonce="{nonce}"'.encode() in response.content


def test_each_response_gets_a_fresh_nonce(client):
    first = re.search(r"'nonce-([^']+)'", client.get(reverse("login"))["Content-Security-Policy"]).group(1)
    second = re.search(r"'nonce-([^']+)'", client.get(reverse("login"))["Content-Security-Policy"]).group(1)
    assert first != second


def test_pages_send_the_other_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_send_the_headers_too(client_for, fca):
    response = client_for(fca).get(reverse("home"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
