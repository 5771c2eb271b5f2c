"""Who a provider's claims sign in as: by issuer and subject, else an email the provider vouches for."""

import logging
import re

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User

from .models import GroupMapping, Identity

logger = logging.getLogger(__name__)

# Entra ID's issuer for one organisation's tenant (never "common" or "organizations").
ENTRA_TENANT_ISSUER = re.compile(r"^https://login\.microsoftonline\.com/[0-9a-f-]{36}/v2\.0$")
ROLE_RANK = {Membership.Role.PRACTITIONER: 0, Membership.Role.SUPERVISOR: 1}


class SignInRefused(Exception):
    """The provider vouched for the person, but Practice Hub does not let them in."""

    UNKNOWN = "unknown"
    INACTIVE = "inactive"
    NEEDS_LINKING = "needs_linking"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def subject_of(claims: dict) -> str:
    """Entra ID's object id, the same for every app in the tenant; else the standard sub claim."""
    return str(claims.get("oid") or claims["sub"])


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def verified_email(*, issuer: str, claims: dict) -> str:
    """The email address the provider vouches for, or "" when it vouches for none.

    Standard providers say so with email_verified. Entra ID sends no email_verified: there,
    `email` counts when the xms_edov claim says the tenant owns its domain, and otherwise the
    sign-in name (preferred_username), which Entra ID only issues in the tenant's verified domains.
    """
    email = str(claims.get("email") or "")
    if email and _true(claims.get("email_verified")):
        return email
    if ENTRA_TENANT_ISSUER.match(issuer):
        if email and _true(claims.get("xms_edov")):
            return email
        username = str(claims.get("preferred_username") or "")
        if "@" in username:
            return username
    return ""


def _user_to_link(*, issuer: str, email: str) -> User | None:
    """The one existing account with this email, if it may be linked automatically."""
    if not email:
        return None
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if not matches:
        return None
    if len(matches) > 1:
        logger.warning("Sign-in refused: more than one account has the provider's email address")
        raise SignInRefused(SignInRefused.NEEDS_LINKING)
    user = matches[0]
    if not user.is_active:
        raise SignInRefused(SignInRefused.INACTIVE)
    if user.is_staff or user.is_superuser:
        # Admin rights never follow an email address: an administrator links these in admin.
        logger.warning("Sign-in refused: a staff account is linked only by an administrator")
        raise SignInRefused(SignInRefused.NEEDS_LINKING)
    if Identity.objects.filter(user=user, issuer=issuer).exists():
        logger.warning("Sign-in refused: the account with this email is linked to another work account")
        raise SignInRefused(SignInRefused.NEEDS_LINKING)
    return user


def _new_username(claims: dict, subject: str) -> str:
    base = str(claims.get("preferred_username") or claims.get("email") or subject)[:140]
    base = re.sub(r"[^\w.@+-]", "", base) or "user"
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


def _create_user(*, claims: dict, subject: str, email: str) -> User:
    user = User(
        username=_new_username(claims, subject),
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        email=email,
    )
    user.set_unusable_password()
    user.save()
    return user


def groups_of(claims: dict, claim: str) -> list[str] | None:
    """The provider's group ids, or None when the token carries none to go by (absent, or too many)."""
    groups = claims.get(claim)
    if not isinstance(groups, list):
        if "_claim_names" in claims:
            logger.warning("The groups claim overflowed; team memberships are left as they are")
        return None
    return [str(group) for group in groups]


def apply_group_mappings(*, user: User, groups: list[str] | None) -> None:
    """Teams that have a group mapping follow the groups claim; other teams are left to admin."""
    if groups is None:
        return
    mappings = list(GroupMapping.objects.all())
    if not mappings:
        return
    wanted: dict[int, str] = {}
    for mapping in mappings:
        if mapping.group_id in groups:
            role = wanted.get(mapping.team_id)
            if role is None or ROLE_RANK[mapping.role] > ROLE_RANK[role]:
                wanted[mapping.team_id] = mapping.role
    mapped_teams = {mapping.team_id for mapping in mappings}
    current = {m.team_id: m for m in Membership.objects.filter(user=user, team_id__in=mapped_teams)}
    for team_id in mapped_teams:
        role, membership = wanted.get(team_id), current.get(team_id)
        if role is None and membership is not None:
            membership.delete()
        elif role is not None and membership is None:
            Membership.objects.create(user=user, team_id=team_id, role=role)
        elif role is not None and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])


@transaction.atomic
def sign_in(*, issuer: str, claims: dict, unknown_users: str, groups_claim: str) -> User:
    """The active user these verified claims belong to, linked or created on their first sign-in.

    Raises SignInRefused for a person Practice Hub does not let in; nothing is written then.
    """
    subject = subject_of(claims)
    identity = Identity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if identity is None:
        email = verified_email(issuer=issuer, claims=claims)
        user = _user_to_link(issuer=issuer, email=email)
        if user is None:
            if unknown_users != "create":
                raise SignInRefused(SignInRefused.UNKNOWN)
            user = _create_user(claims=claims, subject=subject, email=email)
        identity = Identity(user=user, issuer=issuer, subject=subject)
    user = identity.user
    if not user.is_active:
        raise SignInRefused(SignInRefused.INACTIVE)
    identity.last_sign_in_at = timezone.now()
    identity.save()
    apply_group_mappings(user=user, groups=groups_of(claims, groups_claim))
    return user


def has_no_role(user: User) -> bool:
    """Signed in, but in no team or group and without admin rights: there is nothing for them yet."""
    return not (user.is_staff or user.is_superuser or user.memberships.exists() or user.groups.exists())
