"""The authentication backend for the OpenID Connect callback (mozilla-django-oidc's, made stricter)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services
from .provider import provider_for


class ProviderBackend(OIDCAuthenticationBackend):
    """Signs in the person whose ID token the provider issued for this browser's sign-in.

    The library checks the token's signature (RS256, from the provider's JWKS), its expiry and the
    nonce; this adds the issuer and audience, and finds the person by subject, never by name.
    """

    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # Django loads backends on every request (get_user), so nothing here may ask the provider.
        self.UserModel = get_user_model()

    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_for(self.request).token_endpoint)
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_for(self.request).userinfo_endpoint)
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_for(self.request).jwks_uri)

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        # Only the callback passes a nonce; a password sign-in never reaches the provider.
        if request is None or nonce is None or code_verifier is None or not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token was issued by another issuer.")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued for another client.")
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token was issued for another party.")
        if "exp" not in payload or not payload.get("sub"):
            raise SuspiciousOperation("The ID token has no expiry or subject.")
        return payload

    def store_tokens(self, access_token, id_token):
        # Kept until the person is signed in: a refused sign-in leaves nothing in the session.
        self.id_token = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if not claims.get("email"):
            # The signed ID token is enough where it has an email (Entra ID advises using it alone);
            # otherwise userinfo fills in, and must describe the same subject (OIDC Core 5.3.2).
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub")) != str(payload["sub"]):
                raise SuspiciousOperation("The userinfo endpoint described someone else.")
            claims = {**userinfo, **payload}
        user = services.sign_in(
            issuer=settings.OIDC_ISSUER,
            claims=claims,
            unknown_users=settings.OIDC_UNKNOWN_USERS,
            groups_claim=settings.OIDC_GROUPS_CLAIM,
        )
        user.sso_sign_in = {
            "id_token": self.id_token,
            "end_session_endpoint": provider_for(self.request).end_session_endpoint,
        }
        return user

    def get_user(self, user_id):
        # The library's would return a deactivated user; Django's refuses them on their next request.
        return ModelBackend.get_user(self, user_id)

    # Permissions come from ModelBackend alone; this backend only signs people in.
    get_user_permissions = BaseBackend.get_user_permissions
    get_group_permissions = BaseBackend.get_group_permissions
    get_all_permissions = BaseBackend.get_all_permissions
    has_perm = BaseBackend.has_perm
