"""Read and write comparisons: their documents and their alignments.

Every function takes the caller's Session and never commits, rolls back or opens one.
Records go in as ``annotations.records`` dataclasses and come back equal to what went in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotations import records
from annotations.storage import models

__all__ = [
    "add_comparison",
    "add_document",
    "content_hash",
    "find_comparison_by_title",
    "get_document_record",
    "load_alignment",
    "save_alignment",
    "segmentation_from_json",
    "segmentation_to_json",
]


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segmentation_to_json(segmentation: records.Segmentation) -> dict[str, Any]:
    """Return a segmentation as compact JSON-ready lists of offsets."""
    return {
        "paragraphs": [[p.start, p.end, p.kind] for p in segmentation.paragraphs],
        "sentences": [[s.start, s.end, s.paragraph] for s in segmentation.sentences],
        "headings": [span.as_list() for span in segmentation.headings],
        "markers": [[m.start, m.end, m.key, m.value] for m in segmentation.markers],
        "blank_runs": [span.as_list() for span in segmentation.blank_runs],
    }


def segmentation_from_json(data: dict[str, Any]) -> records.Segmentation:
    """Return the segmentation that ``segmentation_to_json`` wrote."""
    return records.Segmentation(
        paragraphs=tuple(records.Paragraph(s, e, kind) for s, e, kind in data["paragraphs"]),
        sentences=tuple(records.Sentence(s, e, p) for s, e, p in data["sentences"]),
        headings=tuple(records.Span(s, e) for s, e in data["headings"]),
        markers=tuple(records.MetadataMarker(s, e, k, v) for s, e, k, v in data["markers"]),
        blank_runs=tuple(records.Span(s, e) for s, e in data["blank_runs"]),
    )


def add_document(session: Session, document: records.Document) -> models.Document:
    """Add a document row for ``document`` (its ``path`` is not stored) and return it."""
    meta = document.meta
    row = models.Document(
        text=document.text,
        source_format=document.source_format,
        source=document.source,
        outlet=meta.outlet,
        title=meta.title,
        url=meta.url,
        published=meta.published,
        language=meta.language,
        content_hash=content_hash(document.text),
        segmentation=segmentation_to_json(document.segmentation),
    )
    session.add(row)
    session.flush()
    return row


def get_document_record(row: models.Document) -> records.Document:
    """Return the record a document row holds, segmentation included."""
    return records.Document(
        text=row.text,
        segmentation=segmentation_from_json(row.segmentation),
        meta=records.DocumentMeta(
            outlet=row.outlet,
            title=row.title,
            url=row.url,
            published=row.published,
            language=row.language,
        ),
        source_format=cast(records.SourceFormat, row.source_format),
        source=row.source,
    )


def add_comparison(
    session: Session,
    title: str,
    documents: Sequence[models.Document],
    *,
    description: str | None = None,
) -> models.Comparison:
    """Add a comparison of ``documents`` in the order given and return it."""
    if len(documents) < 2:
        raise ValueError("a comparison needs at least two documents")
    if len({id(document) for document in documents}) != len(documents):
        raise ValueError("a comparison holds each document once")
    comparison = models.Comparison(title=title, description=description)
    comparison.members = [
        models.ComparisonDocument(document=document, position=position)
        for position, document in enumerate(documents)
    ]
    session.add(comparison)
    session.flush()
    return comparison


def find_comparison_by_title(session: Session, title: str) -> models.Comparison | None:
    """Return the oldest comparison titled ``title``, or None."""
    query = (
        select(models.Comparison)
        .where(models.Comparison.title == title)
        .order_by(models.Comparison.id)
        .limit(1)
    )
    return session.scalars(query).first()


def _pair_to_json(pair: records.PassagePair) -> dict[str, Any]:
    # Scores and indices may arrive as NumPy scalars, which JSON cannot encode.
    return {
        "a": [int(pair.a.start), int(pair.a.end)],
        "b": [int(pair.b.start), int(pair.b.end)],
        "score": float(pair.score),
        "kind": pair.kind,
        "a_sentences": [int(i) for i in pair.a_sentences],
        "b_sentences": [int(i) for i in pair.b_sentences],
        "evidence": list(pair.evidence),
        "confidence": pair.confidence,
    }


def _pair_from_json(data: dict[str, Any]) -> records.PassagePair:
    return records.PassagePair(
        a=records.Span(*data["a"]),
        b=records.Span(*data["b"]),
        score=data["score"],
        kind=data["kind"],
        a_sentences=tuple(data["a_sentences"]),
        b_sentences=tuple(data["b_sentences"]),
        # Alignments stored before links carried evidence have neither key.
        evidence=tuple(data.get("evidence", ())),
        confidence=data.get("confidence"),
    )


def save_alignment(
    session: Session,
    comparison: models.Comparison,
    a_row: models.Document,
    b_row: models.Document,
    alignment: records.Alignment,
) -> models.Alignment:
    """Add the alignment of two of the comparison's documents and return its row."""
    members = {id(member.document) for member in comparison.members}
    if id(a_row) not in members or id(b_row) not in members:
        raise ValueError("both documents of an alignment must belong to its comparison")
    settings = alignment.settings
    row = models.Alignment(
        comparison=comparison,
        doc_a=a_row,
        doc_b=b_row,
        settings={
            "threshold": float(settings.threshold),
            "near_best": float(settings.near_best),
            "version": settings.version,
        },
        pairs=[_pair_to_json(pair) for pair in alignment.pairs],
        only_a=[[int(span.start), int(span.end)] for span in alignment.only_a],
        only_b=[[int(span.start), int(span.end)] for span in alignment.only_b],
    )
    session.add(row)
    session.flush()
    return row


def load_alignment(row: models.Alignment) -> records.Alignment:
    """Return the record an alignment row holds."""
    settings = row.settings
    return records.Alignment(
        pairs=tuple(_pair_from_json(pair) for pair in row.pairs),
        only_a=tuple(records.Span(start, end) for start, end in row.only_a),
        only_b=tuple(records.Span(start, end) for start, end in row.only_b),
        settings=records.AlignSettings(
            threshold=settings["threshold"],
            near_best=settings["near_best"],
            version=settings["version"],
        ),
    )
