"""An import holds a window of its file at a time: its memory does not grow with the file."""

from __future__ import annotations

import gc
import json
import tracemalloc
import uuid

import pytest

from annotations.exchange import importing
from annotations.exchange import inbound
from tests.core.test_transfer_records import TEXT_A
from tests.core.test_transfer_records import make_comparison

pytestmark = pytest.mark.databases

QUOTE = "They praised the alliance."
# A long note makes each line about 1.7 kB, so the larger file is about 20 MB.
NOTE = "A note long enough to make the file large. " * 24


def write_export(path, document, count):
    """Write a Parallax JSON file as the export writes it, one annotation to a line."""
    start = TEXT_A.index(QUOTE)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "parallax-annotations", "version": 1, "annotations": [')
        for number in range(count):
            item = {
                "id": str(uuid.uuid4()),
                "comparison_id": None,
                "comparison_title": "",
                "document_id": document.id,
                "document_title": document.title,
                "outlet": "",
                "document_url": document.url,
                "document_hash": document.content_hash,
                "annotator": "Ada",
                "exercise_id": None,
                "tag_set": "media-literacy",
                "tags": [{"key": "slogan", "name": "Slogan"}],
                "start": start,
                "end": start + len(QUOTE),
                "quote": QUOTE,
                "prefix": "",
                "suffix": "",
                "note": f"{number}: {NOTE}",
                "status": "human",
                "relation": None,
                "link": None,
                "created": "2026-12-01T10:00:00+00:00",
                "updated": "2026-12-01T10:00:00+00:00",
            }
            out.write(("\n" if number == 0 else ",\n") + json.dumps(item))
        out.write("\n]}\n")


def import_peak(session, comparison, path):
    """Import the file from disk; return the report and the peak of traced memory."""
    gc.collect()
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            report = inbound.import_records(
                session,
                importing.AnnotationReader(stream),
                comparison_id=comparison.id,
                author_fallback="Importer",
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    session.rollback()
    return report, peak


def test_import_memory_does_not_grow_with_the_file(session, tmp_path):
    comparison = make_comparison(session)
    document = comparison.documents[0]
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    write_export(small, document, 3_000)
    write_export(large, document, 12_000)
    size = large.stat().st_size
    assert size > 15 * 2**20

    small_report, small_peak = import_peak(session, comparison, small)
    large_report, large_peak = import_peak(session, comparison, large)

    assert small_report.imported == 3_000 and small_report.is_clean
    assert large_report.imported == 12_000 and large_report.is_clean
    # Read whole, four times the annotations took four times the memory, and several times
    # the file's size; read a window at a time, only the ids seen grow (about 150 bytes each).
    # About 9 MiB here: a window of the text, the items read from it, a batch of rows.
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)
    assert large_peak < size / 1.5, (large_peak, size)
