"""Parallax core: ingest articles, segment them, align two of them, diff aligned passages,
and measure agreement on tagged spans.

Framework-free: nothing here imports Flask. Every span is ``[start, end)`` in Python string
indices into a document's original text.
"""

from __future__ import annotations

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
