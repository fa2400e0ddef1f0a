"""The report as a PDF, drawn with ReportLab (its bundled Bitstream Vera fonts, no system font)."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.shapes import Line
from reportlab.graphics.shapes import Rect
from reportlab.graphics.shapes import String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether
from reportlab.platypus import Paragraph
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from annotations.classroom.agreement import Scores
from webapp.reports.charts import BarChart
from webapp.reports.data import ReportData

FONT = "ParallaxVera"
FONT_BOLD = "ParallaxVeraBold"
INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#5b636e")
LINE = colors.HexColor("#d8dde3")


@lru_cache(maxsize=1)
def _fonts() -> frozenset[int]:
    """Register the Vera fonts once; return the code points they can draw."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    regular = TTFont(FONT, os.path.join(folder, "Vera.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(folder, "VeraBd.ttf")))
    return frozenset(regular.face.charToGlyph)


def printable(text: str) -> str:
    """Return ``text`` with characters the PDF font lacks (emoji, CJK) shown as '?'."""
    known = _fonts()
    return "".join(char if ord(char) in known or char in "\n\t" else "?" for char in text)


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=21),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=10
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(printable(text)), style)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Table:
    table = Table(list(rows), colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _chart(chart: BarChart, width: float) -> Drawing:
    scale = width / chart.width
    drawing = Drawing(width, chart.height * scale + 14)
    top = chart.height * scale + 10

    def y_of(y: float) -> float:
        return top - y * scale

    for tick in chart.ticks:
        x = tick.x * scale
        drawing.add(Line(x, y_of(0), x, y_of(chart.plot_bottom), strokeColor=LINE))
        drawing.add(
            String(
                x,
                y_of(chart.plot_bottom + 12),
                tick.label,
                fontName=FONT,
                fontSize=7,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    for label in chart.labels:
        drawing.add(
            String(
                (chart.plot_left - 6) * scale,
                y_of(label.y + 3),
                printable(label.text),
                fontName=FONT,
                fontSize=7.5,
                fillColor=INK,
                textAnchor="end",
            )
        )
    for bar in chart.bars:
        drawing.add(
            Rect(
                bar.x * scale,
                y_of(bar.y + bar.height),
                bar.width * scale,
                bar.height * scale,
                fillColor=colors.HexColor(bar.colour),
                strokeColor=None,
            )
        )
        if bar.value:
            drawing.add(
                String(
                    (bar.x + bar.width + 3) * scale,
                    y_of(bar.y + bar.height - 3),
                    str(bar.value),
                    fontName=FONT,
                    fontSize=7,
                    fillColor=INK,
                )
            )
    return drawing


def _scores_row(name: str, scores: Scores) -> list[Any]:
    return [
        printable(name),
        scores.true_positives,
        scores.false_negatives,
        scores.false_positives,
        _pct(scores.precision),
        _pct(scores.recall),
        _pct(scores.f1),
    ]


def render_pdf(data: ReportData) -> bytes:
    """Return the report as the bytes of an A4 PDF."""
    styles = _styles()
    report = data.report
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=printable(f"Report: {data.title}"),
        author="Parallax",
    )
    width = document.width

    def name(key: str) -> str:
        return printable(data.tags[key].name if key in data.tags else key)

    story: list[Any] = [
        _p(f"Report: {data.title}", styles["title"]),
        _p(
            f"{data.scope} · {report.total} annotations by {len(report.by_annotator)} "
            f"annotators" + (f" · key: {data.key_count} tags" if data.class_results else ""),
            styles["small"],
        ),
    ]
    story += [
        _p(f"{doc.label}: {doc.title} ({doc.outlet})", styles["body"]) for doc in data.documents
    ]
    story.append(_p("Tags by source", styles["h2"]))
    if report.tags:
        story.append(_chart(data.chart, width))
        rows: list[list[Any]] = [["Tag", *[doc.label for doc in data.documents], "Both"]]
        for key in report.tags:
            counts = [tally.counts.get(key, 0) for tally in report.by_source]
            rows.append([name(key), *counts, sum(counts)])
        rows.append(["Annotations", *[tally.total for tally in report.by_source], report.total])
        story.append(_table(rows, [width * 0.55] + [width * 0.15] * (len(rows[0]) - 1)))
    else:
        story.append(_p("Nothing has been tagged yet.", styles["body"]))

    story.append(_p("By annotator", styles["h2"]))
    if report.by_annotator:
        head = [
            "Annotator",
            *[Paragraph(escape(name(key)), styles["small"]) for key in report.tags],
        ]
        rows = [[*head, "All"]]
        for tally in report.by_annotator:
            counts = [tally.counts.get(key, 0) or "" for key in report.tags]
            rows.append([printable(tally.label), *counts, tally.total])
        columns = len(rows[0])
        first = width * 0.25
        story.append(_table(rows, [first] + [(width - first) / (columns - 1)] * (columns - 1)))

    story.append(_p("Most-tagged passages", styles["h2"]))
    for passage in report.top_passages:
        tags = ", ".join(f"{name(key)} ({count})" for key, count in passage.tags)
        story.append(
            KeepTogether(
                [
                    _p(f"{passage.label}: {passage.text}", styles["body"]),
                    _p(
                        f"{passage.annotations} annotations by {passage.annotators} · {tags}",
                        styles["small"],
                    ),
                    Spacer(1, 4),
                ]
            )
        )
    if not report.top_passages:
        story.append(_p("No passage has been tagged yet.", styles["body"]))

    story.append(_p("Passages only one source has", styles["h2"]))
    for passage in report.one_source:
        tags = ", ".join(f"{name(key)} ({count})" for key, count in passage.tags) or "not tagged"
        story.append(
            KeepTogether(
                [
                    _p(f"Only in {passage.label}: {passage.text}", styles["body"]),
                    _p(tags, styles["small"]),
                    Spacer(1, 4),
                ]
            )
        )

    story.append(_p("Agreement", styles["h2"]))
    alpha = report.alpha
    if alpha.alpha is not None:
        value = 0.0 if abs(alpha.alpha) < 0.005 else alpha.alpha
        story.append(
            _p(
                f"Krippendorff's alpha: {value:.2f} over {alpha.units} sentence-level "
                f"decisions by {alpha.annotators} annotators.",
                styles["body"],
            )
        )
    else:
        story.append(_p(f"Krippendorff's alpha cannot be computed: {alpha.reason}", styles["body"]))
    pairs = data.pairs
    if pairs.mean_f1 is not None:
        story.append(
            _p(
                f"Span-level F1 between every two annotators ({pairs.pairs} pairs): "
                f"mean {_pct(pairs.mean_f1)}.",
                styles["body"],
            )
        )
        rows = [["Annotator", "Mean F1 with the others"]]
        rows += [[printable(who), _pct(f1)] for who, f1 in pairs.per_annotator]
        story.append(_table(rows, [width * 0.5, width * 0.3]))

    if data.class_results is not None:
        results = data.class_results
        story.append(_p("The class against the key", styles["h2"]))
        rows = [["Student", "Matched", "Missed", "Extra", "Precision", "Recall", "F1"]]
        rows += [_scores_row(student.name, student.scores) for student in results.students]
        rows.append(_scores_row("Class", results.overall))
        story.append(_table(rows, [width * 0.34] + [width * 0.11] * 6))

    document.build(story)
    return buffer.getvalue()
