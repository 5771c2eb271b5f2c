"""The insight page's tables and charts, built once from the figures with suppression applied.

The page, its charts and the CSV downloads all read these tables, so what one shows the others show.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify

from accounts.models import Team

from . import charts
from .figures import MEASURES, RISK_FACTORS, Activity, Coverage
from .periods import Period
from .suppression import FEWER_THAN, Count, Share, count, protect, share

MEASURE_LABELS = {
    "started": "Started",
    "submitted": "Sent for review",
    "returned": "Returned for more reflection",
    "signed_off": "Signed off",
}
MEDIAN_LABEL = "Median days from sending to sign-off"


@dataclass(frozen=True)
class Median:
    """The median review time in days, shown only when taken over 5 or more reflections."""

    days: float | None
    over: int

    @property
    def suppressed(self) -> bool:
        return count(self.over).suppressed

    @property
    def rounded(self) -> Decimal | None:
        if self.days is None or self.suppressed:
            return None
        return Decimal(str(self.days)).quantize(Decimal("0.1"))

    def __str__(self) -> str:
        if self.suppressed:
            return "not shown"
        if self.rounded is None:
            return "–"
        return f"{self.rounded} day{'' if self.rounded == 1 else 's'}"


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool = True


@dataclass
class Table:
    slug: str  # names its download
    caption: str
    columns: list[Column]
    rows: list[list]  # the first cell heads the row; the rest are Count, Share, Median or text
    foot: list | None = None

    @property
    def all_rows(self) -> list[list]:
        return [*self.rows, *([self.foot] if self.foot else [])]

    @property
    def body(self) -> list[list[tuple]]:
        """Each row's cells beside their columns, for the template."""
        return [list(zip(row, self.columns, strict=True)) for row in self.rows]

    @property
    def foot_cells(self) -> list[tuple]:
        return list(zip(self.foot, self.columns, strict=True)) if self.foot else []


@dataclass
class Report:
    period: Period
    teams: list[Team]
    totals: dict[str, Count]
    median: Median
    tables: dict[str, Table]
    charts: dict[str, charts.Chart]
    sent: Count
    risk_answered: Count
    national: list[dict]

    @property
    def is_empty(self) -> bool:
        return not any(total.value for total in self.totals.values())

    @property
    def summary(self) -> list[tuple[str, object]]:
        """The totals as the summary list shows them."""
        rows = [(MEASURE_LABELS[measure], total) for measure, total in self.totals.items()]
        return [*rows, (MEDIAN_LABEL, self.median)]

    # The tables by name, for templates (which cannot read the hyphenated slugs).
    @property
    def by_checklist(self) -> Table:
        return self.tables["by-checklist"]

    @property
    def by_month(self) -> Table:
        return self.tables["by-month"]

    @property
    def by_team(self) -> Table:
        return self.tables["by-team"]

    @property
    def themes(self) -> Table:
        return self.tables["themes"]

    @property
    def risk_factors(self) -> Table:
        return self.tables["risk-factors"]

    @property
    def actions(self) -> Table:
        return self.tables["actions"]


def _measure_cells(numbers: dict[str, int]) -> list[Count]:
    return [count(numbers[measure]) for measure in MEASURES]


def _month(day: datetime.date) -> str:
    return f"{day:%B %Y}"


def _shown_largest(values: list[Count]) -> int:
    return max((value.value for value in values if not value.suppressed), default=0)


def activity_tables(activity: Activity, teams: list[Team], period: Period) -> dict[str, Table]:
    measure_columns = [Column(MEASURE_LABELS[measure]) for measure in MEASURES]
    slugs = sorted(
        {slug for _, slug in activity.by_team_template},
        key=lambda slug: (list(activity.template_titles).index(slug) if slug in activity.template_titles else 0, slug),
    )
    by_template = Table(
        "by-checklist",
        "Reflections by checklist",
        [Column("Checklist", numeric=False), *measure_columns, Column(MEDIAN_LABEL)],
        [
            [
                activity.template_titles.get(slug, slug),
                *_measure_cells(activity.totals(slug=slug)),
                Median(*activity.median_days(slug=slug)),
            ]
            for slug in slugs
        ],
        ["All checklists", *_measure_cells(activity.totals()), Median(*activity.median_days())],
    )
    by_month = Table(
        "by-month",
        "Reflections by month",
        [Column("Month", numeric=False), *measure_columns],
        [
            [_month(month), *[count(activity.by_month.get((measure, month), 0)) for measure in MEASURES]]
            for month in period.months()
        ],
    )
    by_team = Table(
        "by-team",
        "Reflections by team",
        [Column("Team", numeric=False), *measure_columns, Column(MEDIAN_LABEL)],
        [
            [
                team.name,
                *_measure_cells(activity.totals(team_id=team.pk)),
                Median(*activity.median_days(team_id=team.pk)),
            ]
            for team in teams
        ],
    )
    return {table.slug: table for table in (by_template, by_month, by_team)}


def coverage_tables(coverage: Coverage, sent: Count) -> dict[str, Table]:
    themes = Table(
        "themes",
        "Learning themes met in reflections sent for review",
        [
            Column("Learning theme", numeric=False),
            Column("Reflections that met the theme"),
            Column("Share that met it"),
            Column("Reflections that set off a prompt from the theme"),
            Column("Share that set one off"),
        ],
        [
            [
                f"{figures.theme.number}. {figures.theme.title}",
                count(figures.met),
                Share(count(figures.met), sent),
                count(figures.prompted),
                Share(count(figures.prompted), sent),
            ]
            for figures in coverage.themes
        ],
    )
    answered = count(coverage.risk_answered)
    risks = Table(
        "risk-factors",
        "Risk factors ticked in reflections, beside the Panel's national figures",
        [
            Column("Risk factor", numeric=False),
            Column("Reflections that ticked it"),
            Column("Share of reflections that answered the question"),
            Column("The Panel's 2020 figure"),
            Column("What the Panel's figure is a share of", numeric=False),
        ],
        [],
    )
    for factor in RISK_FACTORS:
        fact = coverage.national.get(factor.fact_key)
        ticked = count(coverage.risks.get(factor.key, 0))
        risks.rows.append(
            [
                factor.label,
                ticked,
                Share(ticked, answered),
                fact.display_value if fact else "No national figure",
                fact.note if fact else "The Knowledge Bite gives no national figure for this factor.",
            ]
        )
    return {themes.slug: themes, risks.slug: risks}


def _theme_chart(coverage: Coverage, sent: Count) -> charts.Chart:
    met = charts.Series("Met the theme")
    prompted = charts.Series("Set off a prompt", charts.DARK_GREY)
    rows, shown = [], []
    for figures in coverage.themes:
        bars = []
        for series, number in ((met, figures.met), (prompted, figures.prompted)):
            part = count(number)
            portion = Share(part, sent)
            text = str(part) if part.suppressed or portion.percent is None else f"{part} ({portion})"
            bars.append(charts.Bar(series, text, charts.width(portion.percent)))
        rows.append(charts.Row(f"{figures.theme.number}. {figures.theme.title}", bars))
        shown.append((count(figures.met), figures.theme.title))
    return charts.Chart("chart-themes", "Learning themes met", _theme_summary(shown, sent), rows)


def _theme_summary(shown: list[tuple[Count, str]], sent: Count) -> str:
    if not sent.value:
        return "No reflections were sent for review in this period, so no learning themes were met."
    if sent.suppressed:
        return (
            f"{FEWER_THAN.capitalize()} reflections were sent for review in this period, so how many met each "
            "theme is not shown."
        )
    parts = [f"Of {sent} reflections sent for review, each bar shows the share that met a learning theme."]
    visible = [(number.value, title) for number, title in shown if not number.suppressed and number.value]
    if visible:
        most = max(number for number, _ in visible)
        titles = [title for number, title in visible if number == most]
        if len(titles) == 1:
            parts.append(f"The theme met most often was {titles[0]}, in {most:,} reflections.")
        else:
            parts.append(f"The themes met most often, in {most:,} reflections each, were: {'; '.join(titles)}.")
    unmet = [title for number, title in shown if not number.value]
    if unmet:
        parts.append(f"Not met in any: {'; '.join(unmet)}.")
    few = [title for number, title in shown if number.suppressed]
    if few:
        parts.append(f"Met in {FEWER_THAN}: {'; '.join(few)}.")
    return " ".join(parts)


def _risk_chart(coverage: Coverage, answered: Count) -> charts.Chart:
    ours = charts.Series("Reflections")
    panel = charts.Series("The Panel, 2020", charts.DARK_GREY)
    rows, sentences = [], []
    for factor in RISK_FACTORS:
        ticked = count(coverage.risks.get(factor.key, 0))
        portion = share(ticked.value, answered.value)
        fact = coverage.national.get(factor.fact_key)
        ours_text = str(portion) if portion.percent is not None else str(ticked)
        # "42% of reflections", or "fewer than 5 reflections" when the share may not be shown.
        ours_words = f"{ours_text} of reflections" if portion.percent is not None else f"{ours_text} reflections"
        bars = [charts.Bar(ours, ours_text, charts.width(portion.percent))]
        if fact:
            panel_text = f"{fact.display_value} of {factor.panel_base}"
            bars.append(charts.Bar(panel, panel_text, charts.width(fact.value)))
            sentences.append(f"{factor.label}: {ours_words}; the Panel, {panel_text}.")
        else:
            bars.append(charts.Bar(panel, "no national figure", 0))
            sentences.append(f"{factor.label}: {ours_words}.")
        rows.append(charts.Row(factor.label, bars))
    if answered.suppressed:
        lead = (
            f"{FEWER_THAN.capitalize()} reflections answered the risk factors question, so their shares are not shown."
        )
    elif not answered.value:
        lead = "No reflection sent in this period answered the risk factors question."
    else:
        lead = f"Of {answered} reflections that answered the risk factors question:"
    summary = " ".join([lead, *sentences, "The two sets of figures measure different things."])
    return charts.Chart("chart-risk-factors", "Risk factors beside the Panel's figures", summary, rows)


def _monthly_chart(table: Table) -> charts.Chart:
    sent_series = charts.Series("Sent for review")
    signed_series = charts.Series("Signed off", charts.DARK_GREY)
    sent_column, signed_column = 2, 4
    values = [row[sent_column] for row in table.rows] + [row[signed_column] for row in table.rows]
    largest = _shown_largest(values)
    rows = [
        charts.Row(
            row[0],
            [
                charts.Bar(
                    sent_series,
                    str(row[sent_column]),
                    0 if row[sent_column].suppressed else charts.width(row[sent_column].value, largest),
                ),
                charts.Bar(
                    signed_series,
                    str(row[signed_column]),
                    0 if row[signed_column].suppressed else charts.width(row[signed_column].value, largest),
                ),
            ],
        )
        for row in table.rows
    ]
    visible = [(row[sent_column].value, row[0]) for row in table.rows if not row[sent_column].suppressed]
    parts = ["Bars are drawn against the largest monthly count shown."]
    if visible and max(visible)[0]:
        number, month = max(visible)
        parts.insert(0, f"The most reflections were sent for review in {month} ({number:,}).")
    if any(row[sent_column].suppressed or row[signed_column].suppressed for row in table.rows):
        parts.append(f"Months with {FEWER_THAN} have no bar.")
    return charts.Chart("chart-months", "Reflections sent for review and signed off, by month", " ".join(parts), rows)


def protect_columns(table: Table) -> None:
    """Hide a second count in any column of the table's rows where exactly one is suppressed."""
    for index in range(1, len(table.columns)):
        cells = [row[index] for row in table.rows]
        if not all(isinstance(cell, Count) for cell in cells):
            continue
        for row, cell in zip(table.rows, protect(cells), strict=True):
            row[index] = cell


ACTION_MEASURES = {"open": "Open now", "overdue": "Overdue now", "done": "Done in the period"}


def actions_table(actions: dict[int, dict[str, int]], teams: list[Team]) -> Table:
    """Actions per team: open and overdue as they stand today, and done in the period."""
    empty = dict.fromkeys(ACTION_MEASURES, 0)
    totals = {measure: sum(row[measure] for row in actions.values()) for measure in ACTION_MEASURES}
    return Table(
        "actions",
        "Actions by team",
        [Column("Team", numeric=False), *[Column(label) for label in ACTION_MEASURES.values()]],
        [[team.name, *[count(actions.get(team.pk, empty)[measure]) for measure in ACTION_MEASURES]] for team in teams],
        ["All teams", *[count(totals[measure]) for measure in ACTION_MEASURES]] if len(teams) > 1 else None,
    )


def build(
    *, activity: Activity, coverage: Coverage, actions: dict[int, dict[str, int]], teams: list[Team], period: Period
) -> Report:
    tables = activity_tables(activity, teams, period)
    tables["actions"] = actions_table(actions, teams)
    # Each of these tables' rows add up to a total shown on the page.
    for slug in ("by-checklist", "by-month", "by-team", "actions"):
        protect_columns(tables[slug])
    totals_numbers = activity.totals()
    sent = count(totals_numbers["submitted"])
    tables.update(coverage_tables(coverage, sent))
    answered = count(coverage.risk_answered)
    report_charts = {
        "months": _monthly_chart(tables["by-month"]),
        "themes": _theme_chart(coverage, sent),
        "risk_factors": _risk_chart(coverage, answered),
    }
    national = [
        {"factor": factor, "fact": coverage.national[factor.fact_key]}
        for factor in RISK_FACTORS
        if factor.fact_key in coverage.national
    ]
    return Report(
        period=period,
        teams=teams,
        totals={measure: count(number) for measure, number in totals_numbers.items()},
        median=Median(*activity.median_days()),
        tables=tables,
        charts=report_charts,
        sent=sent,
        risk_answered=answered,
        national=national,
    )


def download_name(table: Table, period: Period, team: Team | None) -> str:
    scope = slugify(team.name) if team else "all-teams"
    return f"insight-{table.slug}-{scope}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
