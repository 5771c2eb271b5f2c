"""Who sees insight, and for which teams: written once, for the page and its downloads.

Supervisors see the teams they supervise, practice leads the teams they are given, and a superuser
every team. Insight is aggregate only, so it never reaches a single checklist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Team, User

NOT_FOR_YOU = "Insight is for practice leads and supervisors."


def insight_teams(user: User) -> QuerySet[Team]:
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(pk__in=user.insight_team_ids)


def require_insight(user: User) -> None:
    """Refuse anyone who is neither a supervisor nor in the practice leads group (a lead with no teams yet may look)."""
    if not (user.sees_insight or user.is_practice_lead):
        raise PermissionDenied(NOT_FOR_YOU)


def chosen_team(teams: list[Team], slug: str | None) -> Team | None:
    """The team asked for, which must be one of the person's: anything else is a 404, as if it did not exist."""
    if not slug:
        return None
    for team in teams:
        if team.slug == slug:
            return team
    raise Http404("No such team.")
