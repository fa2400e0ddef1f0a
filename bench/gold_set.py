"""Load and check the sentence-alignment gold set in ``bench/gold/pairs/``.

Each pair is a folder holding the two articles (``a.txt``, ``b.txt``) and ``gold.json``: the
hand-marked units of both articles (sentences, headlines, bullets, bylines, ...) as code-point
spans, and the links between them, annotated by ``bench/gold/guidelines.md``. The format is in
``bench/gold/README.md``.

    .venv/bin/python bench/gold_set.py            # check every pair, print the counts
    .venv/bin/python bench/gold_set.py --split dev
    .venv/bin/python bench/gold_set.py --fill-offsets bench/gold/pairs/<id>   # new pair

The same spans are a segmentation gold: ``sentence_spans(doc)`` gives the hand-marked units
of an article and ``score_boundaries`` compares a splitter's spans with them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAIRS_DIR = Path(__file__).resolve().parent / "gold" / "pairs"
SPLITS = ("dev", "test")
CATEGORIES = (
    "summary",
    "opinion",
    "outlets",
    "highlights",
    "distractor",
    "different-events",
    "cross-language",
)
KINDS = ("sentence", "headline", "bullet", "heading", "byline", "boilerplate")
LINKABLE_KINDS = frozenset({"sentence", "headline", "bullet"})
CERTAINTIES = ("sure", "possible")
# Characters allowed between units: white space and the bullet marks a list line starts with.
GAP_CHARACTERS = frozenset(" \t\n\r\u3000•*-")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_PAIR_KEYS = {"id", "split", "category", "description", "a", "b", "links"}
_SIDE_KEYS = {"file", "language", "style", "units"}
_UNIT_KEYS = {"id", "kind", "start", "end", "text"}
_LINK_KEYS = {"a", "b", "certainty"}

IdPair = tuple[str, str]
IndexPair = tuple[int, int]


class GoldSetError(Exception):
    """A gold pair that does not follow the format; the message names the file and the unit."""


@dataclass(frozen=True)
class Unit:
    """One hand-marked unit of an article: a sentence, headline, bullet, byline, ..."""

    id: str
    index: int
    kind: str
    start: int
    end: int
    text: str

    @property
    def is_linkable(self) -> bool:
        """Return whether the guidelines allow this unit in a link."""
        return self.kind in LINKABLE_KINDS


@dataclass(frozen=True)
class Doc:
    """One article of a pair: its text and its units in reading order."""

    path: Path
    language: str
    style: str
    text: str
    units: tuple[Unit, ...]

    def unit(self, unit_id: str) -> Unit:
        """Return the unit called ``unit_id``."""
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)


@dataclass(frozen=True)
class Link:
    """Units of A and units of B that report the same fact (one side has a single unit)."""

    a: tuple[str, ...]
    b: tuple[str, ...]
    certainty: str

    @property
    def shape(self) -> str:
        """Return ``"1:1"``, ``"n:1"`` (several A units) or ``"1:n"`` (several B units)."""
        if len(self.a) > 1:
            return "n:1"
        if len(self.b) > 1:
            return "1:n"
        return "1:1"

    def unit_pairs(self) -> frozenset[IdPair]:
        """Return the (A unit id, B unit id) pairs this link joins."""
        return frozenset((x, y) for x in self.a for y in self.b)


@dataclass(frozen=True)
class GoldPair:
    """One annotated article pair."""

    id: str
    split: str
    category: str
    description: str
    a: Doc
    b: Doc
    links: tuple[Link, ...]

    @property
    def is_cross_language(self) -> bool:
        """Return whether the two articles are in different languages."""
        return self.a.language != self.b.language

    def sentence_links(
        self, certainty: str = "sure", *, kinds: Iterable[str] = LINKABLE_KINDS
    ) -> frozenset[IndexPair]:
        """Return the (A unit index, B unit index) pairs joined by links of ``certainty``.

        ``kinds`` keeps the pairs whose two units are both of those kinds, e.g.
        ``kinds={"sentence"}`` for body text only, leaving out headlines and bullets.
        """
        if certainty not in CERTAINTIES:
            raise ValueError(f"certainty must be one of {CERTAINTIES}, not {certainty!r}")
        wanted = set(kinds)
        unknown = wanted - LINKABLE_KINDS
        if unknown:
            raise ValueError(f"kinds {sorted(unknown)} are never linked")
        units_a = {u.id: u for u in self.a.units}
        units_b = {u.id: u for u in self.b.units}
        return frozenset(
            (units_a[x].index, units_b[y].index)
            for link in self.links
            if link.certainty == certainty
            for x, y in link.unit_pairs()
            if units_a[x].kind in wanted and units_b[y].kind in wanted
        )


# --- reading and checking ----------------------------------------------------------------


def _keys(value: Any, required: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise GoldSetError(f"{where}: expected a JSON object")
    missing = required - set(value)
    if missing:
        raise GoldSetError(f"{where}: missing keys {sorted(missing)}")
    unknown = set(value) - required
    if unknown:
        raise GoldSetError(f"{where}: unknown keys {sorted(unknown)}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise GoldSetError(f"{where}: must be a non-empty string")
    return value


def _check_gap(text: str, start: int, end: int, where: str) -> None:
    stray = [c for c in text[start:end] if c not in GAP_CHARACTERS]
    if stray:
        raise GoldSetError(
            f"{where}: text {text[start:end].strip()!r} at [{start}, {end}) lies in no unit"
        )


def _read_doc(folder: Path, side: str, data: Any, where: str) -> Doc:
    data = _keys(data, _SIDE_KEYS, where)
    file_name = _string(data["file"], f"{where}.file")
    path = folder / file_name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldSetError(f"{where}: cannot read {path}: {exc}") from exc
    language = _string(data["language"], f"{where}.language")
    if not _LANGUAGE.match(language):
        raise GoldSetError(f"{where}.language: {language!r} is not an ISO 639-1 code")
    raw_units = data["units"]
    if not isinstance(raw_units, list) or not raw_units:
        raise GoldSetError(f"{where}.units: must be a non-empty list")
    units: list[Unit] = []
    previous_end = 0
    for index, raw in enumerate(raw_units):
        at = f"{where}.units[{index}]"
        raw = _keys(raw, _UNIT_KEYS, at)
        expected_id = f"{side}{index + 1}"
        if raw["id"] != expected_id:
            raise GoldSetError(f"{at}: id {raw['id']!r} should be {expected_id!r}")
        if raw["kind"] not in KINDS:
            raise GoldSetError(f"{at} ({expected_id}): kind {raw['kind']!r} not in {KINDS}")
        start, end = raw["start"], raw["end"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise GoldSetError(f"{at} ({expected_id}): bad span [{start}, {end})")
        quoted = _string(raw["text"], f"{at}.text")
        if text[start:end] != quoted:
            raise GoldSetError(
                f"{at} ({expected_id}): text[{start}:{end}] is {text[start:end]!r}, "
                f"not the quoted {quoted!r}"
            )
        if quoted != quoted.strip():
            raise GoldSetError(f"{at} ({expected_id}): span starts or ends with white space")
        if start < previous_end:
            raise GoldSetError(f"{at} ({expected_id}): overlaps or precedes the unit before it")
        _check_gap(text, previous_end, start, f"{where} before {expected_id}")
        previous_end = end
        units.append(Unit(expected_id, index, raw["kind"], start, end, quoted))
    _check_gap(text, previous_end, len(text), f"{where} after the last unit")
    return Doc(path, language, _string(data["style"], f"{where}.style"), text, tuple(units))


def _read_links(value: Any, a: Doc, b: Doc, where: str) -> tuple[Link, ...]:
    if not isinstance(value, list):
        raise GoldSetError(f"{where}.links: must be a list")
    units = {"a": {u.id: u for u in a.units}, "b": {u.id: u for u in b.units}}
    links: list[Link] = []
    seen: dict[IdPair, int] = {}
    for index, raw in enumerate(value):
        at = f"{where}.links[{index}]"
        raw = _keys(raw, _LINK_KEYS, at)
        sides: dict[str, tuple[str, ...]] = {}
        for side in ("a", "b"):
            ids = raw[side]
            if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
                raise GoldSetError(f"{at}.{side}: must be a non-empty list of unit ids")
            if len(set(ids)) != len(ids):
                raise GoldSetError(f"{at}.{side}: a unit is listed twice: {ids}")
            for unit_id in ids:
                unit = units[side].get(unit_id)
                if unit is None:
                    raise GoldSetError(
                        f"{at}.{side}: no unit {unit_id!r} in article {side.upper()}"
                    )
                if not unit.is_linkable:
                    raise GoldSetError(
                        f"{at}.{side}: {unit_id} is a {unit.kind} line, which is never linked"
                    )
            sides[side] = tuple(ids)
        if len(sides["a"]) > 1 and len(sides["b"]) > 1:
            raise GoldSetError(f"{at}: n:m link {sides['a']} = {sides['b']}; split it")
        if raw["certainty"] not in CERTAINTIES:
            raise GoldSetError(f"{at}: certainty {raw['certainty']!r} not in {CERTAINTIES}")
        link = Link(sides["a"], sides["b"], raw["certainty"])
        for pair in sorted(link.unit_pairs()):
            if pair in seen:
                raise GoldSetError(f"{at}: {pair[0]}-{pair[1]} is already in links[{seen[pair]}]")
            seen[pair] = index
        links.append(link)
    return tuple(links)


def load_pair(folder: Path) -> GoldPair:
    """Read and check one pair folder (``gold.json`` and its two texts)."""
    folder = Path(folder)
    path = folder / "gold.json"
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldSetError(f"{where}: cannot read: {exc}") from exc
    data = _keys(data, _PAIR_KEYS, where)
    pair_id = _string(data["id"], f"{where}.id")
    if pair_id != folder.name:
        raise GoldSetError(f"{where}: id {pair_id!r} differs from the folder name {folder.name!r}")
    if data["split"] not in SPLITS:
        raise GoldSetError(f"{where}: split {data['split']!r} not in {SPLITS}")
    if data["category"] not in CATEGORIES:
        raise GoldSetError(f"{where}: category {data['category']!r} not in {CATEGORIES}")
    a = _read_doc(folder, "a", data["a"], f"{where} a")
    b = _read_doc(folder, "b", data["b"], f"{where} b")
    links = _read_links(data["links"], a, b, where)
    pair = GoldPair(
        pair_id,
        data["split"],
        data["category"],
        _string(data["description"], f"{where}.description"),
        a,
        b,
        links,
    )
    if (pair.category == "different-events") != (not links):
        raise GoldSetError(
            f"{where}: a different-events pair has no links, and every other pair has some"
        )
    if (pair.category == "cross-language") != pair.is_cross_language:
        raise GoldSetError(
            f"{where}: category cross-language is for pairs in two languages "
            f"(here {a.language} and {b.language})"
        )
    return pair


def load_pairs(split: str | None = None, *, root: Path = PAIRS_DIR) -> tuple[GoldPair, ...]:
    """Return every pair under ``root`` in name order, or those of ``split``."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    folders = sorted(p for p in Path(root).iterdir() if p.is_dir())
    if not folders:
        raise GoldSetError(f"{root}: no pair folders")
    pairs = tuple(load_pair(folder) for folder in folders)
    return tuple(p for p in pairs if split is None or p.split == split)


# --- segmentation gold -------------------------------------------------------------------


def sentence_spans(doc: Doc, *, kinds: Iterable[str] | None = None) -> tuple[tuple[int, int], ...]:
    """Return the hand-marked ``[start, end)`` spans of ``doc``, all units or those of ``kinds``."""
    wanted = set(KINDS if kinds is None else kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown unit kinds {sorted(unknown)}")
    return tuple((u.start, u.end) for u in doc.units if u.kind in wanted)


def units_in(doc: Doc, start: int, end: int) -> tuple[Unit, ...]:
    """Return the units of ``doc`` that share at least one character with ``[start, end)``.

    This maps an aligner's passage (its own sentence spans) onto the hand-marked units.
    """
    return tuple(u for u in doc.units if u.start < end and start < u.end)


def boundaries(text: str, spans: Sequence[tuple[int, int]]) -> frozenset[int]:
    """Return where spans end, white space trimmed, leaving out the end of the text.

    A boundary is the offset just after a unit's last non-space character; a span that
    carries trailing white space (as pysbd's do) ends at the same boundary.

    >>> sorted(boundaries("One. Two.  Three.", [(0, 5), (5, 11), (11, 17)]))
    [4, 9]
    """
    last = len(text.rstrip())
    out: set[int] = set()
    for start, end in spans:
        trimmed = len(text[start:end].rstrip())
        if trimmed and start + trimmed < last:
            out.add(start + trimmed)
    return frozenset(out)


@dataclass(frozen=True)
class BoundaryScore:
    """Boundary counts of a splitter against the hand-marked units."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """Return the share of predicted boundaries that are gold boundaries."""
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        """Return the share of gold boundaries that were predicted."""
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: BoundaryScore) -> BoundaryScore:
        return BoundaryScore(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )


def score_boundaries(doc: Doc, predicted: Sequence[tuple[int, int]]) -> BoundaryScore:
    """Compare a splitter's spans over ``doc.text`` with the hand-marked units' boundaries."""
    gold = boundaries(doc.text, sentence_spans(doc))
    found = boundaries(doc.text, predicted)
    return BoundaryScore(len(gold & found), len(found - gold), len(gold - found))


# --- counts ------------------------------------------------------------------------------


def count(pairs: Sequence[GoldPair]) -> Counter[str]:
    """Return the counts the README reports for ``pairs``."""
    out: Counter[str] = Counter()
    for pair in pairs:
        out["pairs"] += 1
        out[f"category {pair.category}"] += 1
        languages = "-".join(dict.fromkeys((pair.a.language, pair.b.language)))
        out[f"language {languages}"] += 1
        for doc in (pair.a, pair.b):
            out["articles"] += 1
            out["units"] += len(doc.units)
            for unit in doc.units:
                out[f"unit {unit.kind}"] += 1
        for link in pair.links:
            out["links"] += 1
            out[f"links {link.shape}"] += 1
            out[f"links {link.certainty}"] += 1
            out[f"sentence links {link.certainty}"] += len(link.unit_pairs())
            out["sentence links"] += len(link.unit_pairs())
            out[f"sentence links {pair.a.language}-{pair.b.language}"] += len(link.unit_pairs())
    return out


def format_gold(data: dict[str, Any]) -> str:
    """Return ``gold.json`` text with one line per unit and per link, for readable diffs."""

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def side(value: dict[str, Any]) -> str:
        head = ", ".join(f"{line(k)}: {line(v)}" for k, v in value.items() if k != "units")
        units = ",\n".join(f"   {line(u)}" for u in value["units"])
        return f'{{{head}, "units": [\n{units}\n  ]}}'

    out = [f" {line(k)}: {line(data[k])}" for k in data if k not in ("a", "b", "links")]
    out += [f" {line(k)}: {side(data[k])}" for k in ("a", "b") if k in data]
    links = ",\n".join(f"  {line(link)}" for link in data.get("links", []))
    out.append(f' "links": [\n{links}\n ]' if links else ' "links": []')
    return "{\n" + ",\n".join(out) + "\n}\n"


def fill_offsets(folder: Path) -> int:
    """Set ``start``/``end`` of every unit in ``folder``'s gold.json from its quoted text.

    Each unit's text is looked up in the article after the end of the unit before it, so
    units are written in reading order and a repeated sentence finds its own place. Returns
    how many units changed; the file is then checked like any other pair.
    """
    path = Path(folder) / "gold.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        sides = {side: (data[side]["file"], data[side]["units"]) for side in ("a", "b")}
        texts = {
            side: (Path(folder) / file).read_text(encoding="utf-8")
            for side, (file, _) in sides.items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GoldSetError(f"{path}: cannot fill offsets: {exc!r}") from exc
    changed = 0
    for side, (_, units) in sides.items():
        text = texts[side]
        position = 0
        for unit in units:
            start = text.find(unit["text"], position)
            if start < 0:
                raise GoldSetError(
                    f"{path} {side}: {unit['text']!r} not found after offset {position}"
                )
            end = start + len(unit["text"])
            if (unit.get("start"), unit.get("end")) != (start, end):
                unit["start"], unit["end"] = start, end
                changed += 1
            position = end
    path.write_text(format_gold(data), encoding="utf-8")
    load_pair(Path(folder))
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Check every pair and print its counts, one ``key<TAB>value`` line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS)
    parser.add_argument("--root", type=Path, default=PAIRS_DIR)
    parser.add_argument(
        "--fill-offsets",
        type=Path,
        metavar="PAIR_FOLDER",
        help="compute the units' start/end from their text, then check the pair",
    )
    args = parser.parse_args(argv)
    try:
        if args.fill_offsets is not None:
            changed = fill_offsets(args.fill_offsets)
            print(f"{args.fill_offsets}: {changed} spans set; the pair is valid")
            return 0
        pairs = load_pairs(args.split, root=args.root)
    except GoldSetError as exc:
        print(f"gold_set: {exc}", file=sys.stderr)
        return 1
    for key, value in sorted(count(pairs).items()):
        print(f"{key}\t{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
