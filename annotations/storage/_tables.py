"""The annotation tables as Core objects, for the storage modules' own statements.

Private to ``annotations.storage``: code outside it asks a storage function instead.
"""

from __future__ import annotations

from typing import Final
from typing import cast

from sqlalchemy import Table

from annotations.storage import models

__all__ = [
    "ANNOTATION_COLUMNS",
    "ANNOTATION_ORDER",
    "ANNOTATION_TABLE",
    "ANNOTATION_TAG_TABLE",
]

ANNOTATION_TABLE: Final = cast(Table, models.Annotation.__table__)
ANNOTATION_TAG_TABLE: Final = cast(Table, models.AnnotationTag.__table__)

# What an annotation row says, apart from its ids, times and deletion.
ANNOTATION_COLUMNS: Final = (
    "public_id",
    "document_id",
    "comparison_id",
    "exercise_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "note",
    "author_id",
    "status",
    "relation",
    "link_document_id",
    "link_start",
    "link_end",
    "link_quote",
)

# Text order: the order every list and export of annotations comes in.
ANNOTATION_ORDER: Final = (
    models.Annotation.document_id,
    models.Annotation.start,
    models.Annotation.end,
    models.Annotation.id,
)
