"""The class heatmap: an article's paragraphs cut where the number of students changes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.classroom.grading import HeatRun
from annotations.storage import comparisons
from annotations.storage import models

LEVELS = 5


@dataclass(frozen=True, slots=True)
class HeatPiece:
    """A stretch of text and its shade: level 0 (nobody) to LEVELS (every student)."""

    text: str
    level: int
    students: int
    title: str


@dataclass(frozen=True, slots=True)
class HeatBlock:
    """One paragraph or heading of the article."""

    kind: str
    pieces: tuple[HeatPiece, ...]


def level_of(count: int, students: int) -> int:
    """Return the shade for ``count`` of ``students`` (any count above zero shows)."""
    if count <= 0 or students <= 0:
        return 0
    return max(1, min(LEVELS, math.ceil(LEVELS * count / students)))


def _title(run: HeatRun, students: int, tags: Mapping[str, models.Tag], merged: bool) -> str:
    parts = ", ".join(
        f"{tags[key].name if key in tags else key} ({count})" for key, count in run.by_tag
    )
    noun = "student" if students == 1 else "students"
    most = "up to " if merged else ""
    return f"{most}{run.students} of {students} {noun}: {most}{parts}"


def merge_levels(runs: Sequence[HeatRun], students: int) -> list[tuple[HeatRun, bool]]:
    """Join touching runs that get the same shade, keeping the highest counts of each.

    A class's thousands of spans cut an article into thousands of runs; one mark per shade
    change keeps the page small, and its title still says how many tagged it at most.
    """
    merged: list[tuple[HeatRun, bool]] = []
    for run in runs:
        last = merged[-1][0] if merged else None
        if (
            last is not None
            and last.end == run.start
            and level_of(last.students, students) == level_of(run.students, students)
        ):
            counts = dict(last.by_tag)
            for key, count in run.by_tag:
                counts[key] = max(counts.get(key, 0), count)
            joined = HeatRun(
                start=last.start,
                end=run.end,
                students=max(last.students, run.students),
                by_tag=tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
            )
            merged[-1] = (joined, True)
        else:
            merged.append((run, False))
    return merged


def heat_blocks(
    document: models.Document,
    runs: Sequence[HeatRun],
    students: int,
    tags: Mapping[str, models.Tag],
) -> list[HeatBlock]:
    """Return the document's paragraphs, each cut into pieces shaded by the runs over it."""
    text = document.text
    shaded = merge_levels(runs, students)
    segmentation = comparisons.segmentation_from_json(document.segmentation)
    blocks = []
    for paragraph in segmentation.paragraphs:
        pieces = []
        position = paragraph.start
        for run, merged in shaded:
            if run.end <= paragraph.start or run.start >= paragraph.end:
                continue
            start, end = max(run.start, paragraph.start), min(run.end, paragraph.end)
            if start > position:
                pieces.append(HeatPiece(text[position:start], 0, 0, ""))
            pieces.append(
                HeatPiece(
                    text[start:end],
                    level_of(run.students, students),
                    run.students,
                    _title(run, students, tags, merged),
                )
            )
            position = end
        if position < paragraph.end:
            pieces.append(HeatPiece(text[position : paragraph.end], 0, 0, ""))
        blocks.append(HeatBlock(kind=str(paragraph.kind), pieces=tuple(pieces)))
    return blocks
