"""Fixtures for sign-in with a work account, against the real test identity provider."""

import pytest

from tests.oidc_provider.process import RunningProvider, shared_provider
from tests.oidc_provider.support import ProviderBrowser, point_at


@pytest.fixture(scope="session")
def provider() -> RunningProvider:
    return shared_provider()


@pytest.fixture
def oidc(settings, provider) -> RunningProvider:
    """Practice Hub signs in through the test provider; unknown people are refused."""
    point_at(settings, provider)
    return provider


def start(client, next_url: str = "") -> str:
    """Press "Sign in with your work account"; return the authorisation request it redirects to."""
    response = client.get("/sso/sign-in/", {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def sign_in_with_work_account(client, provider: RunningProvider, username: str, next_url: str = ""):
    """The whole sign-in, as a browser would do it: Practice Hub, the provider, back to the callback."""
    callback = ProviderBrowser(provider, username).authorize(start(client, next_url))
    return client.get(callback)
