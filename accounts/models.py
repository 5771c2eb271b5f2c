from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Value
from django.utils.functional import cached_property

CONTENT_EDITORS_GROUP = "Content editors"
PRACTICE_LEADS_GROUP = "Practice leads"


def display_name(first_name: str, last_name: str, username: str) -> str:
    """How a person is named on every page: their full name, or their username if they have none."""
    return f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A person who signs in. Roles come from team memberships, the teams a practice lead is given, and groups."""

    led_teams = models.ManyToManyField(
        "Team",
        blank=True,
        related_name="practice_leads",
        help_text="Teams whose aggregate insight this person sees, if they are in the “Practice leads” group.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        return display_name(self.first_name, self.last_name, self.username)

    # Role flags are read from the database once per request (the user is loaded afresh for each),
    # so a change of team or group applies on the person's next request.
    @cached_property
    def _overseen_teams(self) -> list[tuple[int, str]]:
        """(team id, "supervisor" or "lead") for the teams the person supervises or leads, in one query.

        One query, so that the navigation learns both roles for the price of the supervisor check.
        A practice lead's teams count only while they are in the practice leads group.
        """
        supervised = (
            Membership.objects.filter(user=self, role=Membership.Role.SUPERVISOR)
            .order_by()
            .annotate(kind=Value("supervisor"))
            .values_list("team_id", "kind")
        )
        led = (
            User.led_teams.through.objects.filter(user=self, user__groups__name=PRACTICE_LEADS_GROUP)
            .order_by()
            .annotate(kind=Value("lead"))
            .values_list("team_id", "kind")
        )
        return list(supervised.union(led, all=True))

    @cached_property
    def supervised_team_ids(self) -> list[int]:
        return [team_id for team_id, kind in self._overseen_teams if kind == "supervisor"]

    @cached_property
    def led_team_ids(self) -> list[int]:
        """The teams given to a practice lead; empty for anyone outside the practice leads group."""
        return [team_id for team_id, kind in self._overseen_teams if kind == "lead"]

    @cached_property
    def is_supervisor(self) -> bool:
        return bool(self.supervised_team_ids)

    @property
    def can_review(self) -> bool:
        """Supervisors review their teams' checklists; a superuser counts as supervising every team."""
        return self.is_superuser or self.is_supervisor

    @property
    def insight_team_ids(self) -> list[int]:
        """The teams whose aggregate insight the person sees: those they supervise or lead."""
        return sorted(set(self.supervised_team_ids) | set(self.led_team_ids))

    @property
    def sees_insight(self) -> bool:
        return self.is_superuser or bool(self.insight_team_ids)

    @cached_property
    def is_practice_lead(self) -> bool:
        return self.groups.filter(name=PRACTICE_LEADS_GROUP).exists()

    @cached_property
    def is_content_editor(self) -> bool:
        return self.is_superuser or self.groups.filter(name=CONTENT_EDITORS_GROUP).exists()

    @cached_property
    def practice_team(self) -> "Team | None":
        """The team a checklist this person starts belongs to: where they practise, else any team."""
        memberships = sorted(
            self.memberships.select_related("team"),
            key=lambda m: (m.role != Membership.Role.PRACTITIONER, m.team.name),
        )
        return memberships[0].team if memberships else None


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="Shown to staff, e.g. North.")
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in filters; letters, numbers and hyphens.")
    members = models.ManyToManyField(User, through="Membership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in one team. One person may supervise one team and practise in another."""

    class Role(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner (FCA)"
        SUPERVISOR = "supervisor", "Supervisor (Practice Supervisor or Service Manager)"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)

    class Meta:
        ordering = ["team__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_one_per_team"),
        ]
        indexes = [models.Index(fields=["team", "role"], name="membership_team_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.team}"
