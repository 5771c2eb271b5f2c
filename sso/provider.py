"""The identity provider's endpoints, read from its discovery document when a sign-in needs them."""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

logger = logging.getLogger(__name__)


class ProviderUnavailable(Exception):
    """The provider did not answer, or did not answer with its own discovery document."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str  # empty when the provider offers no RP-initiated logout


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def discover() -> Provider:
    """Fetch the issuer's discovery document. Raises ProviderUnavailable, never anything else."""
    issuer = settings.OIDC_ISSUER
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("OpenID Connect discovery failed: %s", type(error).__name__)
        raise ProviderUnavailable from error
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        # A document for another issuer (Entra's "common" endpoint, a typo) must not be trusted.
        logger.error("OpenID Connect discovery at %s names another issuer", url)
        raise ProviderUnavailable
    try:
        endpoints = {
            name: str(document[name])
            for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
        }
    except KeyError as error:
        logger.error("OpenID Connect discovery at %s has no %s", url, error)
        raise ProviderUnavailable from error
    end_session = str(document.get("end_session_endpoint") or "")
    if end_session and origin(end_session) != origin(issuer):
        # The sign-out form may post only to the issuer's origin (CSP form-action).
        logger.warning("Ignoring an end_session_endpoint outside the issuer's origin")
        end_session = ""
    return Provider(issuer=issuer, end_session_endpoint=end_session, **endpoints)


def provider_for(request) -> Provider:
    """The provider's endpoints, discovered once per request."""
    if not hasattr(request, "_sso_provider"):
        request._sso_provider = discover()
    return request._sso_provider
