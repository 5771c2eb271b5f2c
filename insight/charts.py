"""Horizontal bar charts as SVG, laid out here so that the template only draws what it is given.

Widths are percentages of the chart's width and text sits on lines of its own, so a chart scales
to any screen without shrinking its text. Colour never carries meaning alone: each bar has a line
of text naming its series and value. A suppressed figure draws no bar, only "fewer than 5".
"""

import textwrap
from dataclasses import dataclass, field

from guidance.charts import scaled_width

BLUE = "#1d70b8"
DARK_GREY = "#505a5f"
TRACK = "#f3f2f1"
TEXT = "#0b0c0c"

# Sizes in pixels. Labels wrap at a length that fits a 320px screen at this size.
LABEL_SIZE, LABEL_LINE, LABEL_WRAP = 16, 22, 32
BAR_TEXT_SIZE, BAR_TEXT_LINE, BAR_TEXT_WRAP = 14, 18, 38
BAR_HEIGHT, BAR_GAP, ROW_GAP = 12, 10, 14


@dataclass(frozen=True)
class Series:
    name: str
    colour: str = BLUE


@dataclass(frozen=True)
class Bar:
    series: Series
    text: str  # the value as shown, e.g. "12 (30%)" or "fewer than 5"
    width: int  # 0 to 100


@dataclass(frozen=True)
class Row:
    label: str
    bars: list[Bar]


@dataclass(frozen=True)
class Text:
    y: int
    size: int
    content: str
    bold: bool = False


@dataclass(frozen=True)
class Rect:
    y: int
    height: int
    width: int  # percent of the chart's width
    fill: str


@dataclass
class Chart:
    anchor: str
    title: str
    summary: str
    rows: list[Row]
    texts: list[Text] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    height: int = 0

    def __post_init__(self) -> None:
        y = 0
        for row in self.rows:
            for line in textwrap.wrap(row.label, LABEL_WRAP) or [""]:
                y += LABEL_LINE
                self.texts.append(Text(y - 6, LABEL_SIZE, line, bold=True))
            for bar in row.bars:
                for line in textwrap.wrap(f"{bar.series.name}: {bar.text}", BAR_TEXT_WRAP):
                    y += BAR_TEXT_LINE
                    self.texts.append(Text(y - 4, BAR_TEXT_SIZE, line))
                y += 2
                self.rects.append(Rect(y, BAR_HEIGHT, 100, TRACK))
                if bar.width:
                    self.rects.append(Rect(y, BAR_HEIGHT, bar.width, bar.series.colour))
                y += BAR_HEIGHT + BAR_GAP
            y += ROW_GAP
        self.height = max(y, 1)


def width(value, largest=None) -> int:
    """A bar's width: a percentage at its own value, a count against the largest in the chart."""
    if value is None:
        return 0
    return scaled_width(value, largest)
