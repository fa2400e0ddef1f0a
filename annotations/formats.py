"""Export formats: plain JSON-ready dicts built from core records.

Offsets are Python string indices (code points) into each document's ``text``.
"""

from __future__ import annotations

from typing import Any

from annotations.records import Alignment
from annotations.records import Document


def _document_to_json(document: Document) -> dict[str, Any]:
    return {"path": document.path or "", "length": len(document.text)}


def alignment_to_json(alignment: Alignment, a: Document, b: Document) -> dict[str, Any]:
    """Return the alignment of ``a`` and ``b`` as the documented ``parallax align --json`` dict.

    Keys come in a fixed order: ``a``, ``b``, ``pairs``, ``only_a``, ``only_b``; each span is
    ``[start, end]`` and each score is rounded to one decimal.
    """
    return {
        "a": _document_to_json(a),
        "b": _document_to_json(b),
        "pairs": [
            {
                "a": pair.a.as_list(),
                "b": pair.b.as_list(),
                "score": round(float(pair.score), 1),
                "kind": pair.kind,
            }
            for pair in alignment.pairs
        ],
        "only_a": [span.as_list() for span in alignment.only_a],
        "only_b": [span.as_list() for span in alignment.only_b],
    }
