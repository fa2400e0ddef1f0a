"""Bar charts drawn on the server as SVG geometry (no outside service, no script)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 250
LABEL_CHARACTERS = 38
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 12
TOP = 8
AXIS_HEIGHT = 24


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: where it is drawn and what it means."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    value: int
    title: str


@dataclass(frozen=True, slots=True)
class RowLabel:
    """The label of one group of bars, at its vertical middle."""

    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Tick:
    """One value mark on the axis."""

    x: float
    label: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal grouped bar chart, ready for a template to draw."""

    width: int
    height: int
    plot_left: int
    plot_bottom: float
    bars: tuple[Bar, ...]
    labels: tuple[RowLabel, ...]
    ticks: tuple[Tick, ...]
    series: tuple[tuple[str, str], ...]
    title: str


def shorten(label: str) -> str:
    """Return a label that fits the label column, cut with an ellipsis when too long."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "\u2026"


def nice_step(largest: int) -> int:
    """Return a tick step giving at most about five ticks: 1, 2 or 5 times a power of ten.

    >>> nice_step(7), nice_step(23), nice_step(480)
    (2, 5, 100)
    """
    if largest <= 5:
        return 1
    raw = largest / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def grouped_bars(
    groups: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    *,
    width: int = 720,
    title: str = "",
) -> BarChart:
    """Lay out one group of bars per label, one bar per series (name, colour) in each group."""
    largest = max((value for _, values in groups for value in values), default=0)
    step = nice_step(largest)
    top_value = max(step, math.ceil(largest / step) * step) if largest else step
    plot_width = width - LABEL_WIDTH - 40
    scale = plot_width / top_value
    bars = []
    labels = []
    y = float(TOP)
    for label, values in groups:
        group_top = y
        for (name, colour), value in zip(series, values, strict=True):
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y,
                    width=max(value * scale, 0.0),
                    height=BAR_HEIGHT,
                    colour=colour,
                    value=value,
                    title=f"{label}, {name}: {value}",
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        labels.append(RowLabel(y=(group_top + y - BAR_GAP) / 2, text=shorten(label)))
        y += GROUP_GAP
    plot_bottom = y - GROUP_GAP + BAR_GAP
    ticks = tuple(
        Tick(x=LABEL_WIDTH + value * scale, label=str(value))
        for value in range(0, top_value + 1, step)
    )
    return BarChart(
        width=width,
        height=int(plot_bottom + AXIS_HEIGHT),
        plot_left=LABEL_WIDTH,
        plot_bottom=plot_bottom,
        bars=tuple(bars),
        labels=tuple(labels),
        ticks=ticks,
        series=tuple(series),
        title=title,
    )
