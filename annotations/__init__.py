"""Parallax core: ingest articles, segment them, align two of them, diff aligned passages,
and measure agreement on tagged spans.

Framework-free: nothing here imports Flask. Every span is ``[start, end)`` in Python string
indices into a document's original text.
"""

from __future__ import annotations

from annotations.agreement import AlphaResult
from annotations.agreement import LabeledSpan
from annotations.agreement import MatchResult
from annotations.agreement import Scores
from annotations.agreement import Unit
from annotations.agreement import coverage
from annotations.agreement import krippendorff_alpha
from annotations.agreement import match_spans
from annotations.agreement import pairwise_f1
from annotations.agreement import score
from annotations.align import DEFAULT_THRESHOLD
from annotations.align import align_documents
from annotations.align import align_sentences
from annotations.diff import diff_passages
from annotations.errors import AnnotationError
from annotations.errors import InputError
from annotations.formats import alignment_to_json
from annotations.ingest import ingest_bytes
from annotations.ingest import ingest_text
from annotations.ingest import read_document
from annotations.records import Alignment
from annotations.records import DiffOp
from annotations.records import Document
from annotations.records import DocumentMeta
from annotations.records import PassagePair
from annotations.records import Span
from annotations.segment import segment_text

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
