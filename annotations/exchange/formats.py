"""Export and import formats: their names, versions and columns, shared by both directions.

Alignments go out as JSON or CSV, annotations as CSV, JSON or W3C JSON-LD
(:mod:`annotations.exchange.exporting`); Parallax JSON and W3C JSON-LD come back in
(:mod:`annotations.exchange.importing`).

Offsets are Python string indices (code points) into each document's ``text``.

CSV is for reading in a spreadsheet: cells that a spreadsheet would run as a formula are
escaped and some fields are left out, so it is not read back. Parallax JSON and W3C Web
Annotation JSON-LD carry every field of :class:`~annotations.records.AnnotationRecord`;
reading them back gives records equal to the ones exported.

Exports are generators of ``str`` chunks (a few tens of kilobytes each) that pull records
one at a time, so an export of any size streams in little memory; encode the chunks as UTF-8.
"""

from __future__ import annotations

from typing import Final
from typing import Literal

__all__ = [
    "ALIGNMENT_CSV_COLUMNS",
    "CSV_COLUMNS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ImportFormat",
    "MAX_IMPORT_BYTES",
    "PARALLAX_NAMESPACE",
    "W3C_CONTEXT",
]

FORMAT_NAME: Final = "parallax-annotations"
FORMAT_VERSION: Final = 1
W3C_CONTEXT: Final = "http://www.w3.org/ns/anno.jsonld"
# Readers match the compact "parallax:" keys, so files keep importing if this IRI changes.
PARALLAX_NAMESPACE: Final = "https://parallax.invalid/ns#"
# 100,000 annotations take about 120 MB as W3C JSON-LD. Files are read a window at a time
# (annotations.exchange.streaming), so the limit bounds the work, not the memory.
MAX_IMPORT_BYTES: Final = 256 * 1024 * 1024

CSV_COLUMNS: Final = (
    "annotation_id",
    "comparison_id",
    "comparison",
    "document_id",
    "document",
    "outlet",
    "annotator",
    "exercise_id",
    "tag_set",
    "tags",
    "tag_names",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "linked_document_id",
    "linked_start",
    "linked_end",
    "linked_quote",
    "relation",
    "note",
    "status",
    "created",
    "updated",
)
ALIGNMENT_CSV_COLUMNS: Final = (
    "kind",
    "score",
    "a_start",
    "a_end",
    "a_text",
    "b_start",
    "b_end",
    "b_text",
    "confidence",
    "evidence",
    "a_language",
    "b_language",
)

ImportFormat = Literal["parallax-json", "w3c-jsonld"]

_BOM: Final = "\ufeff"
_PX: Final = "parallax:"
