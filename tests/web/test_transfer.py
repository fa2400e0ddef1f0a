"""Exports and imports on the web and the command line: headers, permissions, round trips."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select

from annotations.exchange import importing
from annotations.storage import models
from annotations.storage.models import Base
from tests.web.helpers import MANIFEST
from tests.web.helpers import ROOT
from tests.web.helpers import SLOGAN
from tests.web.helpers import add_teacher
from tests.web.helpers import document_text
from tests.web.helpers import seed_comparison
from tests.web.helpers import signed_in
from webapp import create_app
from webapp import db

SEED_FILES = [ROOT / "seeds" / article["file"] for article in MANIFEST["articles"]]
W3C_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'

pytestmark = pytest.mark.databases


# -- fixtures and helpers --------------------------------------------------------------------


def annotate(client, app, comparison_id, document_id, quote, *, tags=("slogan",), **extra):
    text = document_text(app, document_id)
    start = text.index(quote)
    payload = {
        "public_id": str(uuid.uuid4()),
        "comparison_id": comparison_id,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "tag_set_key": "media-literacy",
        "tag_keys": list(tags),
        **extra,
    }
    response = client.post(f"/api/documents/{document_id}/annotations", json=payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    return payload["public_id"]


def counts(app):
    with app.app_context():
        session = db.get_session()
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (models.Annotation, models.AnnotationTag, models.User)
        )


@pytest.fixture
def classroom(auth_app):
    """Seeds, a signed-in teacher with three annotations (one linked), and an exercise in which
    the teacher keyed one passage and the student Ana tagged another."""
    comparison_id, (doc_a, doc_b) = seed_comparison(auth_app)
    add_teacher(auth_app)
    teacher = signed_in(auth_app)
    text_a, text_b = document_text(auth_app, doc_a), document_text(auth_app, doc_b)
    slogan_side = doc_b if SLOGAN in text_b else doc_a
    other_side = doc_a if slogan_side == doc_b else doc_b
    other_text = text_a if other_side == doc_a else text_b
    other_quote = other_text.split(".")[1].strip()[:40]
    ids = [
        annotate(
            teacher,
            auth_app,
            comparison_id,
            slogan_side,
            SLOGAN,
            tags=("slogan", "flag-waving"),
            note="Borrowed slogan 🇯🇵🎌, “quoted”",
        ),
        annotate(
            teacher,
            auth_app,
            comparison_id,
            other_side,
            other_quote,
            tags=("loaded-language",),
            relation="reframed",
            link_document_id=slogan_side,
            link_start=document_text(auth_app, slogan_side).index(SLOGAN),
            link_end=document_text(auth_app, slogan_side).index(SLOGAN) + len(SLOGAN),
            link_quote=SLOGAN,
        ),
        annotate(teacher, auth_app, comparison_id, other_side, other_quote[:12]),
    ]
    response = teacher.post(
        "/exercises/new",
        data={
            "title": "Spin",
            "comparison": str(comparison_id),
            "tag_set": "media-literacy",
            "save_open": "1",
        },
    )
    exercise_id = int(re.search(r"/exercises/(\d+)$", response.headers["Location"]).group(1))
    key = annotate(teacher, auth_app, comparison_id, slogan_side, SLOGAN, exercise_id=exercise_id)
    with auth_app.app_context():
        code = db.get_session().get(models.Exercise, exercise_id).join_code
    ana = auth_app.test_client()
    joined = ana.post("/join", data={"code": code, "name": "Ana", "password": "my class pass"})
    assert joined.status_code == 302
    work = annotate(ana, auth_app, comparison_id, slogan_side, SLOGAN[:4], exercise_id=exercise_id)
    return {
        "app": auth_app,
        "teacher": teacher,
        "ana": ana,
        "comparison_id": comparison_id,
        "documents": (doc_a, doc_b),
        "exercise_id": exercise_id,
        "ids": ids,
        "exercise_ids": [key, work],
    }


def fresh_app(tmp_path, name):
    """A new app on a new SQLite file, seeded as `parallax seed` does, with a teacher (Ms Tanaka).

    ``signed_in(app)`` gives a client signed in as that teacher.
    """
    instance = tmp_path / name
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{instance / 'parallax.sqlite3'}",
        },
        instance_path=str(instance),
    )
    with app.app_context():
        Base.metadata.create_all(db.get_engine())
    seed_comparison(app)
    add_teacher(app)
    return app


def upload(client, comparison_id, data, filename="annotations.json"):
    return client.post(
        f"/comparisons/{comparison_id}/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def page_text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# -- exports: status, headers, content ------------------------------------------------------


def test_comparison_exports_stream_each_format_with_its_headers(classroom):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    response = teacher.get(f"/comparisons/{comparison_id}/export.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="parallax-comparison-{comparison_id}-annotations.csv"'
    )
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbfannotation_id,comparison_id,comparison,document_id,")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert body.count(b"\r\n") == 4  # the header and three rows, each ending in CRLF
    assert {row["annotation_id"] for row in rows} == set(classroom["ids"])
    slogan = next(row for row in rows if row["quote"] == SLOGAN)
    assert slogan["tags"] == "slogan; flag-waving"
    assert slogan["tag_names"] == "Slogan or catchphrase; Flag-waving or national pride"
    assert slogan["note"] == "Borrowed slogan 🇯🇵🎌, “quoted”"
    assert slogan["annotator"] == "Ms Tanaka" and slogan["exercise_id"] == ""
    linked = next(row for row in rows if row["relation"] == "reframed")
    assert linked["linked_quote"] == SLOGAN

    response = teacher.get(f"/comparisons/{comparison_id}/export.json")
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Disposition"].endswith('annotations.json"')
    data = json.loads(response.get_data())
    assert (data["format"], data["version"], data["comparison_id"]) == (
        "parallax-annotations",
        1,
        comparison_id,
    )
    assert sorted(item["id"] for item in data["annotations"]) == sorted(classroom["ids"])

    response = teacher.get(f"/comparisons/{comparison_id}/export.jsonld")
    assert response.headers["Content-Type"] == W3C_TYPE
    assert response.headers["Content-Disposition"].endswith('annotations.jsonld"')
    data = json.loads(response.get_data())
    assert data["type"] == "AnnotationCollection" and data["total"] == 3
    assert data["id"] == f"http://localhost/comparisons/{comparison_id}/export.jsonld"
    assert teacher.get(f"/comparisons/{comparison_id}/export.xml").status_code == 404
    assert teacher.get("/comparisons/999/export.csv").status_code == 404


def test_a_comparison_export_never_holds_exercise_work(classroom):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    for fmt in ("csv", "json", "jsonld"):
        body = teacher.get(f"/comparisons/{comparison_id}/export.{fmt}").get_data(as_text=True)
        for public_id in classroom["exercise_ids"]:
            assert public_id not in body
        assert "Ana" not in body


def test_only_the_owning_teacher_exports_an_exercise_with_all_its_work(classroom):
    app, exercise_id = classroom["app"], classroom["exercise_id"]
    response = classroom["teacher"].get(f"/exercises/{exercise_id}/export.json")
    assert response.status_code == 200
    data = json.loads(response.get_data())
    assert data["exercise_id"] == exercise_id
    annotators = {item["id"]: item["annotator"] for item in data["annotations"]}
    key, work = classroom["exercise_ids"]
    assert annotators == {key: "Ms Tanaka", work: "Ana"}
    response = classroom["teacher"].get(f"/exercises/{exercise_id}/export.csv")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="parallax-exercise-{exercise_id}-annotations.csv"'
    )
    # A streamed body left unread would end its request context out of turn.
    assert response.get_data().count(b"\r\n") == 3
    add_teacher(app, username="mr.sato", name="Mr Sato")
    refused = {
        "anonymous": app.test_client(),
        "student": classroom["ana"],
        "another teacher": signed_in(app, "mr.sato"),
    }
    for who, client in refused.items():
        for fmt in ("csv", "json", "jsonld"):
            response = client.get(f"/exercises/{exercise_id}/export.{fmt}")
            assert response.status_code == 404, who
            assert key not in response.get_data(as_text=True)


def test_comparison_exports_and_the_import_form_are_for_teachers(classroom):
    app, comparison_id = classroom["app"], classroom["comparison_id"]
    anonymous = app.test_client()
    for path in ("export.csv", "export.json", "export.jsonld", "import"):
        response = anonymous.get(f"/comparisons/{comparison_id}/{path}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert classroom["ana"].get(f"/comparisons/{comparison_id}/{path}").status_code == 403
    before = counts(app)
    response = classroom["ana"].post(
        f"/comparisons/{comparison_id}/import",
        data={"file": (io.BytesIO(b"[]"), "a.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403 and counts(app) == before


def test_alignment_downloads_are_the_cli_json_and_a_csv(classroom, runner):
    app, comparison_id = classroom["app"], classroom["comparison_id"]
    doc_a, doc_b = classroom["documents"]
    anonymous = app.test_client()  # public, like the reading page
    response = anonymous.get(f"/comparisons/{comparison_id}/alignment.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="parallax-comparison-{comparison_id}-alignment-{doc_a}-{doc_b}.json"'
    )
    web = json.loads(response.get_data())
    result = runner.invoke(args=["align", "--json", *map(str, SEED_FILES)])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    # Only the paths differ: the CLI read files, the stored documents have none.
    assert cli["a"]["path"].endswith(SEED_FILES[0].name) and web["a"]["path"] == ""
    for side in ("a", "b"):
        cli[side]["path"] = ""
    assert web == cli
    assert list(web) == ["a", "b", "pairs", "only_a", "only_b"]
    assert web["pairs"]

    response = anonymous.get(f"/comparisons/{comparison_id}/alignment.csv?a={doc_b}&b={doc_a}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data()
    assert body.startswith(
        b"\xef\xbb\xbfkind,score,a_start,a_end,a_text,b_start,b_end,b_text,"
        b"confidence,evidence,a_language,b_language\r\n"
    )
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    # B on the left now: the first pair's spans are the JSON's, swapped.
    first = web["pairs"][0]
    swapped = [r for r in rows if r["kind"] != "only_a" and r["kind"] != "only_b"]
    assert {(int(r["a_start"]), int(r["b_start"])) for r in swapped} >= {
        (first["b"][0], first["a"][0])
    }
    assert (
        anonymous.get(
            f"/comparisons/{comparison_id}/alignment.json?a={doc_a}&b={doc_a}"
        ).status_code
        == 404
    )
    assert anonymous.get("/comparisons/999/alignment.csv").status_code == 404


def test_the_comparison_page_and_dashboard_link_to_the_exports(classroom):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    page = teacher.get(f"/comparisons/{comparison_id}").get_data(as_text=True)
    for path in ("export.csv", "export.json", "export.jsonld", "alignment.json", "import"):
        assert f"/comparisons/{comparison_id}/{path}" in page
    dashboard = teacher.get(f"/exercises/{classroom['exercise_id']}").get_data(as_text=True)
    assert f"/exercises/{classroom['exercise_id']}/export.csv" in dashboard
    public = classroom["app"].test_client().get(f"/comparisons/{comparison_id}")
    assert "export.csv" not in public.get_data(as_text=True)
    assert "alignment.csv" in public.get_data(as_text=True)


# -- round trips into a fresh database ------------------------------------------------------


def without_exported_time(data: bytes) -> bytes:
    return re.sub(rb'"exported":"[^"]*"', b'"exported":""', data, count=1)


def test_json_and_jsonld_round_trip_into_fresh_databases(classroom, tmp_path):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    exported_json = teacher.get(f"/comparisons/{comparison_id}/export.json").get_data()
    exported_w3c = teacher.get(f"/comparisons/{comparison_id}/export.jsonld").get_data()
    original = importing.read_annotations(exported_json).records
    assert len(original) == 3 and importing.read_annotations(exported_w3c).records == original

    # JSON through the command line into one fresh database.
    by_cli = fresh_app(tmp_path, "by-cli")
    path = tmp_path / "export.json"
    path.write_bytes(exported_json)
    result = by_cli.test_cli_runner().invoke(
        args=["import", str(path), "--comparison", str(comparison_id)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        f"Imported 3 annotations into comparison {comparison_id} "
        "(0 re-anchored, 0 already there, 0 skipped, 0 orphaned)."
    )
    # JSON-LD through the form into another.
    by_form = fresh_app(tmp_path, "by-form")
    response = upload(signed_in(by_form), comparison_id, exported_w3c, "export.jsonld")
    assert response.status_code == 200, page_text(response)
    assert "3 annotations imported" in page_text(response)

    for app in (by_cli, by_form):
        client = signed_in(app)
        again_json = client.get(f"/comparisons/{comparison_id}/export.json").get_data()
        again_w3c = client.get(f"/comparisons/{comparison_id}/export.jsonld").get_data()
        assert importing.read_annotations(again_json).records == original
        # The fresh databases were seeded like the first, so ids, titles, hashes, authors'
        # names and times all agree: the files are the same bytes, except the moment each
        # JSON export was made.
        assert without_exported_time(again_json) == without_exported_time(exported_json)
        assert again_w3c == exported_w3c


def test_importing_the_same_file_twice_finds_every_annotation_already_there(classroom):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    exported = teacher.get(f"/comparisons/{comparison_id}/export.json").get_data()
    before = counts(classroom["app"])
    response = upload(teacher, comparison_id, exported)
    assert response.status_code == 200
    assert "0 annotations imported; 3 already there" in page_text(response)
    assert counts(classroom["app"]) == before


def shifted(exported: bytes, by: int) -> bytes:
    data = json.loads(exported)
    for item in data["annotations"]:
        item["start"] += by
        item["end"] += by
    return json.dumps(data).encode()


def test_shifted_offsets_are_re_anchored_by_the_form_and_the_cli(classroom, tmp_path):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    exported = teacher.get(f"/comparisons/{comparison_id}/export.json").get_data()
    original = importing.read_annotations(exported).records
    moved = shifted(exported, 5)

    by_form = fresh_app(tmp_path, "form")
    response = upload(signed_in(by_form), comparison_id, moved)
    assert response.status_code == 200
    text = page_text(response)
    assert "Re-anchored 3" in text and "3 annotations imported" in text
    first = original[0]
    assert (
        f"characters {first.start + 5}–{first.end + 5} in the file, {first.start}–{first.end} here"
        in text
    )
    again = signed_in(by_form).get(f"/comparisons/{comparison_id}/export.json").get_data()
    assert importing.read_annotations(again).records == original

    by_cli = fresh_app(tmp_path, "cli")
    path = tmp_path / "moved.json"
    path.write_bytes(moved)
    result = by_cli.test_cli_runner().invoke(
        args=["import", str(path), "--comparison", str(comparison_id)]
    )
    assert result.exit_code == 0
    old, new = f"[{first.start + 5}, {first.end + 5})", f"[{first.start}, {first.end})"
    assert f"item 0 ({first.id}): re-anchored from {old} to {new}" in result.output


def test_an_orphan_or_a_missing_document_imports_nothing_and_says_why(classroom, tmp_path):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    exported = json.loads(teacher.get(f"/comparisons/{comparison_id}/export.json").get_data())
    exported["annotations"][0]["quote"] = "Zebras graze by the river at noon"
    exported["annotations"][0]["end"] = exported["annotations"][0]["start"] + 33
    exported["annotations"][1]["document_hash"] = "0" * 64
    exported["annotations"][1]["document_title"] = "Some other article"
    exported["annotations"][1]["document_url"] = ""
    data = json.dumps(exported).encode()
    app = fresh_app(tmp_path, "fresh")
    before = counts(app)
    response = upload(signed_in(app), comparison_id, data)
    assert response.status_code == 422
    text = page_text(response)
    assert "Nothing was imported" in text
    assert "Orphaned 1" in text and "Zebras graze by the river at noon" in text
    assert "Skipped 1" in text and "Its document (Some other article) is not in comparison" in text
    assert counts(app) == before  # nothing half-imported: not even the good third one

    path = tmp_path / "bad.json"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(
        args=["import", str(path), "--comparison", str(comparison_id)]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"item 0 ({exported['annotations'][0]['id']}): orphaned: its quote")
    assert lines[1].startswith(
        f"item 1 ({exported['annotations'][1]['id']}): skipped: Its document"
    )
    assert "Nothing imported: 2 of the file's items cannot be imported" in lines[-1]
    assert counts(app) == before

    result = app.test_cli_runner().invoke(
        args=["import", str(path), "--comparison", str(comparison_id), "--partial"]
    )
    assert result.exit_code == 0
    assert "Imported 1 annotation into comparison" in result.output
    assert counts(app)[0] == before[0] + 1


def test_duplicate_ids_are_reported_and_nothing_is_imported(classroom, tmp_path):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    exported = json.loads(teacher.get(f"/comparisons/{comparison_id}/export.json").get_data())
    exported["annotations"].append(exported["annotations"][0])
    app = fresh_app(tmp_path, "fresh")
    before = counts(app)
    response = upload(signed_in(app), comparison_id, json.dumps(exported).encode())
    assert response.status_code == 422
    assert "It has a duplicate id: item 0 has the same id." in page_text(response)
    assert counts(app) == before


def test_unreadable_files_are_one_clear_line(classroom, tmp_path):
    teacher, comparison_id = classroom["teacher"], classroom["comparison_id"]
    exported = teacher.get(f"/comparisons/{comparison_id}/export.json").get_data()
    truncated = exported[: len(exported) // 2]
    app = fresh_app(tmp_path, "fresh")
    before = counts(app)
    response = upload(signed_in(app), comparison_id, truncated)
    assert response.status_code == 422
    assert "the file ends in the middle of its JSON (truncated?)" in page_text(response)
    assert upload(signed_in(app), comparison_id, b"{}", "notes.txt").status_code == 422
    assert counts(app) == before

    path = tmp_path / "cut.json"
    path.write_bytes(truncated)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", str(path), "--comparison", str(comparison_id)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "Error: " in result.output and "truncated?" in result.output
    result = runner.invoke(args=["import", str(tmp_path / "nope.json"), "--comparison", "1"])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path / 'nope.json'}: no such file"
    path.write_bytes(exported)
    result = runner.invoke(args=["import", str(path), "--comparison", "999"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: --comparison: no comparison has the id 999"
    assert counts(app) == before


# -- the export command ----------------------------------------------------------------------


def test_the_export_command_shows_progress_on_large_exports(classroom, tmp_path, monkeypatch):
    from annotations.exchange import outbound
    from webapp import manage as cli

    app, comparison_id = classroom["app"], classroom["comparison_id"]
    runner = app.test_cli_runner()
    args = ["export", "--comparison", str(comparison_id), "--format", "csv", "-o"]
    small = runner.invoke(args=[*args, str(tmp_path / "small.csv")])
    assert small.exit_code == 0 and "Exporting" not in small.stderr
    # Three annotations count as many, a batch being one: the bar moves by each.
    monkeypatch.setattr(cli, "PROGRESS_MIN", 3)
    monkeypatch.setattr(outbound, "BATCH_SIZE", 1)
    steps = []
    advance = cli._Progress.advance
    monkeypatch.setattr(
        cli._Progress, "advance", lambda self, n: (steps.append(n), advance(self, n))
    )
    large = runner.invoke(args=[*args, str(tmp_path / "large.csv")])
    assert large.exit_code == 0, large.output
    # Not a terminal here: click prints the label once rather than redrawing the bar.
    assert "Exporting" in large.stderr and steps == [1, 1, 1]
    assert (tmp_path / "large.csv").read_bytes() == (tmp_path / "small.csv").read_bytes()


def test_the_export_command_writes_each_format(classroom, tmp_path):
    app, comparison_id = classroom["app"], classroom["comparison_id"]
    runner = app.test_cli_runner()
    web = classroom["teacher"].get(f"/comparisons/{comparison_id}/export.csv").get_data()
    out = tmp_path / "out.csv"
    result = runner.invoke(
        args=["export", "--comparison", str(comparison_id), "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == web
    assert f"Exported 3 annotations as csv to {out}." in result.output

    result = runner.invoke(
        args=["export", "--exercise", str(classroom["exercise_id"]), "--format", "json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert sorted(item["id"] for item in data["annotations"]) == sorted(classroom["exercise_ids"])

    result = runner.invoke(
        args=["export", "--comparison", str(comparison_id), "--format", "jsonld"]
    )
    w3c = classroom["teacher"].get(f"/comparisons/{comparison_id}/export.jsonld").get_data()
    assert result.stdout_bytes == w3c  # the same base URL as the test client's

    result = runner.invoke(
        args=["export", "--comparison", str(comparison_id), "--format", "alignment-json"]
    )
    web = classroom["teacher"].get(f"/comparisons/{comparison_id}/alignment.json").get_data()
    assert result.stdout_bytes == web
    result = runner.invoke(
        args=["export", "--comparison", str(comparison_id), "--format", "alignment-csv"]
    )
    web = classroom["teacher"].get(f"/comparisons/{comparison_id}/alignment.csv").get_data()
    assert result.stdout_bytes == web

    for args, message in [
        (["--format", "csv"], "give either --comparison ID or --exercise ID"),
        (["--comparison", "999", "--format", "csv"], "--comparison: no comparison has the id 999"),
        (["--exercise", "999", "--format", "csv"], "--exercise: no exercise has the id 999"),
    ]:
        result = runner.invoke(args=["export", *args])
        assert result.exit_code == 2 and result.output.strip() == f"Error: {message}"
