"""Disclosure control: a count from 1 to 4 is never shown, so that no case or person can be singled out.

Every figure on the insight pages, in their charts and in their downloads, goes through `Count` and
`Share`, so the rule is written once. A share (a percentage) is suppressed when either count it is
built on is, and a median when it would be taken over fewer than five reflections.

Counts that add up to a total that is shown are protected as a set (`protect`): were only one of
them hidden, it could be worked out by subtraction.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

THRESHOLD = 5
FEWER_THAN = f"fewer than {THRESHOLD}"
NOT_SHOWN = "not shown"


def is_suppressed(count: int) -> bool:
    return 0 < count < THRESHOLD


@dataclass(frozen=True)
class Count:
    """A number of reflections, as it may be shown."""

    value: int
    hidden: bool = False  # not small itself, but hidden so that a small one can't be worked out

    @property
    def suppressed(self) -> bool:
        return self.hidden or is_suppressed(self.value)

    @property
    def shown(self) -> int | None:
        """The number, or None when it must not be shown."""
        return None if self.suppressed else self.value

    def __str__(self) -> str:
        if self.hidden:
            return NOT_SHOWN
        return FEWER_THAN if self.suppressed else f"{self.value:,}"


@dataclass(frozen=True)
class Share:
    """`part` as a percentage of `whole`, to one decimal place."""

    part: Count
    whole: Count

    @property
    def suppressed(self) -> bool:
        return self.part.suppressed or self.whole.suppressed

    @property
    def percent(self) -> Decimal | None:
        """None when suppressed or when there is nothing to take a share of."""
        if self.suppressed or not self.whole.value:
            return None
        return (Decimal(self.part.value) * 100 / self.whole.value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        if self.suppressed:
            return "not shown"
        if self.percent is None:
            return "–"
        return f"{self.percent.normalize():f}%"


def count(value: int) -> Count:
    return Count(int(value or 0))


def share(part: int, whole: int) -> Share:
    return Share(count(part), count(whole))


def protect(cells: list[Count]) -> list[Count]:
    """Counts that add up to a shown total, with a second one hidden when exactly one is suppressed.

    The one hidden is the smallest shown count above zero, so as little as possible is lost.
    """
    if sum(1 for cell in cells if cell.suppressed) != 1:
        return cells
    shown = [index for index, cell in enumerate(cells) if not cell.suppressed and cell.value]
    if not shown:
        return cells
    index = min(shown, key=lambda i: cells[i].value)
    return [*cells[:index], Count(cells[index].value, hidden=True), *cells[index + 1 :]]
