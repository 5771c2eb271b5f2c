from django.conf import settings
from django.db import models

from accounts.models import Membership, Team


class Identity(models.Model):
    """The identity provider's account behind a Practice Hub user: matched by issuer and subject, never by name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identities",
        help_text="The Practice Hub account this work account signs in to.",
    )
    issuer = models.CharField(max_length=300, help_text="The provider's issuer URL, exactly as its ID tokens give it.")
    subject = models.CharField(
        max_length=255,
        help_text="The provider's stable id for the person: Entra ID's object id (oid), else the sub claim.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "identities"
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_one_per_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="identity_one_per_user_and_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"


class GroupMapping(models.Model):
    """A group in the provider's groups claim that puts its members in a team, with a role."""

    group_id = models.CharField(
        max_length=255,
        help_text="The group's id as the groups claim carries it (in Entra ID, the group's object id).",
    )
    description = models.CharField(max_length=200, blank=True, help_text="What the group is, for admins' reference.")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="group_mappings", help_text="The team the group's members join."
    )
    role = models.CharField(
        max_length=20,
        choices=Membership.Role.choices,
        default=Membership.Role.PRACTITIONER,
        help_text="Their role in that team. Someone in groups for both roles becomes a supervisor.",
    )

    class Meta:
        ordering = ["team__name", "group_id"]
        constraints = [
            models.UniqueConstraint(fields=["group_id", "team"], name="group_mapping_one_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} → {self.get_role_display()} in {self.team}"
