from __future__ import annotations

import functools
import io
import os
import re
import socket
import ssl
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import werkzeug.test
from sqlalchemy import func
from sqlalchemy import select

from annotations.storage import models
from annotations.text import fetch
from annotations.text.ingest import MAX_BYTES
from annotations.text.ingest import read_manifest
from tests.web.helpers import add_teacher
from tests.web.helpers import signed_in
from webapp import create_app
from webapp import db
from webapp.articles import creation

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_TITLE, SEED_DOCUMENTS = read_manifest(SEEDS)

HOSTILE = (
    "Breaking: <script>alert(1)</script> was posted today. "
    "A second post held <img src=x onerror=alert(1)> and more.\n\n"
    "Readers said the \u201cposts\u201d were a test & nothing else."
)
EMOJI_A = "The call \U0001f4de lasted ten minutes.\n\nBoth leaders smiled \U0001f600 at the end.\n"
EMOJI_B = "The call lasted ten minutes \U0001f4de.\r\n\r\nMarkets rose after the call.\r\n"


class DomParser(HTMLParser):
    """Record main's attributes, the doc columns, and every text node inside .doc-text."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, attrs) of open elements
        self.main = None
        self.columns = []  # {"attrs":..., "pieces": [...], "stray": [...]}
        self.column = None
        self.in_text = 0  # depth of the .doc-text element, 0 when outside

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "main":
            self.main = attrs
        if tag == "article" and "doc-column" in classes:
            self.column = {"attrs": attrs, "pieces": [], "stray": [], "texts": 0}
            self.columns.append(self.column)
        if tag == "div" and "doc-text" in classes:
            assert self.column is not None, ".doc-text outside a .doc-column"
            self.column["texts"] += 1
            self.in_text = len(self.stack) + 1
        if self.in_text and "data-start" in attrs:
            self.column["pieces"].append({"attrs": attrs, "text": ""})
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if self.in_text and len(self.stack) < self.in_text:
                self.in_text = 0
            if open_tag == tag:
                break
        if tag == "article":
            self.column = None

    def handle_data(self, data):
        if not self.in_text:
            return
        holder = next((attrs for _, attrs in reversed(self.stack) if "data-start" in attrs), None)
        if holder is None:
            self.column["stray"].append(data)
            return
        for piece in reversed(self.column["pieces"]):
            if piece["attrs"] is holder:
                piece["text"] += data
                break


def parse_dom(body):
    parser = DomParser()
    parser.feed(body)
    parser.close()
    return parser


def assert_dom_contract(body, documents):
    """Check the contract the annotation script relies on, for each (id, text) given."""
    dom = parse_dom(body)
    assert len(dom.columns) == 2
    for column, (document_id, text) in zip(dom.columns, documents, strict=True):
        assert column["attrs"]["data-document-id"] == str(document_id)
        assert column["texts"] == 1, "one .doc-text per column"
        assert column["stray"] == [], "every text node inside .doc-text has a data-start owner"
        cursor = 0
        for piece in column["pieces"]:
            start, end = int(piece["attrs"]["data-start"]), int(piece["attrs"]["data-end"])
            assert start == cursor
            assert piece["text"] == text[start:end]
            cursor = end
        assert cursor == len(text)
        assert "".join(p["text"] for p in column["pieces"]) == text
    return dom


def count(app, model):
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(model))


def article_data(number, **fields):
    return {f"articles-{number}-{name}": value for name, value in fields.items()}


def post_new(client, title="Two texts", articles_=None, **extra):
    data = {"title": title, "description": ""}
    for number, fields in enumerate(articles_ or []):
        data.update(article_data(number, **fields))
    data.update(extra)
    return client.post("/comparisons/new", data=data, content_type="multipart/form-data")


# --- the comparison page -------------------------------------------------------------------


@pytest.mark.login_disabled
def test_seed_page_keeps_the_dom_contract(client, seeded):
    comparison_id, document_ids = seeded
    texts = seeded.texts
    response = client.get(f"/comparisons/{comparison_id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    dom = assert_dom_contract(body, list(zip(document_ids, texts, strict=True)))
    assert dom.main == {
        "id": "reader",
        "class": "page page-wide",
        "data-comparison-id": str(comparison_id),
        # Sign-in is off here: the tags waiting in the browser are nobody's in particular.
        "data-user-key": "anyone",
        # The list leaves out the quotes of the two articles shown: the script cuts them.
        "data-annotations-url": (
            f"/api/comparisons/{comparison_id}/annotations"
            f"?documents={document_ids[0]},{document_ids[1]}"
        ),
        "data-create-url-template": "/api/documents/__DOC__/annotations",
        "data-annotation-url-template": "/api/annotations/__ID__",
        "data-tag-set-url": "/api/tag-sets/media-literacy",
        "data-tag-set-key": "media-literacy",
        # Anyone may ask for suggestions when sign-in is off (a teacher when it is on).
        "data-suggestions-url": f"/api/comparisons/{comparison_id}/suggestions",
        "data-review-url-template": "/api/annotations/__ID__/review",
        "data-review-many-url": f"/api/comparisons/{comparison_id}/suggestions/review",
    }
    assert [c["attrs"]["data-side"] for c in dom.columns] == ["a", "b"]
    sentences = [p for p in dom.columns[1]["pieces"] if "sentence" in p["attrs"]["class"].split()]
    slogan = [p for p in sentences if "Make Japan Great Again" in p["text"]]
    assert len(slogan) == 1 and slogan[0]["attrs"]["data-only"] == "b"
    assert any("data-pairs" in p["attrs"] for p in sentences)
    assert '<link rel="stylesheet" href="/static/css/annotate.css">' in body
    assert '<script type="module" src="/static/js/annotate/main.js"></script>' in body
    assert 'class="annotator"' in body.split('id="reader"')[1].split("</main>")[0]
    assert "Join a premium crypto trading community" in body.split('id="only-a-title"')[1]


def test_the_reader_names_the_signed_in_user_for_the_tags_kept_in_the_browser(auth_app, seeded):
    comparison_id, _ = seeded
    teacher_id = add_teacher(auth_app)
    other_id = add_teacher(auth_app, username="mr.sato", name="Mr Sato")
    for user_id, username in ((teacher_id, "ms.tanaka"), (other_id, "mr.sato")):
        page = signed_in(auth_app, username).get(f"/comparisons/{comparison_id}")
        assert f'data-user-key="{user_id}"' in page.get_data(as_text=True)
    assert teacher_id != other_id


def test_emoji_and_carriage_returns_keep_the_contract(client, app):
    response = post_new(
        client,
        articles_=[
            {"text": EMOJI_A, "outlet": "Wire"},
            {"file": (io.BytesIO(EMOJI_B.encode()), "b.txt"), "outlet": "Daily"},
        ],
    )
    assert response.status_code == 302
    page = client.get(response.location)
    body = page.get_data(as_text=True)
    with app.app_context():
        comparison = db.get_session().scalars(select(models.Comparison)).one()
        documents = [(d.id, d.text) for d in comparison.documents]
    # The upload keeps its CRLF; the page sends CR as a character reference so it survives.
    assert documents[1][1] == EMOJI_B
    assert "&#13;" in body
    assert_dom_contract(body, documents)


def test_overview_graphic_draws_bars_and_bands(client, seeded):
    comparison_id, _ = seeded
    body = client.get(f"/comparisons/{comparison_id}").get_data(as_text=True)
    svg = body.split('<svg class="overview-svg"')[1].split("</svg>")[0]
    bars_a = re.findall(r'<rect class="ov-bar ov-bar-a ([^"]*)"', svg)
    bars_b = re.findall(r'<rect class="ov-bar ov-bar-b ([^"]*)"', svg)
    links = re.findall(r'<path class="ov-link fam-\d kind-\w+" d="[^"]+" data-pairs="(p\d+)"', svg)
    column_a = body.split('id="column-a"')[1].split("</article>")[0]
    assert len(bars_a) == column_a.count('class="s sentence')
    assert "only" in bars_a and "only" in bars_b
    assert links == [f"p{n}" for n in range(1, len(links) + 1)] and links
    assert "style=" not in body


def test_pick_two_of_three_documents(client, app, seeded):
    comparison_id, _ = seeded
    response = post_new(
        client,
        title="Three",
        articles_=[
            {"text": "Trump called Takaichi. The call lasted ten minutes."},
            {"text": "Takaichi took a call from Trump. It was short."},
            {"text": "Markets rose. Trump called Takaichi on Tuesday."},
        ],
    )
    assert response.status_code == 302
    with app.app_context():
        comparison = (
            db.get_session()
            .scalars(select(models.Comparison).where(models.Comparison.title == "Three"))
            .one()
        )
        ids = [d.id for d in comparison.documents]
        number = comparison.id
    assert count(app, models.Alignment) == 2  # the seed's and the new one's first pair
    body = client.get(f"/comparisons/{number}").get_data(as_text=True)
    assert '<select id="pick-a" name="a">' in body
    assert body.count(f'<option value="{ids[2]}"') == 2
    shown = client.get(f"/comparisons/{number}?a={ids[2]}&b={ids[0]}").get_data(as_text=True)
    dom = parse_dom(shown)
    assert [c["attrs"]["data-document-id"] for c in dom.columns] == [str(ids[2]), str(ids[0])]
    assert count(app, models.Alignment) == 3  # computed once and stored
    client.get(f"/comparisons/{number}?a={ids[2]}&b={ids[0]}")
    assert count(app, models.Alignment) == 3
    same = client.get(f"/comparisons/{number}?a={ids[1]}&b={ids[1]}")
    assert same.status_code == 302
    assert client.get(f"/comparisons/{number}?a=999999").status_code == 404
    assert client.get(f"/comparisons/{number}?a={ids[0]}&b=999999").status_code == 404
    assert client.get("/comparisons/999999").status_code == 404
    # A document of another comparison is not shown here.
    _, seed_ids = seeded
    assert client.get(f"/comparisons/{number}?a={seed_ids[0]}").status_code == 404
    assert comparison_id != number


def test_tag_set_key_comes_from_the_query(client, seeded):
    comparison_id, _ = seeded
    body = client.get(f"/comparisons/{comparison_id}?tagset=policy-frames").get_data(as_text=True)
    assert 'data-tag-set-key="policy-frames"' in body
    assert 'data-tag-set-url="/api/tag-sets/policy-frames"' in body
    body = client.get(f'/comparisons/{comparison_id}?tagset="><x').get_data(as_text=True)
    assert 'data-tag-set-key="media-literacy"' in body


def test_seed_route_redirects_to_the_stored_comparison(client, seeded):
    comparison_id, _ = seeded
    response = client.get("/compare/seeds")
    assert response.status_code == 302
    assert response.location == f"/comparisons/{comparison_id}"


# --- the lists -----------------------------------------------------------------------------


def test_lists_show_the_stored_comparisons(client, seeded):
    comparison_id, _ = seeded
    for path in ("/", "/comparisons"):
        body = client.get(path).get_data(as_text=True)
        assert f'href="/comparisons/{comparison_id}"' in body
        assert "Takaichi and Trump: the first phone call (October 2025)" in body
        for document in SEED_DOCUMENTS:
            assert document.meta.outlet in body
        assert '<time datetime="2025-10-25">25 October 2025</time>' in body
        assert re.search(r'data-count="pairs">\d+ matched passages', body)
        assert 'data-count="documents">2 articles' in body
        assert 'href="/comparisons/new"' in body
        assert 'href="/compare/seeds"' not in body  # the file view only shows when empty


def test_home_page_offers_the_seed_files_when_the_database_is_empty(client):
    body = client.get("/").get_data(as_text=True)
    assert 'href="/compare/seeds"' in body
    assert client.get("/comparisons").get_data(as_text=True).count("No comparison yet") == 1


# --- creating a comparison -----------------------------------------------------------------


def test_new_form_has_title_and_four_article_slots(client):
    body = client.get("/comparisons/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body
    for number in range(4):
        for name in ("text", "file", "url", "outlet", "title", "published", "link"):
            assert f'name="articles-{number}-{name}"' in body
    assert body.count("<details") == 2


def test_creating_a_comparison_by_pasting(client, app):
    response = post_new(
        client,
        title="Call coverage",
        description="Two takes.",
        articles_=[
            {
                "text": "Trump called Takaichi.\r\nThe call lasted ten minutes.",
                "outlet": "Wire",
                "title": "The call",
                "published": "2025-10-25",
                "link": "https://wire.example/call",
            },
            {"text": "Takaichi took a call from Trump. Markets rose.", "outlet": "Daily"},
        ],
    )
    assert response.status_code == 302
    with app.app_context():
        comparison = db.get_session().scalars(select(models.Comparison)).one()
        a, b = comparison.documents
        assert response.location == f"/comparisons/{comparison.id}"
        assert comparison.description == "Two takes."
        assert (a.outlet, a.title, a.url, str(a.published)) == (
            "Wire",
            "The call",
            "https://wire.example/call",
            "2025-10-25",
        )
        assert a.text == "Trump called Takaichi.\nThe call lasted ten minutes."
        assert b.outlet == "Daily" and b.published is None
        assert len(comparison.alignments) == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "Created the comparison \u201cCall coverage\u201d." in page
    assert 'href="https://wire.example/call"' in page


def test_a_double_submit_creates_one_comparison(client, app):
    form = [{"text": "One sentence here. Two."}, {"text": "One sentence there. Three."}]
    first = post_new(client, title="Twice", articles_=form)
    second = post_new(client, title="Twice", articles_=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert count(app, models.Comparison) == 1
    assert count(app, models.Document) == 2
    assert "created a moment ago" in client.get(second.location).get_data(as_text=True)
    # Another title is another comparison.
    assert post_new(client, title="Again", articles_=form).status_code == 302
    assert count(app, models.Comparison) == 2


@pytest.fixture(autouse=True)
def encode_uploads_in_memory(monkeypatch):
    """Keep the test client's multipart bodies in memory.

    Werkzeug's test client spools a large body to a temporary file that it never closes,
    which ``filterwarnings = error`` turns into a failure.
    """
    monkeypatch.setattr(werkzeug.test, "TemporaryFile", lambda *args, **kwargs: io.BytesIO())


def errors_of(response):
    return errors_of_body(response.get_data(as_text=True))


def errors_of_body(body):
    return body, re.findall(r'<ul class="field-errors" id="([^"]+)-errors"><li>([^<]*)</li>', body)


@pytest.mark.parametrize(
    "title, articles_, field, message",
    [
        ("", [{"text": "A."}, {"text": "B."}], "title", "This field is required."),
        ("T", [{"text": "A."}, {}], "articles-1-text", "Paste the text, upload a file"),
        (
            "T",
            [{"text": "A."}, {"text": "B.", "url": "https://news.example/"}],
            "articles-1-url",
            "one way only",
        ),
        (
            "T",
            [{"text": "A."}, {"text": "B."}, {"outlet": "Only an outlet"}],
            "articles-2-text",
            "Paste the text",
        ),
        (
            "T",
            [{"text": "A."}, {"file": (io.BytesIO(b"%PDF-1.7"), "paper.pdf")}],
            "articles-1-file",
            "Upload a .txt, .md or .html file.",
        ),
        (
            "T",
            [{"text": "A."}, {"file": (io.BytesIO(b"x" * (MAX_BYTES + 1)), "big.txt")}],
            "articles-1-file",
            "The file is larger than 5 MB.",
        ),
        (
            "T",
            [{"text": "A."}, {"file": (io.BytesIO(b"\x00\x01\x02" * 50), "bin.txt")}],
            "articles-1-file",
            "Article 2: input looks like binary data",
        ),
        (
            "T",
            [{"text": "A."}, {"text": "   \n  "}],
            "articles-1-text",
            "Paste the text",
        ),
        (
            "T",
            [{"text": "A.", "link": "javascript://%0aalert(1)"}, {"text": "B."}],
            "articles-0-link",
            "http:// or https://",
        ),
        (
            "T",
            [{"text": "A."}, {"url": "ftp://files.example/a.txt"}],
            "articles-1-url",
            "http:// or https://",
        ),
    ],
)
def test_bad_input_becomes_a_form_error_and_creates_nothing(
    client, app, title, articles_, field, message
):
    response = post_new(client, title=title, articles_=articles_)
    assert response.status_code == 422
    body, errors = errors_of(response)
    assert any(name == field and message in text for name, text in errors), errors
    assert "The comparison was not created" in body
    assert f'id="{field}"' in body and 'aria-invalid="true"' in body
    assert count(app, models.Comparison) == 0
    assert count(app, models.Document) == 0


def test_only_one_article_is_not_a_comparison(client, app):
    response = post_new(client, articles_=[{"text": "Only me."}])
    assert response.status_code == 422
    body, errors = errors_of(response)
    assert ("articles-1-text", "Paste the text, upload a file or give an address.") in errors
    assert count(app, models.Comparison) == 0


class Pages(BaseHTTPRequestHandler):
    """A news site on 127.0.0.1: an article, a redirect to loopback, a page never to be read."""

    def do_GET(self):
        self.server.paths.append(self.path)
        if self.path == "/article":
            body = (
                b"<html><head><title>Call</title></head><body><article>"
                b"<p>Trump called Takaichi on Tuesday evening.</p>"
                b"<p>The call lasted ten minutes, officials said.</p></article></body></html>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/to-loopback":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/secret")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404, "Not Found")

    def log_message(self, format, *args):
        pass


@contextmanager
def news_site(tls=None):
    """Serve :class:`Pages` on a free port of 127.0.0.1, over TLS when given a context."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    httpd.paths = []
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


PUBLIC = "93.184.216.34"


@pytest.fixture
def internet(monkeypatch):
    """Put news.example at a public address that leads to local sites, intranet.example at
    127.0.0.1; return the sites by port, the dials made and the names looked up.

    The form's fetch is the real one with its guard; only name lookups and connections to
    the public address are redirected (to the site serving that port).
    """
    sites = {}
    dials = []
    lookups = []

    def resolve(host, port, type=0, **kwargs):
        lookups.append(host)
        address = {"news.example": PUBLIC, "intranet.example": "127.0.0.1"}.get(host)
        if address is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def connect(address, timeout):
        dials.append(address)
        host, port = address
        if host == PUBLIC:
            return socket.create_connection(("127.0.0.1", sites[port].server_port), timeout)
        return socket.create_connection(address, timeout)

    real = functools.partial(fetch.fetch_url, resolver=resolve, connector=connect)
    monkeypatch.setattr(creation, "fetch_url", real)
    return sites, dials, lookups


def fetch_errors(response):
    assert response.status_code == 422, response.status_code
    return [text for name, text in errors_of(response)[1] if name == "articles-1-url"]


def test_an_address_on_loopback_is_refused_before_any_request(client, app, internet):
    with news_site() as site:
        for url in (
            f"http://127.0.0.1:{site.server_port}/article",
            f"http://intranet.example:{site.server_port}/article",
        ):
            refused = post_new(client, articles_=[{"text": "A."}, {"url": url}])
            (message,) = fetch_errors(refused)
            assert message.startswith("Article 2: ")
            assert "is a private, local or reserved address (127.0.0.1)" in message
        assert site.paths == []
    sites, dials, lookups = internet
    assert dials == [] and lookups == ["intranet.example"]
    assert count(app, models.Document) == 0


def test_a_redirect_to_loopback_is_refused(client, app, internet):
    sites, dials, _ = internet
    with news_site() as site:
        sites[80] = site
        refused = post_new(
            client, articles_=[{"text": "A."}, {"url": "http://news.example/to-loopback"}]
        )
        (message,) = fetch_errors(refused)
        assert "127.0.0.1 is a private, local or reserved address (127.0.0.1)" in message
        # The public site was asked; the redirect's target never was.
        assert site.paths == ["/to-loopback"]
    assert dials == [(PUBLIC, 80)]
    assert count(app, models.Document) == 0


def fetched_document(app):
    with app.app_context():
        comparison = db.get_session().scalars(select(models.Comparison)).one()
        fetched = comparison.documents[1]
        return fetched.source_format, fetched.url, fetched.text


def test_a_public_host_is_fetched_through_the_checked_address(client, app, internet):
    sites, dials, _ = internet
    with news_site() as site:
        sites[80] = site
        response = post_new(
            client,
            articles_=[
                {"text": "Trump called Takaichi. It was short."},
                {"url": "http://news.example/article"},
            ],
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        assert site.paths == ["/article"]
    assert dials == [(PUBLIC, 80)]
    source_format, url, text = fetched_document(app)
    assert (source_format, url) == ("html", "http://news.example/article")
    assert "Trump called Takaichi on Tuesday evening." in text
    assert "The call lasted ten minutes, officials said." in text
    assert "<p>" not in text


@pytest.fixture(scope="module")
def test_ca():
    import trustme

    return trustme.CA()


def tls_for(ca, *names):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


def test_https_reaches_a_server_whose_certificate_the_ca_signed(
    client, app, internet, test_ca, tmp_path, monkeypatch
):
    sites, dials, _ = internet
    bundle = tmp_path / "ca.pem"
    test_ca.cert_pem.write_to_path(str(bundle))
    # OpenSSL reads the trust store named here when the fetch makes its default context.
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    with news_site(tls_for(test_ca, "news.example")) as site:
        sites[443] = site
        response = post_new(
            client,
            articles_=[{"text": "Trump called Takaichi."}, {"url": "https://news.example/article"}],
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        assert site.paths == ["/article"]
    assert dials == [(PUBLIC, 443)]
    source_format, url, text = fetched_document(app)
    assert url == "https://news.example/article"
    assert "Trump called Takaichi on Tuesday evening." in text


@pytest.mark.parametrize("trusted, names", [(False, ("news.example",)), (True, ("other.example",))])
def test_https_refuses_an_untrusted_or_misnamed_certificate(
    client, app, internet, test_ca, tmp_path, monkeypatch, trusted, names
):
    sites, _, _ = internet
    if trusted:
        bundle = tmp_path / "ca.pem"
        test_ca.cert_pem.write_to_path(str(bundle))
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    else:
        # A trust store without the test CA: only a certificate it signed would pass.
        bundle = tmp_path / "other-ca.pem"
        __import__("trustme").CA().cert_pem.write_to_path(str(bundle))
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    with news_site(tls_for(test_ca, *names)) as site:
        sites[443] = site
        refused = post_new(
            client, articles_=[{"text": "A."}, {"url": "https://news.example/article"}]
        )
        (message,) = fetch_errors(refused)
        assert message.startswith("Article 2: secure connection to news.example failed")
        assert "CERTIFICATE_VERIFY_FAILED" in message
        assert site.paths == []
    assert count(app, models.Document) == 0


FILE_B = "Takaichi answered the call from Air Force One.\n\nShe thanked him \U0001f64f.\n"


def kept_token(body, number):
    name = f"articles-{number}-kept"
    match = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', body)
    assert match, f"no kept field for article {number + 1}"
    return match.group(1)


def kept_files(app):
    folder = Path(app.instance_path) / "kept-uploads"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def refused_with_a_file(client):
    """Post article 2 as a file and a refused address for article 3; return the page."""
    response = post_new(
        client,
        articles_=[
            {"text": "Trump called Takaichi."},
            {"file": (io.BytesIO(FILE_B.encode()), "call-b.txt")},
            {"url": "ftp://files.example/c.txt"},
        ],
    )
    assert response.status_code == 422
    return response.get_data(as_text=True)


def test_an_uploaded_file_survives_an_error_elsewhere_on_the_form(client, app):
    body = refused_with_a_file(client)
    _, errors = errors_of_body(body)
    assert ("articles-2-url", "Give an address starting with http:// or https://.") in errors
    # The file is kept, named, and the form says it will be used.
    token = kept_token(body, 1)
    assert len(token) >= 20
    assert "Kept from your last try: <strong data-kept-name>call-b.txt</strong>" in body
    assert "It is used unless you choose another file." in body
    assert "Don\u2019t use this file" in body
    assert kept_files(app) == sorted([f"{token}.bin", f"{token}.json"])
    assert (
        Path(app.instance_path) / "kept-uploads" / f"{token}.bin"
    ).read_bytes() == FILE_B.encode()
    # The user fixes article 3 (drops it) and sends the form again without choosing the file.
    response = post_new(client, articles_=[{"text": "Trump called Takaichi."}, {"kept": token}])
    assert response.status_code == 302, errors_of(response)[1]
    with app.app_context():
        a, b = db.get_session().scalars(select(models.Comparison)).one().documents
        assert b.text == FILE_B
    assert kept_files(app) == []


def test_a_kept_file_can_be_replaced_or_dropped(client, app):
    token = kept_token(refused_with_a_file(client), 1)
    dropped = post_new(
        client, articles_=[{"text": "Trump called Takaichi."}, {"kept": token, "forget": "y"}]
    )
    assert dropped.status_code == 422
    assert ("articles-1-text", "Paste the text, upload a file or give an address.") in errors_of(
        dropped
    )[1]
    assert "Kept from your last try" not in dropped.get_data(as_text=True)
    assert kept_files(app) == []

    token = kept_token(refused_with_a_file(client), 1)
    replaced = post_new(
        client,
        articles_=[
            {"text": "Trump called Takaichi."},
            {"kept": token, "file": (io.BytesIO(b"Another text entirely."), "other.txt")},
        ],
    )
    assert replaced.status_code == 302
    with app.app_context():
        b = db.get_session().scalars(select(models.Comparison)).one().documents[1]
        assert b.text == "Another text entirely."
    assert kept_files(app) == []


def test_a_kept_file_is_its_senders_only_and_expires(client, app):
    token = kept_token(refused_with_a_file(client), 1)
    message = "The file you chose before is no longer kept"
    add_teacher(app)
    other = signed_in(app)
    stolen = post_new(other, articles_=[{"text": "Trump called Takaichi."}, {"kept": token}])
    assert stolen.status_code == 422
    assert any(name == "articles-1-file" and message in text for name, text in errors_of(stolen)[1])
    assert count(app, models.Document) == 0
    # An hour later the file is gone, and the form says to choose it again.
    folder = Path(app.instance_path) / "kept-uploads"
    for path in folder.iterdir():
        os.utime(path, (path.stat().st_atime - 3601, path.stat().st_mtime - 3601))
    late = post_new(client, articles_=[{"text": "Trump called Takaichi."}, {"kept": token}])
    assert late.status_code == 422
    assert any(name == "articles-1-file" and message in text for name, text in errors_of(late)[1])
    assert kept_files(app) == []


def test_a_file_over_the_limit_or_of_the_wrong_kind_is_not_kept(client, app):
    for upload in ((io.BytesIO(b"x" * (MAX_BYTES + 1)), "big.txt"), (io.BytesIO(b"%PDF"), "a.pdf")):
        response = post_new(client, articles_=[{"text": "A."}, {"file": upload}])
        assert response.status_code == 422
        assert "Kept from your last try" not in response.get_data(as_text=True)
    assert kept_files(app) == []


def test_html_upload_and_markdown(client, app):
    response = post_new(
        client,
        articles_=[
            {"file": (io.BytesIO(b"<html><body><p>Trump called.</p></body></html>"), "a.html")},
            {"file": (io.BytesIO(b"# Head\n\nTakaichi answered."), "b.md")},
        ],
    )
    assert response.status_code == 302
    with app.app_context():
        a, b = db.get_session().scalars(select(models.Comparison)).one().documents
        assert (a.source_format, b.source_format) == ("html", "markdown")


# --- security ------------------------------------------------------------------------------


def test_hostile_article_text_shows_as_text(client, app):
    response = post_new(
        client,
        title="<i>Hostile</i> & co",
        articles_=[
            {"text": HOSTILE, "outlet": "<b>Outlet</b>"},
            {"file": (io.BytesIO(HOSTILE.replace("today", "Monday").encode()), "b.txt")},
        ],
    )
    assert response.status_code == 302
    body = client.get(response.location).get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "<i>Hostile</i>" not in body and "<b>Outlet</b>" not in body
    assert "&lt;i&gt;Hostile&lt;/i&gt; &amp; co" in body
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    assert body.count("&lt;img src=x onerror=alert(1)&gt;") >= 3
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts == [
        '<script src="/static/js/compare.js" defer>',
        '<script type="module" src="/static/js/annotate/main.js">',
    ]
    listing = client.get("/comparisons").get_data(as_text=True)
    assert "<i>Hostile</i>" not in listing and "&lt;i&gt;Hostile" in listing


@pytest.fixture
def csrf_client(tmp_path, database_url):
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": database_url,
        },
        instance_path=str(tmp_path / "csrf-instance"),
    )
    with app.app_context():
        engine = db.get_engine()
    models.Base.metadata.create_all(engine)
    try:
        add_teacher(app)
        yield app, signed_in(app)
    finally:
        models.Base.metadata.drop_all(engine)
        engine.dispose()


def test_posting_without_the_csrf_token_is_refused(csrf_client):
    app, client = csrf_client
    form = [{"text": "One sentence. Two."}, {"text": "One sentence. Three."}]
    response = post_new(client, title="No token", articles_=form)
    assert response.status_code == 400
    response = post_new(client, title="Bad token", articles_=form, csrf_token="forged")
    assert response.status_code == 400
    assert count(app, models.Comparison) == 0
    page = client.get("/comparisons/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = post_new(client, title="With token", articles_=form, csrf_token=token)
    assert response.status_code == 302
    assert count(app, models.Comparison) == 1


def test_tag_set_picker_switches_the_readers_tag_set(client, seeded):
    comparison_id, _ = seeded
    page = client.get(f"/comparisons/{comparison_id}?tagset=policy-frames").get_data(as_text=True)
    assert 'data-tag-set-key="policy-frames"' in page
    assert '<option value="policy-frames" selected>' in page
    unknown = client.get(f"/comparisons/{comparison_id}?tagset=no-such-set").get_data(as_text=True)
    assert 'data-tag-set-key="media-literacy"' in unknown
    assert "That tag set does not exist" in unknown
