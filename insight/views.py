"""Insight: aggregate figures about a team's reflections, for practice leads and supervisors.

Nothing here loads a checklist: the figures are counts, with any count from 1 to 4 suppressed.
Pages and downloads send `Cache-Control: no-store`, as checklist pages do.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import figures, report, services
from .access import chosen_team, insight_teams, require_insight
from .forms import InsightForm
from .report import Median
from .suppression import FEWER_THAN, THRESHOLD, Count, Share

TABLES = ("by-checklist", "by-month", "by-team", "themes", "risk-factors", "actions")


def _read(request):
    """The person's teams, the team and period asked for, and the report: (context, status)."""
    require_insight(request.user)
    teams = list(insight_teams(request.user))
    team = chosen_team(teams, request.GET.get("team"))
    form = InsightForm(request.GET, teams=teams)
    context = {
        "form": form,
        "teams": teams,
        "team": team,
        "threshold": THRESHOLD,
        "fewer_than": FEWER_THAN,
        "breadcrumbs": [("Home", reverse("home")), ("Insight", None)],
    }
    if not form.is_valid():
        return context, 400
    if not teams:
        return context, 200
    period = form.chosen_period
    scope = [team] if team else teams
    team_ids = [member.pk for member in scope]
    context["report"] = report.build(
        activity=figures.activity(team_ids, period),
        coverage=figures.coverage(team_ids, period),
        actions=figures.actions(team_ids, period, timezone.localdate()),
        teams=scope,
        period=period,
    )
    query = period.as_query()
    if team:
        query["team"] = team.slug
    context["query"] = urlencode(query)
    return context, 200


@never_cache
@login_required
@require_GET
def overview(request):
    context, status = _read(request)
    return render(request, "insight/overview.html", context, status=status)


def _csv_cell(value) -> str:
    """A cell as the page shows it, with numbers bare: a count without separators, a percentage without '%'."""
    if isinstance(value, Count):
        return str(value) if value.suppressed else str(value.value)
    if isinstance(value, Share):
        return "not shown" if value.suppressed else ("" if value.percent is None else f"{value.percent}")
    if isinstance(value, Median):
        return "not shown" if value.suppressed else ("" if value.rounded is None else f"{value.rounded}")
    text = str(value)
    # Text that a spreadsheet would run as a formula is kept as text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@never_cache
@login_required
@require_GET
def download(request, table):
    if table not in TABLES:
        raise Http404("No such table.")
    context, status = _read(request)
    if status != 200:
        return render(request, "insight/overview.html", context, status=status)
    if "report" not in context:
        raise Http404("No teams to download figures for.")
    built = context["report"].tables[table]
    services.record_download(
        by=request.user, table=table, teams=context["report"].teams, period=context["report"].period
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = report.download_name(built, context["report"].period, context["team"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([column.name for column in built.columns])
    for row in built.all_rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return response
