"""Parallax core: ingest articles, segment them, align two of them, diff aligned passages,
and measure agreement on tagged spans.

Framework-free: nothing here imports Flask. Every span is ``[start, end)`` in Python string
indices into a document's original text.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from annotations.classroom.agreement import AlphaResult
    from annotations.classroom.agreement import LabeledSpan
    from annotations.classroom.agreement import MatchResult
    from annotations.classroom.agreement import Scores
    from annotations.classroom.agreement import Unit
    from annotations.classroom.agreement import coverage
    from annotations.classroom.agreement import krippendorff_alpha
    from annotations.classroom.agreement import match_spans
    from annotations.classroom.agreement import pairwise_f1
    from annotations.classroom.agreement import score
    from annotations.errors import AnnotationError
    from annotations.errors import InputError
    from annotations.exchange.exporting import alignment_to_json
    from annotations.records import Alignment
    from annotations.records import DiffOp
    from annotations.records import Document
    from annotations.records import DocumentMeta
    from annotations.records import PassagePair
    from annotations.records import Span
    from annotations.text.align import DEFAULT_THRESHOLD
    from annotations.text.align import align_documents
    from annotations.text.align import align_sentences
    from annotations.text.diff import diff_passages
    from annotations.text.ingest import ingest_bytes
    from annotations.text.ingest import ingest_text
    from annotations.text.ingest import read_document
    from annotations.text.segment import segment_text

# Each name is imported on first use (PEP 562): a program that needs only the aligner does not
# load HTML extraction, the statistics or the formats.
_MODULE_OF = {
    "Alignment": "annotations.records",
    "AlphaResult": "annotations.classroom.agreement",
    "AnnotationError": "annotations.errors",
    "DEFAULT_THRESHOLD": "annotations.text.align",
    "DiffOp": "annotations.records",
    "Document": "annotations.records",
    "DocumentMeta": "annotations.records",
    "InputError": "annotations.errors",
    "LabeledSpan": "annotations.classroom.agreement",
    "MatchResult": "annotations.classroom.agreement",
    "PassagePair": "annotations.records",
    "Scores": "annotations.classroom.agreement",
    "Span": "annotations.records",
    "Unit": "annotations.classroom.agreement",
    "align_documents": "annotations.text.align",
    "align_sentences": "annotations.text.align",
    "alignment_to_json": "annotations.exchange.exporting",
    "coverage": "annotations.classroom.agreement",
    "diff_passages": "annotations.text.diff",
    "ingest_bytes": "annotations.text.ingest",
    "ingest_text": "annotations.text.ingest",
    "krippendorff_alpha": "annotations.classroom.agreement",
    "match_spans": "annotations.classroom.agreement",
    "pairwise_f1": "annotations.classroom.agreement",
    "read_document": "annotations.text.ingest",
    "score": "annotations.classroom.agreement",
    "segment_text": "annotations.text.segment",
}

__all__ = [
    "DEFAULT_THRESHOLD",
    "Alignment",
    "AlphaResult",
    "AnnotationError",
    "DiffOp",
    "Document",
    "DocumentMeta",
    "InputError",
    "LabeledSpan",
    "MatchResult",
    "PassagePair",
    "Scores",
    "Span",
    "Unit",
    "align_documents",
    "align_sentences",
    "alignment_to_json",
    "coverage",
    "diff_passages",
    "ingest_bytes",
    "ingest_text",
    "krippendorff_alpha",
    "match_spans",
    "pairwise_f1",
    "read_document",
    "score",
    "segment_text",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'annotations' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
