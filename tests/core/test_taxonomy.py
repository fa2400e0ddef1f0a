from __future__ import annotations

import copy
import doctest
import itertools
import json
import math
import pickle
import unicodedata

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.errors import AnnotationError
from annotations.framing import taxonomy
from annotations.framing.editing import add_tag
from annotations.framing.editing import copy_tag_set
from annotations.framing.editing import free_colour
from annotations.framing.editing import free_shortcut
from annotations.framing.editing import move_tag
from annotations.framing.editing import remove_tag
from annotations.framing.editing import slugify
from annotations.framing.editing import update_tag
from annotations.framing.editing import update_tag_set
from annotations.framing.taxonomy import DEFAULT_TAG_SET
from annotations.framing.taxonomy import DEFAULT_TAG_SET_KEY
from annotations.framing.taxonomy import MAX_TAGS
from annotations.framing.taxonomy import PALETTE
from annotations.framing.taxonomy import RESERVED_SHORTCUTS
from annotations.framing.taxonomy import SHORTCUT_ORDER
from annotations.framing.taxonomy import Tag
from annotations.framing.taxonomy import TagSet
from annotations.framing.taxonomy import TaxonomyError
from annotations.framing.taxonomy import builtin_tag_sets
from annotations.framing.taxonomy import get_builtin
from annotations.framing.taxonomy import tag_set_from_json
from annotations.framing.taxonomy import tag_set_to_json

MEDIA_LITERACY_NAMES = [
    "Slogan or catchphrase",
    "Promotional or advertising content",
    "Loaded or emotive language",
    "Opinion presented as fact",
    "Unattributed or vague source",
    "Speculation or prediction",
    "Selective emphasis or omission",
    "Attributed quote",
    "Labelling or name-calling",
    "Appeal to authority",
    "Flag-waving or national pride",
    "Headline or subheading framing",
]
# Keys are stored with annotations, so they must never change.
MEDIA_LITERACY_KEYS = [
    "slogan",
    "promotional",
    "loaded-language",
    "opinion-as-fact",
    "vague-source",
    "speculation",
    "selective-emphasis",
    "attributed-quote",
    "labelling",
    "appeal-to-authority",
    "flag-waving",
    "headline-framing",
]
POLICY_FRAME_NAMES = [
    "Economic",
    "Capacity and resources",
    "Morality",
    "Fairness and equality",
    "Legality, constitutionality and jurisprudence",
    "Policy prescription and evaluation",
    "Crime and punishment",
    "Security and defense",
    "Health and safety",
    "Quality of life",
    "Cultural identity",
    "Public opinion",
    "Political",
    "External regulation and reputation",
    "Other",
]
PERSUASION_GROUPS = {
    "Attack on reputation": [
        "Name calling or labeling",
        "Guilt by association",
        "Doubt",
        "Appeal to hypocrisy",
        "Questioning the reputation",
    ],
    "Justification": [
        "Flag waving",
        "Appeal to authority",
        "Appeal to popularity",
        "Appeal to values",
        "Appeal to fear or prejudice",
    ],
    "Simplification": [
        "Causal oversimplification",
        "False dilemma or no choice",
        "Consequential oversimplification",
    ],
    "Distraction": ["Straw man", "Red herring", "Whataboutism"],
    "Call": ["Slogans", "Conversation killer", "Appeal to time"],
    "Manipulative wording": [
        "Loaded language",
        "Obfuscation or vagueness",
        "Exaggeration or minimisation",
        "Repetition",
    ],
}

BUILTINS = builtin_tag_sets()
BUILTIN_IDS = [tag_set.key for tag_set in BUILTINS]


def make_tag(**overrides):
    fields = {
        "key": "slogan",
        "name": "Slogan",
        "description": "A catchy phrase.",
        "colour": "#fee891",
        "shortcut": "1",
        "group": None,
    }
    fields.update(overrides)
    return Tag(**fields)


def make_set(tags=None, **overrides):
    if tags is None:
        tags = (
            make_tag(),
            make_tag(key="quote", name="Quote", colour="#71c1f7", shortcut="2"),
        )
    fields = {"key": "mine", "name": "My set", "description": "Mine.", "tags": tuple(tags)}
    fields.update(overrides)
    return TagSet(**fields)


# -- colour arithmetic (WCAG 2 relative luminance, CIE 1976 Lab) -----------------------------


def linear_rgb(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def luminance(colour):
    r, g, b = linear_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def lab(colour):
    r, g, b = linear_rgb(colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_colour_arithmetic_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert math.dist(lab("#ffffff"), (100, 0, 0)) < 0.1


# -- built-in sets ---------------------------------------------------------------------------


def test_builtin_keys_and_default():
    assert BUILTIN_IDS == ["media-literacy", "policy-frames", "persuasion-techniques"]
    assert DEFAULT_TAG_SET_KEY == "media-literacy"
    assert DEFAULT_TAG_SET is get_builtin(DEFAULT_TAG_SET_KEY)
    assert BUILTINS[0] is DEFAULT_TAG_SET
    for tag_set in BUILTINS:
        assert get_builtin(tag_set.key) is tag_set
        assert tag_set.version == 1
    assert get_builtin("no-such-set") is None


def test_media_literacy_set():
    tag_set = get_builtin("media-literacy")
    assert [tag.name for tag in tag_set.tags] == MEDIA_LITERACY_NAMES
    assert [tag.key for tag in tag_set.tags] == MEDIA_LITERACY_KEYS
    assert tag_set.groups == ()


def test_policy_frames_set():
    tag_set = get_builtin("policy-frames")
    assert len(tag_set.tags) == 15
    assert [tag.name for tag in tag_set.tags] == POLICY_FRAME_NAMES
    assert [tag.key for tag in tag_set.tags] == [slugify(name) for name in POLICY_FRAME_NAMES]
    assert "Boydstun" in tag_set.source
    assert tag_set.groups == ()


def test_persuasion_techniques_set():
    tag_set = get_builtin("persuasion-techniques")
    assert len(tag_set.tags) == 23
    assert tag_set.groups == tuple(PERSUASION_GROUPS)
    grouped = {
        group: [tag.name for tag in tags]
        for group, tags in itertools.groupby(tag_set.tags, key=lambda tag: tag.group)
    }
    assert grouped == PERSUASION_GROUPS
    # groupby would merge nothing if a group were split, so also check the run count.
    assert len(list(itertools.groupby(tag_set.tags, key=lambda tag: tag.group))) == 6
    names = [name for members in PERSUASION_GROUPS.values() for name in members]
    assert [tag.key for tag in tag_set.tags] == [slugify(name) for name in names]
    assert "SemEval-2023" in tag_set.source


@pytest.mark.parametrize("tag_set", BUILTINS, ids=BUILTIN_IDS)
def test_builtin_keys_shortcuts_colours_are_unique(tag_set):
    tags = tag_set.tags
    assert len({tag.key for tag in tags}) == len(tags)
    assert len({tag.name.casefold() for tag in tags}) == len(tags)
    assert len({tag.colour for tag in tags}) == len(tags)
    shortcuts = [tag.shortcut for tag in tags]
    assert len({s.casefold() for s in shortcuts}) == len(tags)
    assert shortcuts == list(SHORTCUT_ORDER[: len(tags)])
    assert shortcuts[:10] == list("1234567890")[: len(tags)]


@pytest.mark.parametrize("tag_set", BUILTINS, ids=BUILTIN_IDS)
def test_builtin_colours_are_readable_pastels(tag_set):
    for tag in tag_set.tags:
        # Dark text over the highlight stays well above WCAG AAA (7:1)...
        assert contrast(tag.colour, "#1a1a1a") >= 7, tag.key
        # ...and the highlight still shows on a white page.
        assert contrast(tag.colour, "#ffffff") >= 1.15, tag.key
    for first, second in itertools.combinations(tag_set.tags, 2):
        distance = math.dist(lab(first.colour), lab(second.colour))
        assert distance >= 12, (first.key, second.key, round(distance, 1))


@pytest.mark.parametrize("tag_set", BUILTINS, ids=BUILTIN_IDS)
def test_builtin_descriptions_fit_the_tag_picker(tag_set):
    for text in [tag_set.description] + [tag.description for tag in tag_set.tags]:
        assert 20 <= len(text) <= 160, text
        assert "\n" not in text
        assert text[0].isupper() and text.endswith("."), text


def test_palette_is_distinct_and_readable():
    assert len(set(PALETTE)) == len(PALETTE)
    for colour in PALETTE:
        Tag("x", "X", "", colour)
        assert contrast(colour, "#1a1a1a") >= 7
    for first, second in itertools.combinations(PALETTE, 2):
        assert math.dist(lab(first), lab(second)) >= 12


# -- validation ------------------------------------------------------------------------------


def test_taxonomy_error_is_an_annotation_error_and_pickles():
    error = TaxonomyError("tags[2].colour", "expected '#rrggbb'")
    assert isinstance(error, AnnotationError)
    assert str(error) == "tags[2].colour: expected '#rrggbb'"
    again = pickle.loads(pickle.dumps(error))
    assert (again.field, again.problem, str(again)) == (error.field, error.problem, str(error))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"key": ""}, "key"),
        ({"key": "Slogan"}, "key"),
        ({"key": "a--b"}, "key"),
        ({"key": "-a"}, "key"),
        ({"key": "a_b"}, "key"),
        ({"key": "a" * 65}, "key"),
        ({"key": 3}, "key"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": " Slogan"}, "name"),
        ({"name": "Slo\ngan"}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": None}, "name"),
        ({"description": "x" * 501}, "description"),
        ({"description": "bell\x07"}, "description"),
        ({"description": None}, "description"),
        ({"colour": "red"}, "colour"),
        ({"colour": "#fff"}, "colour"),
        ({"colour": "#ggaa00"}, "colour"),
        ({"colour": "fee891"}, "colour"),
        ({"colour": "#fee8911"}, "colour"),
        ({"colour": None}, "colour"),
        ({"shortcut": ""}, "shortcut"),
        ({"shortcut": "ab"}, "shortcut"),
        ({"shortcut": "\u0301"}, "shortcut"),
        ({"shortcut": "\x00"}, "shortcut"),
        ({"shortcut": "\u00a0"}, "shortcut"),
        ({"shortcut": 1}, "shortcut"),
        ({"group": ""}, "group"),
        ({"group": "x" * 81}, "group"),
    ],
)
def test_bad_tags_are_refused(overrides, field):
    with pytest.raises(TaxonomyError) as caught:
        make_tag(**overrides)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize("key", sorted(RESERVED_SHORTCUTS))
def test_reserved_shortcuts_are_refused(key):
    for spelling in {key, key.upper()}:
        with pytest.raises(TaxonomyError, match="reserved") as caught:
            make_tag(shortcut=spelling)
        assert caught.value.field == "shortcut"


def test_reserved_shortcuts_cover_the_picker_keys():
    for key in (" ", "?", "\x1b", "Escape", "Esc", "Enter", "\t"):
        assert key.casefold() in RESERVED_SHORTCUTS
    assert "help" in RESERVED_SHORTCUTS["?"]


def test_valid_tag_edge_cases():
    assert make_tag(colour="#FEE891").colour == "#fee891"
    assert make_tag(shortcut="é").shortcut == "é"
    assert make_tag(shortcut=None, group="Call").group == "Call"
    assert make_tag(description="").description == ""
    assert make_tag(description="Two\nlines.").description == "Two\nlines."
    assert make_tag(name="x" * 80).name == "x" * 80


@pytest.mark.parametrize(
    ("tags", "overrides", "field", "fragment"),
    [
        ([make_tag(), make_tag(name="Other", shortcut="2")], {}, "tags[1].key", "slogan"),
        (
            [make_tag(), make_tag(key="b", name="SLOGAN", shortcut="2")],
            {},
            "tags[1].name",
            "SLOGAN",
        ),
        (
            [make_tag(shortcut="a"), make_tag(key="b", name="B", shortcut="A")],
            {},
            "tags[1].shortcut",
            "tags[0]",
        ),
        (None, {"name": ""}, "name", "empty"),
        (None, {"key": "My set"}, "key", "key"),
        (None, {"version": 0}, "version", "at least 1"),
        (None, {"version": True}, "version", "integer"),
        (None, {"version": "2"}, "version", "integer"),
        (None, {"source": ""}, "source", "null"),
        (None, {"source": "x" * 501}, "source", "500"),
        (None, {"description": "x" * 501}, "description", "500"),
        (None, {"tags": "slogan"}, "tags", "tuple"),
        (None, {"tags": ("slogan",)}, "tags[0]", "Tag"),
    ],
)
def test_bad_tag_sets_are_refused(tags, overrides, field, fragment):
    with pytest.raises(TaxonomyError) as caught:
        make_set(tags, **overrides) if tags is not None else TagSet(
            **{"key": "mine", "name": "Mine", "description": "", **overrides}
        )
    assert caught.value.field == field
    assert fragment in str(caught.value)


def test_too_many_tags():
    tags = [
        make_tag(key=f"t{i}", name=f"T{i}", shortcut=None, colour="#fee891")
        for i in range(MAX_TAGS + 1)
    ]
    assert len(make_set(tags[:MAX_TAGS]).tags) == MAX_TAGS
    with pytest.raises(TaxonomyError, match=f"at most {MAX_TAGS}") as caught:
        make_set(tags)
    assert caught.value.field == "tags"


def test_a_list_of_tags_becomes_a_tuple_and_sets_stay_hashable():
    tag_set = make_set(list(make_set().tags))
    assert isinstance(tag_set.tags, tuple)
    assert hash(tag_set) == hash(make_set())
    assert make_set(()).tags == ()


def test_lookup_by_key_and_shortcut():
    tag_set = get_builtin("persuasion-techniques")
    assert tag_set.get_tag("doubt").name == "Doubt"
    assert tag_set.get_tag("nope") is None
    assert tag_set.tag_for_shortcut("a").key == tag_set.tags[10].key
    assert tag_set.tag_for_shortcut("A") is tag_set.tag_for_shortcut("a")
    assert tag_set.tag_for_shortcut("z") is None


def test_tags_are_frozen():
    tag = make_tag()
    with pytest.raises(AttributeError):
        tag.name = "Other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        DEFAULT_TAG_SET.version = 2  # type: ignore[misc]


# -- editing ---------------------------------------------------------------------------------


def test_add_tag_bumps_the_version_and_leaves_the_original():
    original = make_set()
    snapshot = copy.deepcopy(original)
    new = make_tag(key="doubt", name="Doubt", colour="#fea988", shortcut="3")
    edited = add_tag(original, new)
    assert edited.version == original.version + 1
    assert edited.tags == original.tags + (new,)
    assert original == snapshot
    first = add_tag(original, new, index=0)
    assert first.tags[0] == new and first.tags[1:] == original.tags
    with pytest.raises(TaxonomyError) as caught:
        add_tag(original, make_tag(name="Copy", shortcut="9"))
    assert caught.value.field == "tags[2].key"
    with pytest.raises(TaxonomyError) as caught:
        add_tag(original, make_tag(key="other", name="Other", shortcut="1"), index=0)
    assert caught.value.field == "tags[0].shortcut"
    assert "already used by tags[1]" in str(caught.value)
    with pytest.raises(TaxonomyError) as caught:
        add_tag(original, original.tags[0])
    assert caught.value.field == "tags[2].key"
    for index in (-1, 3):
        with pytest.raises(TaxonomyError) as caught:
            add_tag(original, new, index=index)
        assert caught.value.field == "index"


def test_update_tag():
    original = get_builtin("media-literacy")
    edited = update_tag(original, "slogan", name="Slogan", colour="#FFEE00", shortcut="s")
    assert edited.version == 2
    assert edited.get_tag("slogan") == Tag(
        "slogan", "Slogan", original.tags[0].description, "#ffee00", "s", None
    )
    assert edited.tags[1:] == original.tags[1:]
    assert original.tags[0].name == "Slogan or catchphrase"
    assert original.version == 1
    assert update_tag(edited, "slogan", name="Slogan") is edited
    renamed = update_tag(edited, "slogan", key="motto")
    assert renamed.get_tag("slogan") is None and renamed.get_tag("motto").name == "Slogan"
    assert renamed.version == 3


@pytest.mark.parametrize(
    ("tag_key", "changes", "field"),
    [
        ("nope", {"name": "X"}, "tag_key"),
        ("slogan", {"colour": "yellow"}, "colour"),
        ("slogan", {"shortcut": "?"}, "shortcut"),
        ("slogan", {"shortcut": "2"}, "tags[0].shortcut"),
        ("slogan", {"key": "promotional"}, "tags[0].key"),
        ("slogan", {"name": "ATTRIBUTED QUOTE"}, "tags[0].name"),
        ("slogan", {"colur": "#ffffff"}, "colur"),
    ],
)
def test_update_tag_refuses_bad_changes(tag_key, changes, field):
    with pytest.raises(TaxonomyError) as caught:
        update_tag(DEFAULT_TAG_SET, tag_key, **changes)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_remove_and_move_tag():
    original = get_builtin("policy-frames")
    removed = remove_tag(original, "morality")
    assert removed.version == 2
    assert [tag.key for tag in removed.tags] == [
        tag.key for tag in original.tags if tag.key != "morality"
    ]
    assert len(original.tags) == 15
    with pytest.raises(TaxonomyError, match="tag_key"):
        remove_tag(removed, "morality")
    moved = move_tag(original, "other", 0)
    assert moved.version == 2
    assert moved.tags[0].key == "other" and moved.tags[1:] == original.tags[:-1]
    assert move_tag(original, "other", 14) is original
    with pytest.raises(TaxonomyError, match="index"):
        move_tag(original, "other", 15)


def test_update_tag_set():
    original = make_set()
    edited = update_tag_set(original, name="Renamed", description="New words.", source=None)
    assert (edited.name, edited.description, edited.version) == ("Renamed", "New words.", 2)
    assert edited.tags == original.tags and edited.key == original.key
    assert original.name == "My set"
    assert update_tag_set(original, name="My set") is original
    with pytest.raises(TaxonomyError, match="key"):
        update_tag_set(original, key="other")
    with pytest.raises(TaxonomyError) as caught:
        update_tag_set(original, name="")
    assert caught.value.field == "name"


def test_copy_tag_set():
    original = get_builtin("policy-frames")
    copied = copy_tag_set(original, key="my-frames", name="My frames")
    assert (copied.key, copied.name, copied.version) == ("my-frames", "My frames", 1)
    assert copied.tags == original.tags
    assert copied.description == original.description
    assert copied.source.startswith("Copied from Policy frames (policy-frames, version 1)")
    assert original.source in copied.source
    assert original.key == "policy-frames"
    again = copy_tag_set(update_tag_set(copied, name="Mine"), key="again", name="Again")
    assert again.source.startswith("Copied from Mine (my-frames, version 2)")
    chain = copied
    for number in range(20):
        chain = copy_tag_set(chain, key=f"copy-{number}", name=f"Copy {number}")
    assert len(chain.source) <= taxonomy.MAX_SOURCE_LENGTH
    assert chain.source.startswith("Copied from Copy 18 (copy-18, version 1)")
    no_source = copy_tag_set(make_set(), key="b", name="B")
    assert no_source.source == "Copied from My set (mine, version 1)."
    with pytest.raises(TaxonomyError) as caught:
        copy_tag_set(original, key="Bad key", name="X")
    assert caught.value.field == "key"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Slogan", "slogan"),
        (
            "Legality, constitutionality and jurisprudence",
            "legality-constitutionality-and-jurisprudence",
        ),
        ("  Appeal to fear/prejudice!  ", "appeal-to-fear-prejudice"),
        ("Économie & Société", "economie-societe"),
        ("B adds", "b-adds"),
        ("Straße", "strasse"),
        ("Ωmega", "u03c9-mega"),
        ("日本", "u65e5-u672c"),
        ("Top 10 (2025)", "top-10-2025"),
    ],
)
def test_slugify(name, expected):
    assert slugify(name) == expected


def test_slugify_unique_and_long():
    assert slugify("Doubt", taken={"doubt", "doubt-2"}) == "doubt-3"
    long_name = " ".join(["word"] * 30)
    key = slugify(long_name)
    assert len(key) <= 64 and key.endswith("word") and "--" not in key
    suffixed = slugify(long_name, taken={key})
    assert len(suffixed) <= 64 and suffixed.endswith("-2")
    assert slugify("x" * 100) == "x" * 64
    with pytest.raises(TaxonomyError) as caught:
        slugify("?!  —")
    assert caught.value.field == "name"


@given(st.text(max_size=120))
def test_slugify_always_gives_a_valid_key_or_refuses(name):
    try:
        key = slugify(name)
    except TaxonomyError:
        assert not any(char.isalnum() for char in name)
    else:
        assert make_tag(key=key).key == key


def test_free_shortcut_and_colour():
    tag_set = make_set()
    assert free_shortcut(tag_set) == "3"
    assert free_shortcut(make_set(())) == "1"
    assert free_shortcut(get_builtin("persuasion-techniques")) == "n"
    assert free_colour(make_set(())) == PALETTE[0]
    assert free_colour(tag_set) not in {tag.colour for tag in tag_set.tags}
    persuasion = get_builtin("persuasion-techniques")
    assert set(PALETTE) <= {tag.colour for tag in persuasion.tags}
    assert free_colour(persuasion) in PALETTE
    full = TagSet(
        "full",
        "Full",
        "",
        tags=tuple(
            make_tag(key=f"t{i}", name=f"T{i}", shortcut=char, colour="#ffffff")
            for i, char in enumerate(SHORTCUT_ORDER)
        ),
    )
    assert free_shortcut(full) is None


def test_doctests():
    assert doctest.testmod(taxonomy).failed == 0


# -- JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag_set", BUILTINS, ids=BUILTIN_IDS)
def test_builtin_sets_round_trip_through_json(tag_set):
    data = tag_set_to_json(tag_set)
    assert data["format"] == "parallax-tagset" and data["format_version"] == 1
    assert list(data) == [
        "format",
        "format_version",
        "key",
        "name",
        "description",
        "version",
        "source",
        "tags",
    ]
    assert list(data["tags"][0]) == ["key", "name", "description", "colour", "shortcut", "group"]
    text = json.dumps(data)
    back = tag_set_from_json(json.loads(text))
    assert back == tag_set
    assert json.dumps(tag_set_to_json(back)) == text


def test_optional_fields_may_be_left_out():
    data = {
        "format": "parallax-tagset",
        "format_version": 1,
        "key": "mine",
        "name": "Mine",
        "version": 3,
        "tags": [{"key": "a", "name": "A", "colour": "#ABCDEF"}],
    }
    tag_set = tag_set_from_json(data)
    assert tag_set == TagSet("mine", "Mine", "", 3, (Tag("a", "A", "", "#abcdef"),), None)


def valid_json():
    return tag_set_to_json(get_builtin("persuasion-techniques"))


def set_field(name, value):
    def mutate(data):
        data[name] = value

    return mutate


def drop_field(name):
    def mutate(data):
        del data[name]

    return mutate


def set_tag_field(index, name, value):
    def mutate(data):
        data["tags"][index][name] = value

    return mutate


def drop_tag_field(index, name):
    def mutate(data):
        del data["tags"][index][name]

    return mutate


MALFORMED = [
    (set_field("format", "other-format"), "format"),
    (set_field("format", None), "format"),
    (drop_field("format"), "format"),
    (set_field("format_version", 2), "format_version"),
    (set_field("format_version", "1"), "format_version"),
    (set_field("format_version", True), "format_version"),
    (drop_field("format_version"), "format_version"),
    (drop_field("key"), "key"),
    (set_field("key", 5), "key"),
    (set_field("key", "Not A Key"), "key"),
    (drop_field("name"), "name"),
    (set_field("name", ""), "name"),
    (set_field("name", ["x"]), "name"),
    (set_field("description", 1.5), "description"),
    (drop_field("version"), "version"),
    (set_field("version", "1"), "version"),
    (set_field("version", 1.0), "version"),
    (set_field("version", False), "version"),
    (set_field("version", 0), "version"),
    (set_field("source", 7), "source"),
    (set_field("source", " "), "source"),
    (drop_field("tags"), "tags"),
    (set_field("tags", {"a": 1}), "tags"),
    (set_field("tags", [{"key": f"t{i}"} for i in range(61)]), "tags"),
    (set_field("extra", 1), "extra"),
    (set_field("color", 1), "color"),
    (set_tag_field(4, "colour", "#12345"), "tags[4].colour"),
    (set_tag_field(4, "colour", "blue"), "tags[4].colour"),
    (set_tag_field(4, "colour", None), "tags[4].colour"),
    (drop_tag_field(4, "colour"), "tags[4].colour"),
    (drop_tag_field(2, "key"), "tags[2].key"),
    (drop_tag_field(2, "name"), "tags[2].name"),
    (set_tag_field(2, "name", 12), "tags[2].name"),
    (set_tag_field(2, "name", "  "), "tags[2].name"),
    (set_tag_field(2, "key", "Doubt"), "tags[2].key"),
    (set_tag_field(2, "description", False), "tags[2].description"),
    (set_tag_field(2, "shortcut", "ab"), "tags[2].shortcut"),
    (set_tag_field(2, "shortcut", 3), "tags[2].shortcut"),
    (set_tag_field(2, "shortcut", " "), "tags[2].shortcut"),
    (set_tag_field(2, "group", 3), "tags[2].group"),
    (set_tag_field(2, "color", "#ffffff"), "tags[2].color"),
    (set_tag_field(3, "key", "doubt"), "tags[3].key"),
    (set_tag_field(3, "name", "DOUBT"), "tags[3].name"),
    (set_tag_field(3, "shortcut", "3"), "tags[3].shortcut"),
    (set_tag_field(12, "shortcut", "B"), "tags[12].shortcut"),
    (set_field("tags", [1]), "tags[0]"),
    (set_field("tags", [None]), "tags[0]"),
]


@pytest.mark.parametrize(("mutate", "field"), MALFORMED)
def test_malformed_json_is_refused_naming_the_field(mutate, field):
    data = valid_json()
    mutate(data)
    with pytest.raises(TaxonomyError) as caught:
        tag_set_from_json(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize("data", [None, [], "tagset", 3, True])
def test_json_that_is_not_an_object_is_refused(data):
    with pytest.raises(TaxonomyError, match="data: expected an object") as caught:
        tag_set_from_json(data)
    assert caught.value.field == "data"


def test_json_messages_say_what_is_wrong():
    data = valid_json()
    data["tags"][0]["color"] = "#ffffff"
    with pytest.raises(TaxonomyError, match="did you mean 'colour'"):
        tag_set_from_json(data)
    data = valid_json()
    data["format_version"] = 2
    with pytest.raises(TaxonomyError, match="unsupported version 2"):
        tag_set_from_json(data)
    data = valid_json()
    data["tags"][1]["colour"] = "teal"
    with pytest.raises(TaxonomyError, match=r"tags\[1\]\.colour: expected '#rrggbb', got 'teal'"):
        tag_set_from_json(data)


# -- property: any valid set survives JSON exactly ----------------------------------------------


def is_valid_name(text):
    return (
        text == text.strip()
        and bool(text)
        and not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text)
    )


names = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80).filter(
    is_valid_name
)
descriptions = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")) | st.just("\n"), max_size=200
)
keys = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
colours = st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True)


def is_usable_shortcut(char):
    try:
        make_tag(shortcut=char)
    except TaxonomyError:
        return False
    return True


shortcut_chars = st.characters(exclude_categories=("Cs",)).filter(is_usable_shortcut)


@st.composite
def tag_sets(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    tag_keys = draw(st.lists(keys, min_size=count, max_size=count, unique=True))
    tag_names = draw(
        st.lists(names, min_size=count, max_size=count, unique_by=lambda n: n.casefold())
    )
    shortcuts = draw(
        st.lists(
            st.none() | shortcut_chars,
            min_size=count,
            max_size=count,
            unique_by=lambda s: object() if s is None else s.casefold(),
        )
    )
    groups = draw(st.lists(st.none() | names, min_size=count, max_size=count))
    tags = tuple(
        Tag(
            key,
            name,
            draw(descriptions),
            draw(colours),
            shortcut=shortcut,
            group=group,
        )
        for key, name, shortcut, group in zip(tag_keys, tag_names, shortcuts, groups, strict=True)
    )
    return TagSet(
        draw(keys),
        draw(names),
        draw(descriptions),
        version=draw(st.integers(min_value=1, max_value=10**6)),
        tags=tags,
        source=draw(st.none() | names),
    )


@settings(max_examples=150, deadline=None)
@given(tag_sets())
def test_any_valid_tag_set_round_trips_through_json(tag_set):
    data = tag_set_to_json(tag_set)
    back = tag_set_from_json(json.loads(json.dumps(data)))
    assert back == tag_set
    assert tag_set_to_json(back) == data


@settings(max_examples=50, deadline=None)
@given(tag_sets(), names)
def test_any_edit_bumps_the_version_and_keeps_the_original(tag_set, name):
    snapshot = tag_set_to_json(tag_set)
    edited = update_tag_set(tag_set, name=name)
    assert edited.version == (tag_set.version if name == tag_set.name else tag_set.version + 1)
    if tag_set.tags:
        removed = remove_tag(tag_set, tag_set.tags[-1].key)
        assert removed.version == tag_set.version + 1
        assert removed.tags == tag_set.tags[:-1]
    assert tag_set_to_json(tag_set) == snapshot
