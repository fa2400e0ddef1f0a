"""What a report shows, gathered from the database once for the page and the PDF alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from annotations.classroom import exercises
from annotations.classroom.agreement import LabeledSpan
from annotations.classroom.grading import ClassResults
from annotations.exchange.reports import AnnotationReport
from annotations.exchange.reports import ReportAnnotation
from annotations.exchange.reports import ReportDocument
from annotations.exchange.reports import build_report
from annotations.records import Alignment
from annotations.records import Document
from annotations.storage import listing
from annotations.storage import models
from annotations.storage.suggestions import SuggestionTally
from annotations.storage.suggestions import suggestion_tallies
from annotations.text.align import aligned_sentences
from webapp.articles.views import alignment_for
from webapp.exercises.classwork import grade
from webapp.exercises.classwork import load_class_spans
from webapp.reports.charts import BarChart
from webapp.reports.charts import grouped_bars

SOURCE_COLOURS = ("#a63d12", "#1f56b3", "#23867f", "#7b4bd1")


@dataclass(frozen=True, slots=True)
class TagInfo:
    """A tag's name and colour, for tables and charts."""

    key: str
    name: str
    colour: str


@dataclass(frozen=True, slots=True)
class PairSummary:
    """Pairwise span agreement among annotators, summed up."""

    pairs: int
    mean_f1: float | None
    lowest: tuple[str, str, float] | None
    highest: tuple[str, str, float] | None
    per_annotator: tuple[tuple[str, float | None], ...]


@dataclass(frozen=True, slots=True)
class NoteLine:
    """A note someone wrote on an annotation, with what it is about."""

    label: str
    annotator: str
    quote: str
    tags: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything a report page or PDF shows."""

    title: str
    scope: str
    documents: tuple[ReportDocument, ...]
    sources: tuple[models.Document, ...]
    report: AnnotationReport
    tags: dict[str, TagInfo]
    chart: BarChart
    pairs: PairSummary
    class_results: ClassResults | None
    key_count: int
    notes: tuple[NoteLine, ...] = ()
    # Per tag: suggestions still pending, accepted and rejected.
    suggestions: tuple[SuggestionTally, ...] = ()


def _report_documents(
    rows: Sequence[models.Document], records: Sequence[Document], alignment: Alignment
) -> tuple[ReportDocument, ...]:
    only = (alignment.only_a, alignment.only_b)
    return tuple(
        ReportDocument(
            id=row.id,
            label="AB"[index],
            title=row.title or "Untitled",
            outlet=row.outlet or "Outlet not given",
            text=record.text,
            sentences=aligned_sentences(record),
            only=only[index],
        )
        for index, (row, record) in enumerate(zip(rows, records, strict=True))
    )


def _items(rows: Sequence[models.Annotation], fallback: str) -> list[ReportAnnotation]:
    return [
        ReportAnnotation(
            document_id=row.document_id,
            start=row.start,
            end=row.end,
            tags=tuple(tag.key for tag in row.tags),
            annotator=row.author.name if row.author is not None else fallback,
        )
        for row in rows
    ]


def _by_annotation(items: Sequence[LabeledSpan]) -> list[list[LabeledSpan]]:
    """Group one author's labelled spans back into annotations (one span per tag)."""
    grouped: dict[str, list[LabeledSpan]] = {}
    for item in items:
        grouped.setdefault(item.item_id, []).append(item)
    return list(grouped.values())


def _tag_info(
    rows: Sequence[models.Annotation], tag_set: models.TagSet | None
) -> dict[str, TagInfo]:
    tags: dict[str, TagInfo] = {}
    if tag_set is not None:
        tags.update((t.key, TagInfo(t.key, t.name, t.colour)) for t in tag_set.tags)
    for row in rows:
        for tag in row.tags:
            tags.setdefault(tag.key, TagInfo(tag.key, tag.name, tag.colour))
    return tags


def _notes(
    rows: Sequence[models.Annotation],
    documents: Sequence[ReportDocument],
    tags: dict[str, TagInfo],
    fallback: str,
) -> tuple[NoteLine, ...]:
    labels = {document.id: document.label for document in documents}
    noted = sorted(
        (row for row in rows if row.note.strip() and row.document_id in labels),
        key=lambda row: (labels[row.document_id], row.start, row.end, row.id),
    )
    return tuple(
        NoteLine(
            label=labels[row.document_id],
            annotator=row.author.name if row.author is not None else fallback,
            quote=row.quote,
            tags=tuple(tags[t.key].name if t.key in tags else t.name for t in row.tags),
            note=row.note.strip(),
        )
        for row in noted
    )


def summarize_pairs(report: AnnotationReport) -> PairSummary:
    """Return the mean, lowest and highest pairwise F1, and each annotator's mean."""
    scored = [(p.first, p.second, p.scores.f1) for p in report.pairwise if p.scores.f1 is not None]
    if not scored:
        return PairSummary(len(report.pairwise), None, None, None, ())
    names = sorted({name for first, second, _ in scored for name in (first, second)})
    per: list[tuple[str, float | None]] = []
    for name in names:
        mine = [f1 for first, second, f1 in scored if name in (first, second)]
        per.append((name, sum(mine) / len(mine) if mine else None))
    ordered = sorted(scored, key=lambda item: (item[2], item[0], item[1]))
    return PairSummary(
        pairs=len(report.pairwise),
        mean_f1=sum(f1 for _, _, f1 in scored) / len(scored),
        lowest=ordered[0],
        highest=ordered[-1],
        per_annotator=tuple(per),
    )


def _chart(
    report: AnnotationReport, documents: Sequence[ReportDocument], tags: dict[str, TagInfo]
) -> BarChart:
    by_label = {tally.label: tally for tally in report.by_source}
    groups = [
        (
            tags[key].name if key in tags else key,
            [by_label[document.label].counts.get(key, 0) for document in documents],
        )
        for key in report.tags
    ]
    series = [
        (f"{document.label}: {document.outlet}", SOURCE_COLOURS[index % len(SOURCE_COLOURS)])
        for index, document in enumerate(documents)
    ]
    return grouped_bars(groups, series, title="Tags by source")


def comparison_report(
    session: Session,
    comparison: models.Comparison,
    a_row: models.Document,
    b_row: models.Document,
    *,
    fallback_author: str,
) -> ReportData:
    """Return the report of a comparison's annotations outside exercises, on two documents."""
    a, b, alignment = alignment_for(session, comparison, a_row, b_row)
    documents = _report_documents((a_row, b_row), (a, b), alignment)
    rows = [
        row
        for row in listing.list_annotations(
            session, comparison_id=comparison.id, outside_exercises=True
        )
        if row.document_id in (a_row.id, b_row.id)
    ]
    tags = _tag_info(rows, None)
    report = build_report(documents, _items(rows, fallback_author), tag_order=list(tags))
    return ReportData(
        title=comparison.title,
        scope="Comparison",
        documents=documents,
        sources=(a_row, b_row),
        report=report,
        tags=tags,
        chart=_chart(report, documents, tags),
        pairs=summarize_pairs(report),
        class_results=None,
        key_count=0,
        notes=_notes(rows, documents, tags, fallback_author),
        suggestions=tuple(
            suggestion_tallies(
                session, comparison_id=comparison.id, document_ids=(a_row.id, b_row.id)
            )
        ),
    )


def exercise_report(session: Session, exercise: models.Exercise) -> ReportData:
    """Return the report of an exercise: the students' tags, agreement, the class vs the key."""
    a, b, alignment = alignment_for(session, exercise.comparison, exercise.doc_a, exercise.doc_b)
    documents = _report_documents((exercise.doc_a, exercise.doc_b), (a, b), alignment)
    work = load_class_spans(session, exercise)
    tags = _tag_info((), exercise.tag_set)
    items = [
        ReportAnnotation(
            spans[0].document_id,
            spans[0].start,
            spans[0].end,
            tuple(span.tag for span in spans),
            student.name,
        )
        for student in work.works
        for spans in _by_annotation(student.items)
    ]
    report = build_report(documents, items, tag_order=list(tags))
    return ReportData(
        title=exercise.title,
        scope="Exercise",
        documents=documents,
        sources=(exercise.doc_a, exercise.doc_b),
        report=report,
        tags=tags,
        chart=_chart(report, documents, tags),
        pairs=summarize_pairs(report),
        # The report measures alpha itself (report.alpha), over the same students.
        class_results=grade(exercise, work, with_alpha=False),
        key_count=len({item.item_id for item in work.key}),
        notes=_notes(
            [
                row
                for row in exercises.exercise_annotations(session, exercise)
                if row.author_id is not None and row.author_id != exercise.teacher_id
            ],
            documents,
            tags,
            "Student",
        ),
        suggestions=tuple(
            suggestion_tallies(
                session, comparison_id=exercise.comparison_id, exercise_id=exercise.id
            )
        ),
    )
