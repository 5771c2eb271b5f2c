"""Key facts as bar charts: one chart per group, with widths as CSS classes (no inline styles).

`scaled_width` is shared with the insight charts, so every bar in the service is scaled alike.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from .models import KeyFact


@dataclass(frozen=True)
class Bar:
    fact: KeyFact
    width: int  # 0-100, for .app-bar-chart__bar--w<width>


@dataclass(frozen=True)
class Chart:
    group: str
    anchor: str
    bars: list[Bar]

    @property
    def has_units(self) -> bool:
        """Values such as '482 incidents' need a wider value column than '42.6%'."""
        return any(bar.fact.unit != "%" for bar in self.bars)


def scaled_width(value, largest=None) -> int:
    """A bar's width out of 100: a percentage at its own value (no `largest`), a count against `largest`."""
    value = Decimal(value)
    if largest is None:
        width = value
    else:
        width = value / Decimal(largest) * 100 if largest else Decimal(0)
    width = int(Decimal(width).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    width = max(0, min(100, width))
    # A small figure still gets a visible sliver, so it is not mistaken for zero.
    return 1 if width == 0 and value > 0 else width


def bar_width(fact: KeyFact, largest: Decimal) -> int:
    """A percentage is drawn at its own value; a count against the largest count in its group."""
    return scaled_width(fact.value, None if fact.unit == "%" else largest)


def charts_for(facts) -> list[Chart]:
    """Group facts into charts, in the order the groups first appear."""
    groups: dict[str, list[KeyFact]] = {}
    for fact in sorted(facts, key=lambda f: (f.order, f.pk)):
        groups.setdefault(fact.group, []).append(fact)
    charts = []
    for group, members in groups.items():
        largest: dict[str, Decimal] = {}
        for fact in members:
            largest[fact.unit] = max(largest.get(fact.unit, Decimal(0)), fact.value)
        bars = [Bar(fact=fact, width=bar_width(fact, largest[fact.unit])) for fact in members]
        charts.append(Chart(group=group, anchor=f"chart-{slugify(group)}", bars=bars))
    return charts
