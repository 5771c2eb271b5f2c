"""The people the test provider knows, with the claims it issues for each.

Claims are whatever the provider says about a person. `expired_id_token` and
`email_in_userinfo_only` are the provider's own behaviour: it issues that person ID tokens that
have already expired, or that leave out the email claims, which only userinfo then gives.
"""

PASSWORD = "provider-password-2468"
CLIENT_ID = "practice-hub"
CLIENT_SECRET = "practice-hub-client-secret-for-tests"

PEOPLE = {
    # Has a Practice Hub account with the same email: linked on first sign-in.
    "casey": {
        "sub": "d3b5d1a8-0c2e-4f55-9a51-casey",
        "email": "casey.jones@example.org",
        "email_verified": True,
        "given_name": "Casey",
        "family_name": "Jones",
        "name": "Casey Jones",
    },
    # Unknown to Practice Hub.
    "robin": {
        "sub": "5f0c8a9e-9a77-4c1e-8d4e-robin",
        "email": "robin.new@example.org",
        "email_verified": True,
        "given_name": "Robin",
        "family_name": "Newman",
        "name": "Robin Newman",
        "preferred_username": "robin.new@example.org",
    },
    # The provider does not vouch for this email address.
    "sam": {
        "sub": "0e9f7a61-2b4d-4c0a-b1f2-sam",
        "email": "sam.unverified@example.org",
        "email_verified": False,
        "name": "Sam Unverified",
    },
    # Entra ID style: a stable object id beside a per-app sub, and group ids.
    "morgan": {
        "sub": "per-app-subject-morgan",
        "oid": "7a1c4e2b-6f3d-4b8a-9c0e-morgan",
        "email": "morgan.fields@example.org",
        "email_verified": True,
        "given_name": "Morgan",
        "family_name": "Fields",
        "groups": ["group-north-fcas", "group-south-supervisors", "group-unmapped"],
    },
    # The ID token leaves the email out; the userinfo endpoint gives it.
    "quinn": {
        "sub": "a81f3c5e-quinn",
        "email": "quinn.userinfo@example.org",
        "email_verified": True,
        "name": "Quinn Userinfo",
        "email_in_userinfo_only": True,
    },
    # Issued ID tokens that have already expired.
    "ellis": {
        "sub": "c4d2e0f1-ellis",
        "email": "ellis.expired@example.org",
        "email_verified": True,
        "expired_id_token": True,
    },
}
