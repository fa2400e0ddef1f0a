"""Which sentence splitter: boundary precision / recall and speed on the segmentation test set.

Usage: ``python bench/segmenters.py [--repeat N]``

The test set is ``tests/data/segmentation/*.txt`` (one file per language, boundaries marked
``⁞``, headings marked ``§``; see its README). Each candidate splits every blank-line block
(headings left out) on its own, as ``segment_text`` runs a splitter inside paragraphs; the
"parallax" row is the product's whole ``segment_text``. A boundary is the end offset of a
sentence; a candidate's boundary counts as right when a gold sentence ends there.

Speed: sentences per second on the whole set, repeated ``--repeat`` times (default 50), each
splitter built once before timing (so pysbd's per-call regex compilation shows, but not its
import). Candidates missing from the environment are reported as such: they are bench-only
(``pip install sentencex blingfire nupunkt syntok``), not dependencies of Parallax.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.text.segment import segment_text  # noqa: E402

DATA = ROOT / "tests" / "data" / "segmentation"
MARK = "⁞"
HEADING = "§"
PYSBD_LANGUAGES = {"en", "de", "fr", "es", "it", "nl", "ja", "zh"}
_BLANK = re.compile(r"\n[ \t]*\n")

Splitter = Callable[[str, str], list[tuple[int, int]]]


@dataclass
class Case:
    language: str
    text: str
    blocks: list[tuple[int, int]]
    gold_ends: set[int]
    gold_sentences: int


def load_case(path: Path) -> Case:
    """Return the clean text, its blocks (headings left out) and the gold sentence ends."""
    marked = path.read_text(encoding="utf-8")
    text_parts: list[str] = []
    ends: set[int] = set()
    pos = 0
    headings: list[tuple[int, int]] = []
    for line in marked.splitlines(keepends=True):
        is_heading = line.startswith(HEADING)
        if is_heading:
            line = line[len(HEADING) :]
        start = pos
        for piece_index, piece in enumerate(line.split(MARK)):
            if piece_index:
                ends.add(pos)
            text_parts.append(piece)
            pos += len(piece)
        if is_heading:
            headings.append((start, start + len(line.rstrip())))
    text = "".join(text_parts)
    # A sentence also ends where its block ends.
    blocks: list[tuple[int, int]] = []
    cursor = 0
    for match in [*_BLANK.finditer(text), None]:
        stop = match.start() if match else len(text)
        chunk = text[cursor:stop]
        s = cursor + len(chunk) - len(chunk.lstrip())
        e = cursor + len(chunk.rstrip())
        if s < e and (s, e) not in headings:
            blocks.append((s, e))
            ends.add(e)
        cursor = match.end() if match else len(text)
    gold = set()
    for end in ends:  # a mark after spaces or a line break ends the sentence before them
        while end > 0 and text[end - 1].isspace():
            end -= 1
        gold.add(end)
    gold = {e for e in gold if any(s < e <= b for s, b in blocks)}
    return Case(path.stem, text, blocks, gold, len(gold))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _from_strings(chunk: str, pieces: list[str]) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for piece in pieces:
        stripped = piece.strip()
        found = chunk.find(stripped, cursor) if stripped else -1
        if found >= 0:
            spans.append((found, found + len(stripped)))
            cursor = found + len(stripped)
    return spans


def make_pysbd() -> Splitter:
    import pysbd

    segmenters = {lang: pysbd.Segmenter(language=lang, clean=False) for lang in PYSBD_LANGUAGES}

    def split(chunk: str, language: str) -> list[tuple[int, int]]:
        return _from_strings(chunk, segmenters.get(language, segmenters["en"]).segment(chunk))

    return split


def make_sentencex() -> Splitter:
    from sentencex import segment

    def split(chunk: str, language: str) -> list[tuple[int, int]]:
        return _from_strings(chunk, list(segment(language, chunk)))

    return split


def make_blingfire() -> Splitter:
    import blingfire

    def split(chunk: str, language: str) -> list[tuple[int, int]]:
        _, offsets = blingfire.text_to_sentences_and_offsets(chunk)
        return [tuple(span) for span in offsets]  # type: ignore[misc]

    return split


def make_nupunkt() -> Splitter:
    import nupunkt

    def split(chunk: str, language: str) -> list[tuple[int, int]]:
        return [tuple(span) for span in nupunkt.sent_spans(chunk)]  # type: ignore[misc]

    return split


def make_syntok() -> Splitter:
    from syntok import segmenter

    def split(chunk: str, language: str) -> list[tuple[int, int]]:
        spans = []
        for paragraph in segmenter.analyze(chunk):
            for sentence in paragraph:
                tokens = list(sentence)
                start = tokens[0].offset
                end = tokens[-1].offset + len(tokens[-1].value)
                spans.append((start, end))
        return spans

    return split


def make_parallax_splitter() -> Splitter:
    from annotations.text.segment import split_sentences

    def split(chunk: str, language: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in split_sentences(chunk, 0, len(chunk), language=language)]

    return split


CANDIDATES: dict[str, Callable[[], Splitter]] = {
    "pysbd (one Segmenter per language, built once)": make_pysbd,
    "sentencex": make_sentencex,
    "blingfire": make_blingfire,
    "nupunkt": make_nupunkt,
    "syntok": make_syntok,
    "parallax split_sentences": make_parallax_splitter,
}


def predicted_ends(split: Splitter, case: Case) -> set[int]:
    ends = set()
    for start, end in case.blocks:
        for s, e in split(case.text[start:end], case.language):
            s, e = _trimmed(case.text, start + s, start + e)
            if s < e:
                ends.add(e)
    return ends


def segment_text_ends(case: Case) -> set[int]:
    seg = segment_text(case.text, language=case.language)
    return {s.end for s in seg.sentences}


def score(cases: list[Case], ends_of: Callable[[Case], set[int]]) -> dict[str, object]:
    tp = fp = fn = 0
    worst: dict[str, float] = {}
    for case in cases:
        got = ends_of(case)
        hit = len(got & case.gold_ends)
        tp += hit
        fp += len(got - case.gold_ends)
        fn += len(case.gold_ends - got)
        both = len(got) + len(case.gold_ends)
        worst[case.language] = 2 * hit / both if both else 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": precision, "recall": recall, "per_language_f1": worst}


def speed(cases: list[Case], ends_of: Callable[[Case], set[int]], repeat: int) -> float:
    sentences = sum(c.gold_sentences for c in cases) * repeat
    started = time.perf_counter()
    for _ in range(repeat):
        for case in cases:
            ends_of(case)
    return sentences / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    cases = [load_case(p) for p in sorted(DATA.glob("*.txt"))]
    total = sum(c.gold_sentences for c in cases)
    print(f"{len(cases)} texts ({', '.join(c.language for c in cases)}), {total} gold sentences")
    print("| splitter | boundary P | boundary R | sentences/s | lowest F1 (language) |")
    print("| --- | --- | --- | --- | --- |")
    rows: list[tuple[str, Callable[[Case], set[int]]]] = []
    for name, make in CANDIDATES.items():
        try:
            split = make()
        except ImportError as exc:
            print(f"| {name} | not installed ({exc.name}) | | | |")
            continue
        rows.append((name, lambda case, split=split: predicted_ends(split, case)))
    rows.append(("parallax segment_text (whole pipeline)", segment_text_ends))
    for name, ends_of in rows:
        result = score(cases, ends_of)
        rate = speed(cases, ends_of, args.repeat)
        per = result["per_language_f1"]
        assert isinstance(per, dict)
        low = min(per, key=per.get)
        print(
            f"| {name} | {result['precision']:.3f} | {result['recall']:.3f} | {rate:,.0f} "
            f"| {per[low]:.2f} ({low}) |"
        )


if __name__ == "__main__":
    main()
