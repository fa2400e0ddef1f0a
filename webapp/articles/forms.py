"""Form classes of the HTML pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileSize
from wtforms import BooleanField
from wtforms import DateField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import HiddenField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.validators import URL
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from annotations.text.ingest import MAX_BYTES
from webapp.articles.uploads import KeptUpload

MIN_ARTICLES = 2
MAX_ARTICLES = 4
UPLOAD_EXTENSIONS = ("txt", "md", "html")


def http_url(form: Form, field: URLField) -> None:
    """Accept only http and https addresses (a ``javascript:`` link must never be stored)."""
    if field.data and not field.data.strip().lower().startswith(("http://", "https://")):
        raise StopValidation("Give an address starting with http:// or https://.")


class ArticleForm(Form):
    """One article of a new comparison: where its text comes from and what it is.

    A plain ``Form``: the enclosing ``FlaskForm`` carries the one CSRF token.
    """

    text = TextAreaField("Paste the text")
    file = FileField(
        "Or upload a file",
        validators=[
            FileAllowed(UPLOAD_EXTENSIONS, "Upload a .txt, .md or .html file."),
            FileSize(MAX_BYTES, message=f"The file is larger than {MAX_BYTES // 2**20} MB."),
        ],
    )
    url = URLField(
        "Or give its web address",
        validators=[Optional(), Length(max=2048), http_url, URL(message="Not a web address.")],
    )
    outlet = StringField("Outlet", validators=[Optional(), Length(max=300)])
    title = StringField("Headline", validators=[Optional(), Length(max=500)])
    published = DateField("Date", validators=[Optional()])
    link = URLField(
        "Link to the original",
        validators=[Optional(), Length(max=2048), http_url, URL(message="Not a web address.")],
    )
    # The token of a file kept from an earlier submit (webapp.articles.uploads), and the
    # user's wish to drop it.
    kept = HiddenField()
    forget = BooleanField("Don’t use this file")
    kept_upload: KeptUpload | None = None

    def sources(self) -> list[str]:
        """Return the names of the source fields filled in: text, file and/or url."""
        filled = []
        if self.text.data and self.text.data.strip():
            filled.append("text")
        if self.file.data:
            filled.append("file")
        if self.url.data and self.url.data.strip():
            filled.append("url")
        return filled

    def is_blank(self) -> bool:
        """Return True if nothing at all was entered for this article."""
        details = (self.outlet.data, self.title.data, self.link.data, self.published.data)
        return not self.sources() and not any(details)


class ComparisonForm(FlaskForm):
    """A new comparison: a title, a description and two to four articles."""

    title = StringField("Title", validators=[DataRequired(), Length(max=500)])
    description = TextAreaField("Description (optional)", validators=[Optional(), Length(max=5000)])
    articles = FieldList(FormField(ArticleForm), min_entries=MIN_ARTICLES, max_entries=MAX_ARTICLES)

    def validate_articles(self, field: FieldList) -> None:
        """Check that each article has one source and that at least two articles are given."""
        given = 0
        for position, entry in enumerate(field.entries):
            article: Any = entry.form
            sources = article.sources()
            if article.is_blank() and position >= MIN_ARTICLES:
                continue
            if not sources:
                article.text.errors.append("Paste the text, upload a file or give an address.")
            elif len(sources) > 1:
                getattr(article, sources[1]).errors.append(
                    "Give the article one way only: pasted text, a file or an address."
                )
            else:
                given += 1
        if any(entry.errors for entry in field.entries) or any(
            getattr(entry.form, name).errors
            for entry in field.entries
            for name in ("text", "file", "url")
        ):
            raise ValidationError("Check the articles below.")
        if given < MIN_ARTICLES:
            raise ValidationError(f"A comparison needs at least {MIN_ARTICLES} articles.")

    def filled_articles(self) -> list[tuple[int, ArticleForm]]:
        """Return (position, subform) of every article that was given, in order."""
        return [
            (position, entry.form)
            for position, entry in enumerate(self.articles.entries)
            if not entry.form.is_blank()
        ]
