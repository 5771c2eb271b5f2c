"""The insight figures: aggregates over checklists and answers, in a fixed number of queries.

Nothing here returns a checklist, an answer or a case reference: only counts, grouped by team,
checklist, month and learning theme, and the times from submission to sign-off that a median is
taken over. Suppression is applied afterwards, in `insight.report`.

Which reflections count:

* started, sent for review, returned and signed off: those whose time of that event (the latest,
  for a reflection sent or returned more than once) falls in the period, drafts included in
  "started" as a number only;
* theme coverage and risk factors: the reflections sent for review in the period, read as they
  were sent. Drafts are private and unfinished, so their answers are never counted.
"""

import datetime
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from itertools import combinations
from operator import and_, or_

from django.db.models import Case, Count, DateField, DurationField, F, Q, When
from django.db.models.functions import TruncMonth

from actions.models import Action
from checklists.models import Answer, Checklist, ChecklistTemplate, Prompt, Question, Step
from guidance.models import KeyFact, KnowledgeBite, Theme

from .periods import Period

# A reflection sent for review is in one of these states; naming them lets the team-and-status index be used.
SENT = [Checklist.Status.SUBMITTED, Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF]

# What is counted for each reflection, and the time that places it in a period.
MEASURES = {
    "started": "created_at",
    "submitted": "submitted_at",
    "returned": "returned_at",
    "signed_off": "signed_off_at",
}

# The risk factors question of the "What? So What? Then What?" checklist, and the options compared
# with the Panel's figures. The key facts are the Panel's figures for the same factors, where it gives one.
RISK_QUESTION = "risk-factors"
DOMESTIC_ABUSE = "domestic-abuse"
SUBSTANCE_MISUSE = "substance-misuse"
PARENTAL_MENTAL_HEALTH = "parental-mental-health"


@dataclass(frozen=True)
class RiskFactor:
    key: str
    label: str
    values: tuple[str, ...]  # options that must all be ticked
    fact_key: str | None = None  # the Panel's figure for it in the Knowledge Bite, if there is one
    panel_base: str = ""  # what the Panel's percentage is a share of


RISK_FACTORS = [
    RiskFactor(
        "domestic_abuse",
        "Domestic abuse",
        (DOMESTIC_ABUSE,),
        "domestic-abuse-serious-harm",
        "incidents involving serious harm",
    ),
    RiskFactor("substance_misuse", "Substance misuse", (SUBSTANCE_MISUSE,)),
    RiskFactor("parental_mental_health", "Parental mental health difficulties", (PARENTAL_MENTAL_HEALTH,)),
    RiskFactor(
        "domestic_abuse_and_substance_misuse",
        "Domestic abuse together with substance misuse",
        (DOMESTIC_ABUSE, SUBSTANCE_MISUSE),
        "da-substance-misuse",
        "all incidents",
    ),
]


def _in(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.since, f"{field_name}__lt": period.until})


# --- Reflections: how many started, sent, returned and signed off -----------------------------------


@dataclass
class Activity:
    """Counts by (team id, checklist slug) and by (measure, month), and review times in days."""

    by_team_template: dict[tuple[int, str], dict[str, int]]
    by_month: dict[tuple[str, datetime.date], int]
    # (team id, checklist slug, days from the last submission to sign-off), for sign-offs in the period.
    review_days: list[tuple[int, str, float]]
    template_titles: dict[str, str]

    def totals(self, *, team_id: int | None = None, slug: str | None = None) -> dict[str, int]:
        totals = dict.fromkeys(MEASURES, 0)
        for (team, template), counts in self.by_team_template.items():
            if (team_id is None or team == team_id) and (slug is None or template == slug):
                for measure, number in counts.items():
                    totals[measure] += number
        return totals

    def median_days(self, *, team_id: int | None = None, slug: str | None = None) -> tuple[float | None, int]:
        """The median review time and how many reflections it is taken over."""
        days = [d for team, template, d in self.review_days if team_id in (None, team) and slug in (None, template)]
        return (statistics.median(days) if days else None), len(days)


def _month_in(field_name: str, period: Period) -> Case:
    """The month of the checklist's time, when that time falls in the period; otherwise null."""
    return Case(
        When(_in(field_name, period), then=TruncMonth(field_name, output_field=DateField())),
        output_field=DateField(),
    )


def activity(team_ids: list[int], period: Period) -> Activity:
    """Two queries: one pass over the checklists active in the period, grouped, and the checklist titles.

    The pass groups by team, checklist and the month of each time that falls in the period, and
    carries the review time of each reflection signed off in the period, for the medians.
    """
    any_activity = reduce(or_, (_in(field_name, period) for field_name in MEASURES.values()))
    signed_off_in_period = _in("signed_off_at", period) & Q(submitted_at__isnull=False)
    review = Case(When(signed_off_in_period, then=F("signed_off_at") - F("submitted_at")), output_field=DurationField())
    months = {f"{measure}_month": _month_in(field_name, period) for measure, field_name in MEASURES.items()}
    rows = (
        Checklist.objects.filter(team_id__in=team_ids)
        .filter(any_activity)
        .order_by()
        .annotate(**months, review=review)
        .values("team_id", "template__slug", *months, "review")
        .annotate(number=Count("pk"))
    )
    by_team_template: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    by_month: dict[tuple[str, datetime.date], int] = defaultdict(int)
    review_days = []
    for row in rows:
        team, slug, number = row["team_id"], row["template__slug"], row["number"]
        for measure in MEASURES:
            month = row[f"{measure}_month"]
            if isinstance(month, datetime.datetime):  # PostgreSQL gives the truncated month as a timestamp
                month = month.date()
            if month is not None:
                by_team_template[team, slug][measure] += number
                by_month[measure, month] += number
        if row["review"] is not None:
            review_days += [(team, slug, max(row["review"].total_seconds(), 0) / 86400)] * number
    return Activity(dict(by_team_template), dict(by_month), review_days, template_titles())


def template_titles() -> dict[str, str]:
    """Each checklist's title, from its published version, else its newest."""
    titles: dict[str, str] = {}
    published: set[str] = set()
    versions = ChecklistTemplate.objects.order_by("position", "title", "slug", "-version").values_list(
        "slug", "title", "status"
    )
    for slug, title, status in versions:
        if status == ChecklistTemplate.Status.PUBLISHED and slug not in published:
            titles[slug] = title
            published.add(slug)
        else:
            titles.setdefault(slug, title)
    return titles


# --- Learning themes and risk factors ----------------------------------------------------------------


def chosen(value: str) -> Q:
    """The stored answer includes `value`: multiple choices are stored one to a line."""
    # Both databases read this pattern alike: SQLite through Python's re, PostgreSQL as its own regex.
    return Q(value__regex=rf"(^|\n){re.escape(value)}(\n|$)")


def triggers(prompt: Prompt) -> Q | None:
    """The answers that set the prompt off, as `Prompt.is_triggered_by` reads them; None if none can."""
    on_question = Q(question_id=prompt.question_id)
    values = sorted({value for value in prompt.any_of if value})
    if prompt.question.kind == Question.Kind.MULTIPLE_CHOICE:
        needed = max(prompt.min_matches, 1)
        if needed > len(values):
            return None
        return on_question & reduce(or_, (reduce(and_, map(chosen, combo)) for combo in combinations(values, needed)))
    return on_question & Q(value__in=values) if values else None


@dataclass
class ThemeFigures:
    theme: Theme
    met: int = 0  # reflections that showed the theme's guidance at a step they answered
    prompted: int = 0  # ... and set off a prompt from the theme


@dataclass
class Coverage:
    themes: list[ThemeFigures]
    risk_answered: int = 0  # reflections that answered the risk factors question
    risks: dict[str, int] = field(default_factory=dict)
    national: dict[str, KeyFact] = field(default_factory=dict)


def theme_links() -> tuple[dict[int, set[int]], dict[int, list[Prompt]]]:
    """Which steps show each theme's guidance, and which prompts are the theme's, by theme id. Two queries."""
    practice_points = Step.practice_points.through.objects.values_list("step_id", "practicepoint__theme_id")
    key_facts = Step.key_facts.through.objects.filter(keyfact__theme__isnull=False).values_list(
        "step_id", "keyfact__theme_id"
    )
    steps: dict[int, set[int]] = defaultdict(set)
    for step_id, theme_id in practice_points.order_by().union(key_facts.order_by()):
        steps[theme_id].add(step_id)
    prompts: dict[int, list[Prompt]] = defaultdict(list)
    linked = Prompt.objects.select_related("question", "key_fact", "practice_point").filter(
        Q(key_fact__theme__isnull=False) | Q(practice_point__isnull=False)
    )
    for prompt in linked.order_by("pk"):
        for theme_id in {getattr(prompt.key_fact, "theme_id", None), getattr(prompt.practice_point, "theme_id", None)}:
            if theme_id is not None:
                prompts[theme_id].append(prompt)
    return steps, prompts


def coverage(team_ids: list[int], period: Period) -> Coverage:
    """Five queries: the themes, their steps, their prompts, one aggregate over answers, the Panel's figures."""
    themes = list(
        Theme.objects.filter(knowledge_bite__status=KnowledgeBite.Status.PUBLISHED).select_related("knowledge_bite")
    )
    steps, prompts = theme_links()

    # What a reflection did, as conditions on one of its answers: each figure counts the reflections with one.
    conditions: dict[str, Q] = {}
    for theme in themes:
        prompted = [q for q in (triggers(prompt) for prompt in prompts.get(theme.pk, [])) if q is not None]
        prompted_q = reduce(or_, prompted) if prompted else None
        shown = [
            q for q in (Q(question__step_id__in=steps[theme.pk]) if steps.get(theme.pk) else None, prompted_q) if q
        ]
        if shown:
            conditions[f"met_{theme.pk}"] = reduce(or_, shown)
        if prompted_q is not None:
            conditions[f"prompted_{theme.pk}"] = prompted_q
    risk = Q(question__key=RISK_QUESTION)
    conditions["risk_answered"] = risk
    for factor in RISK_FACTORS:
        conditions[f"risk_{factor.key}"] = reduce(and_, map(chosen, factor.values), risk)

    # The answers of the reflections sent in the period, reached through the checklists' team index.
    answers = Answer.objects.filter(
        checklist__team_id__in=team_ids,
        checklist__status__in=SENT,
        checklist__submitted_at__gte=period.since,
        checklist__submitted_at__lt=period.until,
    ).exclude(value="")
    totals = answers.aggregate(
        **{name: Count("checklist_id", distinct=True, filter=condition) for name, condition in conditions.items()}
    )

    national_keys = [factor.fact_key for factor in RISK_FACTORS if factor.fact_key]
    facts = KeyFact.objects.filter(key__in=national_keys, knowledge_bite__status=KnowledgeBite.Status.PUBLISHED)
    return Coverage(
        themes=[
            ThemeFigures(theme, totals.get(f"met_{theme.pk}", 0), totals.get(f"prompted_{theme.pk}", 0))
            for theme in themes
        ],
        risk_answered=totals["risk_answered"],
        risks={factor.key: totals[f"risk_{factor.key}"] for factor in RISK_FACTORS},
        national={fact.key: fact for fact in facts.select_related("knowledge_bite")},
    )


def actions(team_ids: list[int], period: Period, today: datetime.date) -> dict[int, dict[str, int]]:
    """Per team: actions open now, open and past their date, and done within the period, in one query.

    Actions on drafts are left out, as drafts are private to their author.
    """
    done_in_period = Q(status=Action.Status.DONE, closed_on__gte=period.start, closed_on__lte=period.end)
    rows = (
        Action.objects.filter(checklist__team_id__in=team_ids, checklist__status__in=SENT)
        .values("checklist__team_id")
        .order_by()
        .annotate(
            open=Count("pk", filter=Q(status=Action.Status.OPEN)),
            overdue=Count("pk", filter=Q(status=Action.Status.OPEN, due_on__lt=today)),
            done=Count("pk", filter=done_in_period),
        )
    )
    return {row.pop("checklist__team_id"): row for row in rows}
