from __future__ import annotations

import codecs
import datetime as dt
import pathlib
import re
from pathlib import Path

import pytest
import trafilatura

from annotations.errors import BinaryInputError
from annotations.errors import DecodingError
from annotations.errors import EmptyInputError
from annotations.errors import InputError
from annotations.errors import InputTooLargeError
from annotations.errors import UnsupportedFormatError
from annotations.records import DocumentMeta
from annotations.text.ingest import MAX_BYTES
from annotations.text.ingest import MAX_HTML_DEPTH
from annotations.text.ingest import decode_bytes
from annotations.text.ingest import html_depth
from annotations.text.ingest import ingest_bytes
from annotations.text.ingest import ingest_text
from annotations.text.ingest import read_document
from annotations.text.ingest import read_manifest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"
SEED_A = SEEDS / "000_934de63c848709fa.txt"
SEED_B = SEEDS / "004_c1ee273f4eb3ca13.txt"

CURLY = "The minister\u2019s call was \u201cgood and candid\u201d \u2014 a caf\u00e9 cr\u00e8me."


def assert_one_line(exc: pytest.ExceptionInfo[BaseException]) -> None:
    message = str(exc.value)
    assert message.strip()
    assert "\n" not in message


def all_spans(document):
    seg = document.segmentation
    yield from seg.paragraphs
    yield from seg.sentences
    yield from seg.headings
    yield from seg.markers
    yield from seg.blank_runs


# --- decoding -------------------------------------------------------------------------------


def test_max_bytes_is_five_megabytes():
    assert MAX_BYTES == 5 * 1024 * 1024


def test_decode_plain_utf8():
    assert decode_bytes(CURLY.encode("utf-8")) == CURLY


def test_decode_prefers_utf8_over_windows_1252():
    # "é" in UTF-8 would read as "Ã©" in Windows-1252.
    assert decode_bytes("café".encode()) == "café"


def test_decode_strips_utf8_bom_only():
    assert decode_bytes(codecs.BOM_UTF8 + CURLY.encode("utf-8")) == CURLY
    assert decode_bytes(codecs.BOM_UTF8 + b"\xef\xbb\xbfx") == "\ufeffx"


def test_decode_windows_1252_file():
    text = decode_bytes((DATA / "cp1252.txt").read_bytes())
    assert "\u2019" in text and "\u201cgood and candid\u201d" in text
    assert "\u2014" in text and "caf\u00e9 cr\u00e8me" in text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(encoding):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    data = bom + CURLY.encode(encoding)
    assert decode_bytes(data) == CURLY


def test_decode_utf16_file_with_bom():
    text = decode_bytes((DATA / "utf16_bom.txt").read_bytes())
    assert text.startswith("The envoy said")
    assert "\ufeff" not in text and "\x00" not in text


def test_decode_keeps_line_endings():
    assert decode_bytes(b"one\r\ntwo\r\n\r\n") == "one\r\ntwo\r\n\r\n"


def test_decode_binary_file_is_refused():
    with pytest.raises(BinaryInputError) as exc:
        decode_bytes((DATA / "binary.txt").read_bytes())
    assert_one_line(exc)


def test_decode_control_characters_are_binary():
    data = bytes(range(1, 9)) * 20 + b"some words"
    with pytest.raises(BinaryInputError):
        decode_bytes(data)


def test_decode_a_stray_control_character_is_text():
    text = "A page\x0cwith a form feed and a lone bell\x07 in a long enough line of text." * 3
    assert decode_bytes(text.encode()) == text


def test_decode_undecodable_bytes():
    # 0x81 and 0x9d are invalid UTF-8 here and undefined in Windows-1252.
    with pytest.raises(DecodingError) as exc:
        decode_bytes(b"Caf\xe9 \x81\x9d")
    assert_one_line(exc)
    assert "0x81" in str(exc.value)


def test_decode_broken_utf8_after_bom():
    with pytest.raises(DecodingError):
        decode_bytes(codecs.BOM_UTF8 + b"caf\xe9")


# --- text and markdown are kept exactly -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "   Leading spaces. And a sentence.\n\n\n\n",
        "One line\r\nwith Windows line ends.\r\n\r\nSecond paragraph.\r\n",
        "\ufeffA kept BOM character stays, as the text was given.",
        "Emoji \U0001f600 and \u201ccurly\u201d quotes \u2014 all kept.\t\n",
    ],
)
def test_ingest_text_keeps_text_unchanged(text):
    document = ingest_text(text)
    assert document.text == text
    assert document.source is None
    assert document.source_format == "text"
    for span in all_spans(document):
        assert 0 <= span.start <= span.end <= len(text)


def test_ingest_markdown_keeps_text_and_finds_headings():
    text = (DATA / "article.md").read_text(encoding="utf-8")
    document = ingest_text(text, source_format="markdown")
    assert document.text == text
    assert document.source_format == "markdown"
    headings = [text[h.start : h.end] for h in document.segmentation.headings]
    assert headings == ["# Leaders talk by phone", "## What they said"]


@pytest.mark.parametrize("seed", [SEED_A, SEED_B], ids=["A", "B"])
def test_seed_is_read_byte_for_byte(seed):
    document = read_document(seed)
    assert document.text == seed.read_bytes().decode("utf-8")
    assert document.path == str(seed)
    assert document.source_format == "text"
    assert document.segmentation.sentences
    for span in all_spans(document):
        assert 0 <= span.start < span.end <= len(document.text)


def test_seed_date_marker_sets_published():
    document = read_document(SEED_A)
    assert document.meta.published == dt.date(2025, 10, 25)
    assert [m.key for m in document.segmentation.markers] == ["date"]
    assert document.text.startswith(" date 2025-10-25 ")


def test_seed_without_marker_has_no_date():
    assert read_document(SEED_B).meta.published is None


def test_given_date_wins_over_marker():
    meta = DocumentMeta(title="Given", published=dt.date(2020, 1, 2))
    document = ingest_text(" date 2025-10-25 The call lasted ten minutes.", meta=meta)
    assert document.meta.published == dt.date(2020, 1, 2)
    assert document.meta.title == "Given"


def test_bad_marker_date_is_ignored():
    document = ingest_text(" date 2025-13-45 A sentence that follows the bad date.")
    assert document.meta.published is None


# --- HTML -----------------------------------------------------------------------------------


@pytest.fixture
def html_document():
    return read_document(DATA / "article.html")


@pytest.mark.parametrize(
    "payload",
    [
        "SCRIPT-PAYLOAD",
        "SCRIPT-PAYLOAD-2",
        "alert",
        "ONERROR-PAYLOAD",
        "onerror",
        "STYLE-PAYLOAD",
        "font-family",
        "COMMENT-PAYLOAD",
        "NAV-BOILERPLATE",
        "FOOTER-BOILERPLATE",
        "<",
    ],
)
def test_html_drops_scripts_styles_comments_and_boilerplate(html_document, payload):
    assert payload not in html_document.text


def test_html_keeps_main_text_with_paragraph_breaks(html_document):
    text = html_document.text
    paragraphs = text.split("\n\n")
    assert paragraphs == [
        "Leaders talk by phone",
        "The prime minister held her first official call with the president on Saturday, "
        "soon after taking office last week.",
        "What they said",
        "She said the alliance is \u201cthe top priority\u201d \u2014 and thanked him for his kind "
        "words over a caf\u00e9 breakfast.",
        "Both sides agreed to meet in Tokyo later this month to discuss trade, tariffs and "
        "defence cooperation in detail.",
    ]
    headings = [text[h.start : h.end] for h in html_document.segmentation.headings]
    assert headings == ["Leaders talk by phone", "What they said"]


def test_html_keeps_source_and_fills_metadata(html_document):
    assert html_document.source_format == "html"
    assert html_document.source == (DATA / "article.html").read_text(encoding="utf-8")
    meta = html_document.meta
    assert meta.title == "Leaders talk by phone"
    assert meta.outlet == "Daily Example"
    assert meta.url == "https://example.com/world/leaders-talk-by-phone"
    assert meta.published == dt.date(2025, 10, 26)


def test_html_metadata_given_by_caller_wins():
    source = (DATA / "article.html").read_text(encoding="utf-8")
    meta = DocumentMeta(title="My headline", outlet=None, published=dt.date(2024, 5, 6))
    document = ingest_text(source, source_format="html", meta=meta)
    assert document.meta.title == "My headline"
    assert document.meta.published == dt.date(2024, 5, 6)
    assert document.meta.outlet == "Daily Example"


def test_html_date_is_not_guessed_from_a_copyright_line():
    source = (DATA / "article.html").read_text(encoding="utf-8")
    source = re.sub(r'<meta property="article:published_time"[^>]*>', "", source)
    assert "2025-10-26" not in source and "Copyright 2025" in source
    document = ingest_text(source, source_format="html")
    assert document.meta.published is None
    assert document.meta.title == "Leaders talk by phone"


def test_html_fallback_strips_every_tag(monkeypatch):
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    source = (
        "<html><head><title>Page title</title><style>p { color: red }</style></head><body>"
        "<p>First &amp; only <b>paragraph</b>.</p><script>alert(1)</script>"
        '<img src=x onerror="alert(2)"><div>Second&nbsp;block &ldquo;quoted&rdquo;.</div>'
        "</body></html>"
    )
    document = ingest_text(source, source_format="html")
    assert document.text == "First & only paragraph.\n\nSecond block \u201cquoted\u201d."
    assert document.source == source


def test_html_with_only_script_is_empty():
    with pytest.raises(EmptyInputError):
        ingest_text("<html><body><script>alert(1)</script></body></html>", source_format="html")


def test_html_is_sniffed_without_filename():
    document = ingest_bytes((DATA / "article.html").read_bytes())
    assert document.source_format == "html"
    assert "SCRIPT-PAYLOAD" not in document.text


def test_text_with_angle_brackets_is_not_sniffed_as_html():
    document = ingest_bytes(b"Prices rose 3% <p> is how HTML starts a paragraph.")
    assert document.source_format == "text"
    assert document.text == "Prices rose 3% <p> is how HTML starts a paragraph."


# --- bytes and files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("a.txt", "text"),
        ("a.TEXT", "text"),
        ("a.md", "markdown"),
        ("a.markdown", "markdown"),
        ("a.html", "html"),
        ("A.HTM", "html"),
        ("no_extension", "text"),
    ],
)
def test_ingest_bytes_detects_format_from_extension(filename, expected):
    data = b"<p>Some words in a paragraph here.</p>" if expected == "html" else b"Some words."
    assert ingest_bytes(data, filename=filename).source_format == expected


def test_explicit_source_format_wins_over_extension():
    data = b"<p>Kept as typed.</p>"
    document = ingest_bytes(data, filename="page.html", source_format="text")
    assert document.text == "<p>Kept as typed.</p>"


@pytest.mark.parametrize("filename", ["report.pdf", "page.docx", "image.png"])
def test_unknown_extension_is_unsupported(filename):
    with pytest.raises(UnsupportedFormatError) as exc:
        ingest_bytes(b"Some text.", filename=filename)
    assert_one_line(exc)
    assert Path(filename).suffix in str(exc.value)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInputError),
        (b"   \n\n\t  \r\n", EmptyInputError),
        (codecs.BOM_UTF8, EmptyInputError),
        (b"\x00\x01\x02binary", BinaryInputError),
        (b"caf\xe9 \x81", DecodingError),
    ],
)
def test_ingest_bytes_errors(data, error):
    with pytest.raises(error) as exc:
        ingest_bytes(data, filename="x.txt")
    assert_one_line(exc)


def test_ingest_bytes_too_large_names_size_and_cap():
    with pytest.raises(InputTooLargeError) as exc:
        ingest_bytes(b"a" * 101, max_bytes=100)
    assert_one_line(exc)
    assert "101 bytes" in str(exc.value) and "100 bytes" in str(exc.value)


def test_ingest_bytes_at_the_cap_is_accepted():
    assert ingest_bytes(b"a" * 99 + b".", max_bytes=100).text == "a" * 99 + "."


def test_whitespace_only_text_is_empty():
    for source_format in ("text", "markdown", "html"):
        with pytest.raises(EmptyInputError):
            ingest_text(" \n\t\n ", source_format=source_format)


def test_read_document_refuses_huge_file_without_reading_it(tmp_path, monkeypatch):
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"word " * (6 * 1024 * 1024 // 5))
    assert huge.stat().st_size > MAX_BYTES

    def fail(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(pathlib.Path, "read_bytes", fail)
    with pytest.raises(InputTooLargeError) as exc:
        read_document(huge)
    assert_one_line(exc)
    assert str(huge) in str(exc.value)
    assert str(MAX_BYTES) in str(exc.value)


def test_read_document_missing_file(tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(InputError) as exc:
        read_document(missing)
    assert str(exc.value) == f"file not found: {missing}"


def test_read_document_directory(tmp_path):
    with pytest.raises(InputError) as exc:
        read_document(tmp_path)
    assert_one_line(exc)
    assert str(tmp_path) in str(exc.value)


@pytest.mark.parametrize(
    ("name", "error"),
    [("binary.txt", BinaryInputError), ("../data", InputError)],
)
def test_read_document_errors_name_the_file(name, error):
    path = DATA / name
    with pytest.raises(error) as exc:
        read_document(path)
    assert str(path) in str(exc.value)


def test_read_document_empty_file(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInputError):
        read_document(empty)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("cp1252.txt", "\u201cgood and candid\u201d \u2014"),
        ("utf8_bom.txt", "The prime minister\u2019s first call"),
        ("utf16_bom.txt", "\u201cfrank\u201d \u2014"),
    ],
)
def test_read_document_decodes_encodings(name, fragment):
    document = read_document(DATA / name)
    assert fragment in document.text
    assert not document.text.startswith("\ufeff")


def test_read_document_markdown_file():
    document = read_document(DATA / "article.md")
    assert document.source_format == "markdown"
    assert document.text == (DATA / "article.md").read_bytes().decode("utf-8")


def test_read_manifest_of_seeds():
    title, documents = read_manifest(SEEDS)
    assert title == "Takaichi and Trump: the first phone call (October 2025)"
    assert [Path(d.path).name for d in documents] == [SEED_A.name, SEED_B.name]
    first, second = documents
    assert first.meta.title == "Takaichi holds first official phone call with Trump"
    assert first.meta.outlet == "News report (outlet not named)"
    assert first.meta.published == dt.date(2025, 10, 25)
    assert first.meta.url is None
    assert second.meta.title == "One phone call became a statement of intent"
    assert second.meta.published is None
    assert second.text == SEED_B.read_bytes().decode("utf-8")


def test_read_manifest_missing(tmp_path):
    with pytest.raises(InputError) as exc:
        read_manifest(tmp_path)
    assert "manifest.json" in str(exc.value)


def test_read_manifest_malformed(tmp_path):
    (tmp_path / "manifest.json").write_text('{"articles": []}', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_manifest(tmp_path)
    assert_one_line(exc)


@pytest.mark.parametrize("levels", [MAX_HTML_DEPTH + 1, 60_000, 100_000])
def test_html_nested_deeper_than_any_article_is_refused_before_parsing(levels):
    html = "<html><body>" + "<div>" * levels + "<p>The tide is high.</p>" + "</div>" * levels
    with pytest.raises(InputError, match=f"more than {MAX_HTML_DEPTH} levels deep"):
        ingest_text(html, source_format="html")


def test_html_depth_skips_what_html_closes_by_itself():
    # A page of unclosed paragraphs and list items is shallow, however long.
    page = "<article>" + "<p>One sentence here." * 5000 + "<ul>" + "<li>item" * 5000 + "</ul>"
    assert html_depth(page) == 2
    nested = "<div>" * 30 + "<p>The tide is high today.</p>" + "</div>" * 30
    assert html_depth(nested) == 30
    assert "The tide is high today." in ingest_text(nested, source_format="html").text
