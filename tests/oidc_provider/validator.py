import time

from oauth2_provider.oauth2_validators import OAuth2Validator

from .people import PEOPLE

PROVIDER_BEHAVIOUR = {"expired_id_token", "email_in_userinfo_only"}


class Validator(OAuth2Validator):
    """Issues each person's claims from people.PEOPLE."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "oid": "profile", "groups": "profile"}

    def get_additional_claims(self, request):
        person = PEOPLE.get(request.user.username, {})
        return {claim: value for claim, value in person.items() if claim not in PROVIDER_BEHAVIOUR}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        person = PEOPLE.get(request.user.username, {})
        if person.get("expired_id_token"):
            claims["exp"] = int(time.time()) - 600
        if person.get("email_in_userinfo_only"):
            claims.pop("email", None)
            claims.pop("email_verified", None)
        return claims, expiration_time
