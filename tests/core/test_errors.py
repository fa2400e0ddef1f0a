"""Core errors carry their field, problem, code and HTTP status; the web never parses them."""

from __future__ import annotations

import inspect
import pickle
import re
from pathlib import Path

import pytest

from annotations import errors
from annotations.errors import AnnotationError
from annotations.errors import TaxonomyError

ROOT = Path(__file__).resolve().parents[2]
ERROR_CLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, AnnotationError)
]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_each_error_names_a_code_and_an_http_status(cls):
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", cls.code)
    assert 400 <= cls.status < 500


def test_codes_differ_except_where_a_subclass_is_the_same_kind():
    # A document not found is an annotation not found to a client; every other class has its own.
    by_code = {}
    for cls in ERROR_CLASSES:
        by_code.setdefault(cls.code, []).append(cls.__name__)
    shared = {code: names for code, names in by_code.items() if len(names) > 1}
    assert shared == {"not_found": ["AnnotationNotFoundError", "DocumentNotFoundError"]}


def test_message_is_field_then_problem_and_pickles_with_both():
    error = errors.WeakPasswordError("use more than digits", field="password")
    assert str(error) == "password: use more than digits"
    assert (error.field, error.problem, error.code, error.status) == (
        "password",
        "use more than digits",
        "weak_password",
        422,
    )
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is errors.WeakPasswordError
    assert (str(again), again.field, again.problem) == (str(error), "password", error.problem)


def test_an_error_without_a_field_is_its_problem():
    error = errors.DocumentNotFoundError("no document has the id 7")
    assert (str(error), error.field, error.status) == ("no document has the id 7", None, 404)


def test_a_duplicate_tag_names_the_tag_it_clashes_with_apart_from_the_text():
    error = TaxonomyError("tags[4].shortcut", "duplicate shortcut '1'", clashes_with=0)
    assert str(error) == "tags[4].shortcut: duplicate shortcut '1' (already used by tags[0])"
    assert (error.summary, error.clashes_with) == ("duplicate shortcut '1'", 0)
    moved = pickle.loads(pickle.dumps(error.within("data")))
    assert (moved.field, moved.clashes_with) == ("data.tags[4].shortcut", 0)


def test_the_web_layer_reads_no_field_out_of_a_message():
    sources = {path: path.read_text(encoding="utf-8") for path in (ROOT / "webapp").rglob("*.py")}
    parsing = [path.name for path, text in sources.items() if 'partition(": ")' in text]
    assert parsing == []
    assert not any("already used by tags" in text for text in sources.values())
