"""The class heatmap: an article's paragraphs cut where the number of students changes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from annotations import models
from annotations import store
from annotations.grading import HeatRun

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


def _title(run: HeatRun, students: int, tags: Mapping[str, models.Tag]) -> str:
    parts = ", ".join(
        f"{tags[key].name if key in tags else key} ({count})" for key, count in run.by_tag
    )
    noun = "student" if students == 1 else "students"
    return f"{run.students} of {students} {noun}: {parts}"


def heat_blocks(
    document: models.Document,
    runs: Sequence[HeatRun],
    students: int,
    tags: Mapping[str, models.Tag],
) -> list[HeatBlock]:
    """Return the document's paragraphs, each cut into pieces shaded by the runs over it."""
    text = document.text
    segmentation = store.segmentation_from_json(document.segmentation)
    blocks = []
    for paragraph in segmentation.paragraphs:
        pieces = []
        position = paragraph.start
        for run in runs:
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
                    _title(run, students, tags),
                )
            )
            position = end
        if position < paragraph.end:
            pieces.append(HeatPiece(text[position : paragraph.end], 0, 0, ""))
        blocks.append(HeatBlock(kind=str(paragraph.kind), pieces=tuple(pieces)))
    return blocks
