"""Pointing Practice Hub at the test provider, and a person's browser there for client-level tests."""

import copy
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from .people import PASSWORD
from .process import RunningProvider


def point_at(settings, provider: RunningProvider, *, issuer: str | None = None) -> None:
    """Configure Practice Hub's OpenID Connect settings for this provider, as the environment would."""
    settings.OIDC_ISSUER = issuer or provider.issuer
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_UNKNOWN_USERS = "refuse"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(provider.url)
    settings.CONTENT_SECURITY_POLICY = policy


class ProviderBrowser:
    """A person's browser at the provider: signs in there and follows authorisation requests."""

    def __init__(self, provider: RunningProvider, username: str):
        self.http = requests.Session()
        self.http.get(f"{provider.url}/login/", timeout=10).raise_for_status()
        response = self.http.post(
            f"{provider.url}/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.http.cookies["provider_csrftoken"],
            },
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, "the provider refused the test person's password"

    def authorize(self, url: str) -> str:
        """Follow an authorisation request; return the callback URL the provider sends the browser to."""
        response = self.get(url)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def get(self, url: str) -> requests.Response:
        return self.http.get(url, allow_redirects=False, timeout=10)


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes) -> str:
    return urlsplit(url)._replace(query=urlencode({**query(url), **changes})).geturl()
