from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from annotations.framing import editing
from annotations.framing import taxonomy
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage import saving
from annotations.storage import tagsets
from annotations.text.ingest import ingest_text
from tests.web.helpers import add_teacher
from tests.web.helpers import signed_in
from webapp import create_app
from webapp import db
from webapp.tagsets.forms import MAX_IMPORT_BYTES


@pytest.fixture
def builtins(app):
    """Store the built-in tag sets, as ``parallax seed`` does."""
    with app.app_context():
        session = db.get_session()
        assert tagsets.install_builtin_tag_sets(session) == 3
        session.commit()


def record(app, key):
    """Return the stored tag set ``key`` as a record, or None, read in a fresh session."""
    with app.app_context():
        row = tagsets.get_tag_set(db.get_session(), key)
        return None if row is None else tagsets.tag_set_record(row)


def set_count(app):
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(models.TagSet))


def make_set(app, tag_set):
    with app.app_context():
        session = db.get_session()
        tagsets.save_tag_set(session, tag_set)
        session.commit()


def text_of(response):
    return response.get_data(as_text=True)


def unescaped(response):
    """Return the page's text with the HTML entities Jinja writes turned back."""
    return (
        text_of(response)
        .replace("&#34;", '"')
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


TWO_TAGS = taxonomy.TagSet(
    "class-set",
    "Class set",
    "Made by a teacher.",
    tags=(
        taxonomy.Tag("alpha", "Alpha", "First.", "#112233", shortcut="1", group="Greek"),
        taxonomy.Tag("beta", "Beta", "Second.", "#445566", shortcut="2"),
        taxonomy.Tag("gamma", "Gamma", "", "#778899"),
    ),
)


# -- pages ---------------------------------------------------------------------------------


def test_list_shows_every_builtin_set_before_it_is_stored(client):
    response = client.get("/tag-sets")
    assert response.status_code == 200
    page = text_of(response)
    for tag_set in taxonomy.builtin_tag_sets():
        assert f'data-key="{tag_set.key}"' in page
        assert f'href="/tag-sets/{tag_set.key}.json"' in page
        assert f'href="/tag-sets/{tag_set.key}/copy"' in page
    assert page.count(">built in</span>") == 3
    assert 'href="/tag-sets/new"' in page
    assert 'href="/tag-sets/import"' in page
    assert '<link rel="stylesheet" href="/static/css/tagsets.css">' in page


@pytest.mark.databases
def test_list_shows_counts_versions_and_user_sets(app, client, builtins):
    make_set(app, TWO_TAGS)
    page = text_of(client.get("/tag-sets"))
    row = re.search(r'<tr data-key="class-set">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="num">1</td>' in row  # version
    assert '<td class="num">3</td>' in row  # tags
    assert "built in" not in row
    assert 'href="/tag-sets/class-set/edit"' in row
    persuasion = re.search(r'<tr data-key="persuasion-techniques">(.*?)</tr>', page, re.S)
    assert '<td class="num">23</td>' in persuasion.group(1)
    assert "/tag-sets/persuasion-techniques/edit" not in page
    # Built-in sets come first.
    assert page.index('data-key="policy-frames"') < page.index('data-key="class-set"')


def test_show_lists_tags_with_swatches_and_shortcuts(client):
    response = client.get("/tag-sets/media-literacy")
    assert response.status_code == 200
    page = text_of(response)
    assert page.count('<svg class="swatch"') == 12
    assert '<rect x="0.5" y="0.5" width="15" height="15" rx="3" fill="#fee891"/>' in page
    assert "<kbd>1</kbd>" in page and "<kbd>a</kbd>" in page
    assert "Slogan or catchphrase" in page
    assert "Copy to edit" in page
    assert "/tag-sets/media-literacy/edit" not in page
    assert "style=" not in page


def test_show_has_a_group_column_only_for_grouped_sets(client):
    grouped = text_of(client.get("/tag-sets/persuasion-techniques"))
    assert '<td class="tag-group">Attack on reputation</td>' in grouped
    plain = text_of(client.get("/tag-sets/media-literacy"))
    assert "tag-group" not in plain


@pytest.mark.parametrize(
    "path",
    [
        "/tag-sets/nope",
        "/tag-sets/nope.json",
        "/tag-sets/nope/copy",
        "/tag-sets/nope/edit",
        "/tag-sets/class-set/tags/nope/edit",
    ],
)
def test_unknown_set_or_tag_is_404(app, client, path):
    make_set(app, TWO_TAGS)
    assert client.get(path).status_code == 404


def test_every_form_page_renders(app, client):
    make_set(app, TWO_TAGS)
    for path, expected in [
        ("/tag-sets/new", "Create the set"),
        ("/tag-sets/import", "Upload a .json file"),
        ("/tag-sets/media-literacy/copy", 'value="Media literacy (copy)"'),
        ("/tag-sets/class-set/edit", "Add the tag"),
        ("/tag-sets/class-set/tags/beta/edit", 'value="Beta"'),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert expected in text_of(response), path


def test_add_form_suggests_a_free_colour_and_shortcut(app, client):
    make_set(app, TWO_TAGS)
    page = text_of(client.get("/tag-sets/class-set/edit"))
    colour = editing.free_colour(TWO_TAGS)
    assert re.search(rf'id="tag-colour"[^>]*value="{colour}"', page)
    assert re.search(r'id="tag-shortcut"[^>]*value="3"', page)
    assert 'type="color"' in page


# -- copy and new ----------------------------------------------------------------------------


@pytest.mark.databases
def test_copying_a_builtin_makes_an_editable_set_and_leaves_the_builtin(app, client, builtins):
    response = client.post("/tag-sets/media-literacy/copy", data={"name": "Our media set"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tag-sets/our-media-set/edit"
    copied = record(app, "our-media-set")
    assert copied.name == "Our media set"
    assert copied.version == 1
    assert copied.tags == taxonomy.MEDIA_LITERACY.tags
    assert copied.source.startswith("Copied from Media literacy (media-literacy, version 1)")
    assert record(app, "media-literacy") == taxonomy.MEDIA_LITERACY
    page = text_of(client.get(response.headers["Location"]))
    assert "Copied \u201cMedia literacy\u201d" in page
    assert "Add the tag" in page

    # The copy is editable: a new tag lands in it and not in the built-in set.
    response = client.post(
        "/tag-sets/our-media-set/tags",
        data={"tag-name": "Clickbait", "tag-colour": "#123abc", "tag-shortcut": "q"},
    )
    assert response.status_code == 302
    assert record(app, "our-media-set").get_tag("clickbait").shortcut == "q"
    assert record(app, "media-literacy") == taxonomy.MEDIA_LITERACY


def test_copying_a_builtin_that_is_not_stored_yet_works(app, client):
    response = client.post("/tag-sets/policy-frames/copy", data={"name": "Frames"})
    assert response.status_code == 302
    assert record(app, "frames").tags == taxonomy.POLICY_FRAMES.tags
    assert record(app, "policy-frames") is None


def test_copies_get_unique_keys(app, client):
    for expected in ("mine", "mine-2", "mine-3"):
        response = client.post("/tag-sets/media-literacy/copy", data={"name": "Mine"})
        assert response.headers["Location"] == f"/tag-sets/{expected}/edit"
    # A copy named like a built-in set or like a page of the blueprint gets another key.
    response = client.post("/tag-sets/media-literacy/copy", data={"name": "Media literacy"})
    assert response.headers["Location"] == "/tag-sets/media-literacy-2/edit"
    response = client.post("/tag-sets/media-literacy/copy", data={"name": "New"})
    assert response.headers["Location"] == "/tag-sets/new-2/edit"


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "This field is required."), ("!!!", "has no letters or digits"), ("x" * 81, "80")],
)
def test_a_bad_copy_name_is_a_form_error(app, client, name, message):
    response = client.post("/tag-sets/media-literacy/copy", data={"name": name})
    assert response.status_code == 422
    assert message in unescaped(response)
    assert 'aria-invalid="true"' in text_of(response)
    assert set_count(app) == 0


def test_new_set_starts_empty(app, client):
    response = client.post(
        "/tag-sets/new", data={"name": "Economy frames", "description": "Line one\r\nline two"}
    )
    assert response.headers["Location"] == "/tag-sets/economy-frames/edit"
    created = record(app, "economy-frames")
    assert created == taxonomy.TagSet("economy-frames", "Economy frames", "Line one\nline two")
    page = text_of(client.get("/tag-sets/economy-frames/edit"))
    assert "No tags yet" in page


def test_new_set_needs_a_name(app, client):
    response = client.post("/tag-sets/new", data={"name": "   "})
    assert response.status_code == 422
    assert "This field is required." in text_of(response)
    assert set_count(app) == 0


# -- editing ---------------------------------------------------------------------------------


@pytest.mark.databases
def test_add_edit_move_and_remove_a_tag(app, client):
    make_set(app, TWO_TAGS)
    response = client.post(
        "/tag-sets/class-set/tags",
        data={
            "tag-name": "Delta force",
            "tag-description": "Fourth.",
            "tag-colour": "#AABBCC",
            "tag-shortcut": "d",
            "tag-group": "Greek",
        },
    )
    assert response.status_code == 302
    added = record(app, "class-set")
    assert added.version == 2
    assert added.tags[-1] == taxonomy.Tag(
        "delta-force", "Delta force", "Fourth.", "#aabbcc", shortcut="d", group="Greek"
    )
    assert "Added \u201cDelta force\u201d." in text_of(client.get("/tag-sets/class-set/edit"))

    response = client.post(
        "/tag-sets/class-set/tags/beta/edit",
        data={"name": "Bravo", "description": "", "colour": "#000000", "shortcut": "", "group": ""},
    )
    assert response.status_code == 302
    edited = record(app, "class-set")
    assert edited.version == 3
    # The key stays, so annotations keep pointing at the tag.
    assert edited.get_tag("beta") == taxonomy.Tag("beta", "Bravo", "", "#000000")

    response = client.post("/tag-sets/class-set/tags/delta-force/move", data={"direction": "up"})
    assert response.headers["Location"] == "/tag-sets/class-set/edit#tag-delta-force"
    page = text_of(client.get("/tag-sets/class-set/edit"))
    assert "Moved \u201cDelta force\u201d up." in page
    moved = record(app, "class-set")
    assert [tag.key for tag in moved.tags] == ["alpha", "beta", "delta-force", "gamma"]
    assert moved.version == 4
    client.post("/tag-sets/class-set/tags/alpha/move", data={"direction": "down"})
    assert [tag.key for tag in record(app, "class-set").tags][:2] == ["beta", "alpha"]

    response = client.post("/tag-sets/class-set/tags/gamma/remove")
    assert response.status_code == 302
    removed = record(app, "class-set")
    assert [tag.key for tag in removed.tags] == ["beta", "alpha", "delta-force"]
    assert removed.version == 6
    assert "Removed \u201cGamma\u201d." in text_of(client.get("/tag-sets/class-set/edit"))


def test_moving_past_either_end_changes_nothing(app, client):
    make_set(app, TWO_TAGS)
    client.post("/tag-sets/class-set/tags/alpha/move", data={"direction": "up"})
    client.post("/tag-sets/class-set/tags/gamma/move", data={"direction": "down"})
    assert record(app, "class-set") == TWO_TAGS
    response = client.post("/tag-sets/class-set/tags/alpha/move", data={"direction": "left"})
    assert response.status_code == 400
    assert record(app, "class-set") == TWO_TAGS


def test_removing_twice_is_a_404_not_a_crash(app, client):
    make_set(app, TWO_TAGS)
    assert client.post("/tag-sets/class-set/tags/gamma/remove").status_code == 302
    assert client.post("/tag-sets/class-set/tags/gamma/remove").status_code == 404
    assert record(app, "class-set").version == 2


def test_edit_set_details(app, client):
    make_set(app, TWO_TAGS)
    response = client.post(
        "/tag-sets/class-set/edit",
        data={"set-name": "Renamed set", "set-description": "New words."},
    )
    assert response.status_code == 302
    changed = record(app, "class-set")
    assert (changed.key, changed.name, changed.description, changed.version) == (
        "class-set",
        "Renamed set",
        "New words.",
        2,
    )
    response = client.post(
        "/tag-sets/class-set/edit",
        data={"set-name": "Renamed set", "set-description": "New words."},
        follow_redirects=True,
    )
    assert "Nothing changed." in text_of(response)
    assert record(app, "class-set").version == 2


def test_duplicate_shortcut_is_a_form_error_naming_the_shortcut(app, client):
    make_set(app, TWO_TAGS)
    response = client.post(
        "/tag-sets/class-set/tags",
        data={"tag-name": "Omega", "tag-colour": "#abcdef", "tag-shortcut": "1"},
    )
    assert response.status_code == 422
    page = unescaped(response)
    errors = re.search(r'<ul class="field-errors" id="tag-shortcut-errors">(.*?)</ul>', page)
    assert errors is not None
    assert "Duplicate shortcut '1' (already used by \u201cAlpha\u201d)." in errors.group(1)
    # What was typed stays in the form.
    assert re.search(r'id="tag-name"[^>]*value="Omega"', page)
    assert record(app, "class-set") == TWO_TAGS

    response = client.post(
        "/tag-sets/class-set/tags/gamma/edit",
        data={"name": "Gamma", "colour": "#778899", "shortcut": "2"},
    )
    assert response.status_code == 422
    assert "Duplicate shortcut '2' (already used by \u201cBeta\u201d)." in unescaped(response)
    assert record(app, "class-set") == TWO_TAGS


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"tag-name": "alpha", "tag-colour": "#abcdef"}, "tag-name", "Duplicate name 'alpha'"),
        (
            {"tag-name": "Omega", "tag-colour": "#abcdef", "tag-shortcut": "?"},
            "tag-shortcut",
            "'?' is reserved: ? opens the keyboard help.",
        ),
        (
            {"tag-name": "Omega", "tag-colour": "#abcdef", "tag-shortcut": " "},
            "tag-shortcut",
            "' ' is reserved",
        ),
        (
            {"tag-name": "Omega", "tag-colour": "#abcdef", "tag-shortcut": "ab"},
            "tag-shortcut",
            "'ab' is not a single character.",
        ),
        (
            {"tag-name": "Omega", "tag-colour": "red"},
            "tag-colour",
            "Expected '#rrggbb', got 'red'.",
        ),
        ({"tag-name": "Omega", "tag-colour": ""}, "tag-colour", "This field is required."),
        ({"tag-name": "***", "tag-colour": "#abcdef"}, "tag-name", "has no letters or digits"),
        (
            {"tag-name": "Omega", "tag-colour": "#abcdef", "tag-description": "a\x00b"},
            "tag-description",
            "Contains control characters.",
        ),
    ],
)
def test_core_errors_land_on_their_field(app, client, data, field, message):
    make_set(app, TWO_TAGS)
    response = client.post("/tag-sets/class-set/tags", data=data)
    assert response.status_code == 422
    errors = re.search(
        rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', unescaped(response)
    )
    assert errors is not None, unescaped(response)
    assert message in errors.group(1)
    assert record(app, "class-set") == TWO_TAGS


@pytest.mark.databases
def test_editing_a_builtin_is_refused(app, client, builtins):
    response = client.get("/tag-sets/media-literacy/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == "/tag-sets/media-literacy"
    for path, data in [
        ("/tag-sets/media-literacy/edit", {"set-name": "Hacked"}),
        ("/tag-sets/media-literacy/tags", {"tag-name": "New", "tag-colour": "#000000"}),
        ("/tag-sets/media-literacy/tags/slogan/edit", {"name": "X", "colour": "#000000"}),
        ("/tag-sets/media-literacy/tags/slogan/remove", {}),
        ("/tag-sets/media-literacy/tags/promotional/move", {"direction": "up"}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/tag-sets/media-literacy"
    assert record(app, "media-literacy") == taxonomy.MEDIA_LITERACY
    page = text_of(client.get("/tag-sets/media-literacy"))
    assert "is built in and cannot be changed: copy it to edit." in page


def test_a_tag_in_use_cannot_be_removed(app, client):
    make_set(app, TWO_TAGS)
    with app.app_context():
        session = db.get_session()
        document = comparisons.add_document(session, ingest_text("Alpha beta gamma."))
        saving.add_annotation(
            session,
            checks.AnnotationInput(
                public_id=str(uuid.uuid4()),
                document_id=document.id,
                start=0,
                end=5,
                quote="Alpha",
                tag_keys=("alpha",),
                tag_set_key="class-set",
            ),
        )
        session.commit()
    response = client.post("/tag-sets/class-set/tags/alpha/remove", follow_redirects=True)
    assert "Cannot remove &#39;alpha&#39;: 1 annotation tag(s) use them" in text_of(response)
    assert record(app, "class-set") == TWO_TAGS


def test_tag_and_set_names_are_escaped(app, client):
    script = "<script>alert(1)</script>"
    client.post("/tag-sets/new", data={"name": f"Set {script}", "description": script})
    key = "set-script-alert-1-script"
    client.post(
        f"/tag-sets/{key}/tags",
        data={"tag-name": f"Tag {script}", "tag-colour": "#abcdef", "tag-group": script},
    )
    assert record(app, key).tags[0].name == f"Tag {script}"
    for path in ("/tag-sets", f"/tag-sets/{key}", f"/tag-sets/{key}/edit"):
        page = text_of(client.get(path))
        assert "<script>" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


# -- export and import -----------------------------------------------------------------------


def test_export_downloads_the_json(app, client):
    make_set(app, TWO_TAGS)
    response = client.get("/tag-sets/class-set.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="class-set.json"'
    # The file format written out by hand (README, "Tag set files"), not by the exporter.
    assert json.loads(response.data) == {
        "format": "parallax-tagset",
        "format_version": 1,
        "key": "class-set",
        "name": "Class set",
        "description": "Made by a teacher.",
        "version": 1,
        "source": None,
        "tags": [
            {
                "key": "alpha",
                "name": "Alpha",
                "description": "First.",
                "colour": "#112233",
                "shortcut": "1",
                "group": "Greek",
            },
            {
                "key": "beta",
                "name": "Beta",
                "description": "Second.",
                "colour": "#445566",
                "shortcut": "2",
                "group": None,
            },
            {
                "key": "gamma",
                "name": "Gamma",
                "description": "",
                "colour": "#778899",
                "shortcut": None,
                "group": None,
            },
        ],
    }
    builtin = json.loads(client.get("/tag-sets/persuasion-techniques.json").data)
    # SemEval-2023 Task 3 has 23 persuasion techniques in six groups.
    assert (builtin["key"], builtin["format"]) == ("persuasion-techniques", "parallax-tagset")
    assert len(builtin["tags"]) == 23
    assert len({tag["group"] for tag in builtin["tags"]}) == 6
    assert builtin["tags"][0]["name"] == "Name calling or labeling"
    assert "SemEval-2023 Task 3" in builtin["source"]


def test_export_then_import_into_a_fresh_app_gives_an_equal_set(app, client, tmp_path):
    edited = editing.update_tag(
        editing.add_tag(
            TWO_TAGS,
            taxonomy.Tag("eszett", "Straße 🚀", "Two\nlines", "#ABCDEF", shortcut="é"),
        ),
        "gamma",
        group="Greek",
    )
    make_set(app, edited)
    exported = client.get("/tag-sets/class-set.json").data

    fresh = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        },
        instance_path=str(tmp_path / "fresh"),
    )
    with fresh.app_context():
        models.Base.metadata.create_all(db.get_engine())
    try:
        add_teacher(fresh)
        response = signed_in(fresh).post(
            "/tag-sets/import",
            data={"file": (io.BytesIO(exported), "class-set.json")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/tag-sets/class-set"
        assert record(fresh, "class-set") == edited
        assert record(fresh, "class-set").version == 3
    finally:
        with fresh.app_context():
            db.get_engine().dispose()


def test_import_by_pasting(app, client):
    pasted = json.dumps(taxonomy.tag_set_to_json(TWO_TAGS))
    response = client.post("/tag-sets/import", data={"text": pasted}, follow_redirects=True)
    assert "Imported \u201cClass set\u201d with 3 tags." in text_of(response)
    assert record(app, "class-set") == TWO_TAGS


def test_import_key_clash_suggests_a_new_key_and_the_rename_works(app, client):
    make_set(app, TWO_TAGS)
    other = editing.update_tag_set(TWO_TAGS, name="Another class set")
    exported = json.dumps(taxonomy.tag_set_to_json(other)).encode()
    response = client.post(
        "/tag-sets/import",
        data={"file": (io.BytesIO(exported), "set.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = unescaped(response)
    assert "A tag set with the key \u201cclass-set\u201d exists already." in page
    assert "such as \u201cclass-set-2\u201d" in page
    assert re.search(r'id="key"[^>]*value="class-set-2"', page)
    # The file's JSON is kept in the text box, so renaming does not need the file again.
    assert '"name": "Another class set"' in page
    assert set_count(app) == 1

    response = client.post(
        "/tag-sets/import", data={"text": exported.decode(), "key": "class-set-2"}
    )
    assert response.headers["Location"] == "/tag-sets/class-set-2"
    assert record(app, "class-set-2").name == "Another class set"
    assert record(app, "class-set") == TWO_TAGS


def test_import_of_a_builtin_key_needs_a_new_key(app, client):
    exported = client.get("/tag-sets/media-literacy.json").data.decode()
    response = client.post("/tag-sets/import", data={"text": exported})
    assert response.status_code == 422
    assert "media-literacy-2" in text_of(response)
    response = client.post("/tag-sets/import", data={"text": exported, "key": "Bad Key"})
    assert response.status_code == 422
    errors = re.search(r'id="key-errors">(.*?)</ul>', unescaped(response)).group(1)
    assert "'Bad Key' is not a key" in errors
    assert set_count(app) == 0


GOOD = taxonomy.tag_set_to_json(TWO_TAGS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "parallax-tagset",\n "key": }', "Expecting value at line 2, column 9."),
        ("", "Upload a .json file or paste the JSON."),
        ("[1, 2]", "Not a Parallax tag set: data: Expected an object, got list."),
        (json.dumps({**GOOD, "format": "other"}), "format: Expected 'parallax-tagset'"),
        (json.dumps({**GOOD, "extra": 1}), "extra: Unknown field."),
        (
            json.dumps({**GOOD, "tags": [{**GOOD["tags"][0], "color": "#000000"}]}),
            "tags[0].color: Unknown field (did you mean 'colour'?).",
        ),
        (
            json.dumps({**GOOD, "tags": [{**GOOD["tags"][0], "colour": "blue"}]}),
            "tags[0].colour: Expected '#rrggbb', got 'blue'.",
        ),
        (
            json.dumps({**GOOD, "tags": [GOOD["tags"][0], {**GOOD["tags"][1], "shortcut": "1"}]}),
            "tags[1].shortcut: Duplicate shortcut '1'",
        ),
        (json.dumps({**GOOD, "key": "new"}), "A tag set with the key \u201cnew\u201d exists"),
    ],
)
def test_malformed_imports_store_nothing(app, client, text, message):
    response = client.post("/tag-sets/import", data={"text": text})
    assert response.status_code == 422
    assert message in unescaped(response)
    assert set_count(app) == 0


def test_import_file_problems(app, client):
    good = json.dumps(GOOD).encode()
    cases = [
        ({"file": (io.BytesIO(b"\xff\xfe{}"), "set.json")}, "The file is not UTF-8 text"),
        ({"file": (io.BytesIO(good), "set.txt")}, "Upload a .json file."),
        (
            {"file": (io.BytesIO(b" " * (MAX_IMPORT_BYTES + 1)), "set.json")},
            "The file is larger than 1 MB.",
        ),
        (
            {"file": (io.BytesIO(good), "set.json"), "text": good.decode()},
            "upload a file or paste it, not both",
        ),
        ({"file": (io.BytesIO(b"{oops"), "set.json")}, "This is not valid JSON:"),
    ]
    for data, message in cases:
        # Encoded here: the test client spools a large body to a file it never closes.
        fields = {
            name: FileStorage(*value) if isinstance(value, tuple) else value
            for name, value in data.items()
        }
        boundary, body = encode_multipart(fields)
        response = client.post(
            "/tag-sets/import",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert response.status_code == 422, message
        assert message in unescaped(response), message
    assert set_count(app) == 0
    # A byte-order mark is fine.
    response = client.post(
        "/tag-sets/import",
        data={"file": (io.BytesIO(b"\xef\xbb\xbf" + good), "set.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert record(app, "class-set") == TWO_TAGS


# -- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(app, tmp_path):
    """Return a client of a second app on the same database, with CSRF protection on."""
    csrf_app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": app.config["DATABASE_URL"],
        },
        instance_path=str(tmp_path / "csrf-instance"),
    )
    try:
        add_teacher(csrf_app)
        yield signed_in(csrf_app)
    finally:
        with csrf_app.app_context():
            db.get_engine().dispose()


def csrf_token(page):
    return re.search(r'name="(?:[a-z]+-)?csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_posts_without_a_csrf_token_are_refused(app, csrf_client):
    make_set(app, TWO_TAGS)
    for path, data in [
        ("/tag-sets/new", {"name": "Sneaky"}),
        ("/tag-sets/media-literacy/copy", {"name": "Sneaky"}),
        ("/tag-sets/import", {"text": json.dumps({**GOOD, "key": "sneaky"})}),
        ("/tag-sets/class-set/edit", {"set-name": "Sneaky"}),
        ("/tag-sets/class-set/tags", {"tag-name": "Sneaky", "tag-colour": "#000000"}),
        ("/tag-sets/class-set/tags/alpha/edit", {"name": "Sneaky", "colour": "#000000"}),
        ("/tag-sets/class-set/tags/alpha/remove", {}),
        ("/tag-sets/class-set/tags/alpha/move", {"direction": "down"}),
    ]:
        response = csrf_client.post(path, data=data)
        assert response.status_code == 400, path
        assert "CSRF" in text_of(response), path
    assert set_count(app) == 1
    assert record(app, "class-set") == TWO_TAGS

    # With the token from the page, the same requests go through.
    token = csrf_token(text_of(csrf_client.get("/tag-sets/class-set/edit")))
    response = csrf_client.post("/tag-sets/class-set/tags/alpha/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert record(app, "class-set").get_tag("alpha") is None
    token = csrf_token(text_of(csrf_client.get("/tag-sets/new")))
    response = csrf_client.post("/tag-sets/new", data={"name": "Fair", "csrf_token": token})
    assert response.headers["Location"] == "/tag-sets/fair/edit"
