"""SQLAlchemy models: users, documents, comparisons, alignments, tag sets, annotations, exercises.

Rows store records as plain columns and JSON; the storage modules convert between the
two. Every offset stored here is ``[start, end)`` in code points into ``Document.text``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from typing import Literal

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

__all__ = [
    "ANNOTATION_STATUSES",
    "Alignment",
    "Annotation",
    "AnnotationStatus",
    "AnnotationTag",
    "Base",
    "Comparison",
    "ComparisonDocument",
    "Document",
    "EXERCISE_STATES",
    "Exercise",
    "ExerciseMember",
    "ExerciseState",
    "Feedback",
    "LoginSession",
    "NAMING_CONVENTION",
    "RELATIONS",
    "ROLES",
    "Relation",
    "Role",
    "Tag",
    "TagSet",
    "User",
    "utcnow",
]

Role = Literal["teacher", "student", "admin"]
ROLES: tuple[Role, ...] = ("teacher", "student", "admin")
AnnotationStatus = Literal["human", "suggested", "accepted", "rejected"]
ANNOTATION_STATUSES: tuple[AnnotationStatus, ...] = ("human", "suggested", "accepted", "rejected")
ExerciseState = Literal["draft", "open", "closed", "revealed"]
EXERCISE_STATES: tuple[ExerciseState, ...] = ("draft", "open", "closed", "revealed")
Relation = Literal["b-adds", "b-softens", "b-sharpens", "omitted-in-b", "reframed", "same-fact"]
RELATIONS: tuple[Relation, ...] = (
    "b-adds",
    "b-softens",
    "b-sharpens",
    "omitted-in-b",
    "reframed",
    "same-fact",
)

# Named constraints let Alembic drop and alter them later, SQLite batch mode included.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base holding the metadata Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _created_at() -> Mapped[dt.datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


def _updated_at() -> Mapped[dt.datetime]:
    return mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


class User(Base):
    """A person who reads and tags: a teacher, a student or an admin."""

    __tablename__ = "user"
    __table_args__ = (CheckConstraint("role IN ('teacher', 'student', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(16), default="student")
    # Users made before accounts existed (the default author) have no username and cannot
    # sign in; ``username_key`` is the lowercased username, unique so that "Ana" and "ana"
    # cannot both exist.
    username: Mapped[str | None] = mapped_column(String(64))
    username_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = _created_at()

    def __repr__(self) -> str:
        return (
            f"User(id={self.id!r}, username={self.username!r}, name={self.name!r}, "
            f"role={self.role!r})"
        )


class LoginSession(Base):
    """One signed-in browser: its session cookie names it, signing out deletes it.

    The cookie holds a random token; only its SHA-256 is stored, so the table alone signs
    nobody in. A cookie whose row is gone (signed out, signed out everywhere, password
    changed) or older than the absolute lifetime no longer signs anyone in.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = _created_at()

    def __repr__(self) -> str:
        return f"LoginSession(id={self.id!r}, user_id={self.user_id!r})"


class Document(Base):
    """One article: its exact text, where it came from, and its segmentation as JSON."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2048))
    published: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(16), default="en")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    segmentation: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = _created_at()

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, title={self.title!r})"


class Comparison(Base):
    """Two or more documents read side by side."""

    __tablename__ = "comparison"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _created_at()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    members: Mapped[list[ComparisonDocument]] = relationship(
        back_populates="comparison",
        order_by="ComparisonDocument.position",
        cascade="all, delete-orphan",
    )
    alignments: Mapped[list[Alignment]] = relationship(
        back_populates="comparison",
        order_by="Alignment.id",
        cascade="all, delete-orphan",
    )

    @property
    def documents(self) -> list[Document]:
        """Return the comparison's documents in their order."""
        return [member.document for member in self.members]

    def __repr__(self) -> str:
        return f"Comparison(id={self.id!r}, title={self.title!r})"


class ComparisonDocument(Base):
    """A document's place in a comparison."""

    __tablename__ = "comparison_document"
    __table_args__ = (UniqueConstraint("comparison_id", "position"),)

    comparison_id: Mapped[int] = mapped_column(
        ForeignKey("comparison.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    comparison: Mapped[Comparison] = relationship(back_populates="members")
    document: Mapped[Document] = relationship()

    def __repr__(self) -> str:
        return (
            f"ComparisonDocument(comparison_id={self.comparison_id!r}, "
            f"document_id={self.document_id!r}, position={self.position!r})"
        )


class Alignment(Base):
    """The aligned passages of two documents of a comparison, with the settings used."""

    __tablename__ = "alignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comparison_id: Mapped[int] = mapped_column(
        ForeignKey("comparison.id", ondelete="CASCADE"), index=True
    )
    doc_a_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    doc_b_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    pairs: Mapped[list[Any]] = mapped_column(JSON)
    only_a: Mapped[list[Any]] = mapped_column(JSON)
    only_b: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = _created_at()

    comparison: Mapped[Comparison] = relationship(back_populates="alignments")
    doc_a: Mapped[Document] = relationship(foreign_keys=[doc_a_id])
    doc_b: Mapped[Document] = relationship(foreign_keys=[doc_b_id])

    def __repr__(self) -> str:
        return (
            f"Alignment(id={self.id!r}, comparison_id={self.comparison_id!r}, "
            f"doc_a_id={self.doc_a_id!r}, doc_b_id={self.doc_b_id!r})"
        )


class TagSet(Base):
    """A stored tag set; ``annotations.framing.taxonomy.TagSet`` is its frozen record."""

    __tablename__ = "tag_set"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str | None] = mapped_column(Text)
    is_builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    # The teacher who made it, the only one who may change it (others copy it); none for
    # the built-in sets.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = _created_at()
    updated_at: Mapped[dt.datetime] = _updated_at()

    tags: Mapped[list[Tag]] = relationship(
        back_populates="tag_set",
        order_by="Tag.position",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"TagSet(id={self.id!r}, key={self.key!r}, version={self.version!r})"


class Tag(Base):
    """One tag of a stored tag set, in its place."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("tag_set_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag_set_id: Mapped[int] = mapped_column(ForeignKey("tag_set.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7))
    shortcut: Mapped[str | None] = mapped_column(String(8))
    group_name: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)

    tag_set: Mapped[TagSet] = relationship(back_populates="tags")

    def __repr__(self) -> str:
        return f"Tag(id={self.id!r}, tag_set_id={self.tag_set_id!r}, key={self.key!r})"


class AnnotationTag(Base):
    """A tag given to an annotation."""

    __tablename__ = "annotation_tag"

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    def __repr__(self) -> str:
        return f"AnnotationTag(annotation_id={self.annotation_id!r}, tag_id={self.tag_id!r})"


class Annotation(Base):
    """A tagged span of one document, optionally linked to a span of another.

    ``public_id`` is made by the client before it saves, so saving twice stores one row.
    ``prefix`` and ``suffix`` hold the text around the quote, to find it again.
    """

    __tablename__ = "annotation"
    __table_args__ = (
        CheckConstraint("start >= 0", name="start_not_negative"),
        CheckConstraint('start < "end"', name="start_before_end"),
        CheckConstraint(f"status IN ({_sql_list(ANNOTATION_STATUSES)})", name="status"),
        CheckConstraint(
            f"relation IS NULL OR relation IN ({_sql_list(RELATIONS)})", name="relation"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    # An annotated document must not disappear with its annotations: its text is the anchor.
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="RESTRICT"), index=True
    )
    comparison_id: Mapped[int | None] = mapped_column(
        ForeignKey("comparison.id", ondelete="CASCADE"), index=True
    )
    # Set for the work done in a classroom exercise: the teacher's key or a student's copy.
    exercise_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercise.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(String(32), default="")
    suffix: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[AnnotationStatus] = mapped_column(String(16), default="human")
    relation: Mapped[Relation | None] = mapped_column(String(32))
    link_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id", ondelete="RESTRICT")
    )
    link_start: Mapped[int | None] = mapped_column(Integer)
    link_end: Mapped[int | None] = mapped_column(Integer)
    link_quote: Mapped[str | None] = mapped_column(Text)
    # Imported from a file: who made it there and when, as the file said (exported again
    # unchanged); ``author_id`` is the user who imported it, never the file's annotator.
    imported_annotator: Mapped[str | None] = mapped_column(String(200))
    imported_created: Mapped[str | None] = mapped_column(String(64))
    imported_updated: Mapped[str | None] = mapped_column(String(64))
    # A suggestion (status suggested, then accepted or rejected): why it was proposed, how
    # sure, and by what ("rule:<device>" or "learned"); None for a person's own tag.
    suggestion_reason: Mapped[str | None] = mapped_column(Text)
    suggestion_score: Mapped[float | None] = mapped_column(Float)
    suggestion_source: Mapped[str | None] = mapped_column(String(64))
    # One more on every change of the row (tags, note, deletion): an edit names the version
    # it started from, and a stale one is refused instead of undoing another tab's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[dt.datetime] = _created_at()
    updated_at: Mapped[dt.datetime] = _updated_at()
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    link_document: Mapped[Document | None] = relationship(foreign_keys=[link_document_id])
    comparison: Mapped[Comparison | None] = relationship()
    exercise: Mapped[Exercise | None] = relationship()
    author: Mapped[User | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary="annotation_tag", order_by="Tag.position")

    # SQLAlchemy checks the version in each UPDATE's WHERE and adds one: two requests
    # that read the same version cannot both change the row.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return (
            f"Annotation(id={self.id!r}, public_id={self.public_id!r}, "
            f"document_id={self.document_id!r}, start={self.start!r}, end={self.end!r})"
        )


class Exercise(Base):
    """A comparison and a tag set given to a class, with instructions and a join code.

    The answer key is the owning teacher's annotations in the exercise; each student
    annotates a copy of their own (annotations with this exercise and the student as author).
    """

    __tablename__ = "exercise"
    __table_args__ = (CheckConstraint(f"state IN ({_sql_list(EXERCISE_STATES)})", name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    comparison_id: Mapped[int] = mapped_column(
        ForeignKey("comparison.id", ondelete="CASCADE"), index=True
    )
    # The two articles the class reads side by side (a comparison may hold more).
    doc_a_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    doc_b_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    tag_set_id: Mapped[int] = mapped_column(ForeignKey("tag_set.id", ondelete="RESTRICT"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[ExerciseState] = mapped_column(String(16), default="draft")
    created_at: Mapped[dt.datetime] = _created_at()
    updated_at: Mapped[dt.datetime] = _updated_at()
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revealed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Whether the students may ask for suggestions (hints) while they work.
    hints: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    comparison: Mapped[Comparison] = relationship()
    doc_a: Mapped[Document] = relationship(foreign_keys=[doc_a_id])
    doc_b: Mapped[Document] = relationship(foreign_keys=[doc_b_id])
    tag_set: Mapped[TagSet] = relationship()
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])
    members: Mapped[list[ExerciseMember]] = relationship(
        back_populates="exercise",
        order_by="ExerciseMember.joined_at",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"Exercise(id={self.id!r}, title={self.title!r}, state={self.state!r})"


class ExerciseMember(Base):
    """A student's place in an exercise; a student account belongs to one exercise."""

    __tablename__ = "exercise_member"
    # ``name_key`` is the casefolded display name: two students of one class cannot both
    # be "Ana" and "ana", even when they join at the same moment.
    __table_args__ = (UniqueConstraint("exercise_id", "name_key"),)

    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercise.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
    name_key: Mapped[str] = mapped_column(String(200))
    joined_at: Mapped[dt.datetime] = _created_at()

    exercise: Mapped[Exercise] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"ExerciseMember(exercise_id={self.exercise_id!r}, user_id={self.user_id!r})"


class Feedback(Base):
    """A teacher's private word to one student on one of the student's annotations."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), unique=True
    )
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _created_at()
    updated_at: Mapped[dt.datetime] = _updated_at()

    annotation: Mapped[Annotation] = relationship()

    def __repr__(self) -> str:
        return f"Feedback(id={self.id!r}, annotation_id={self.annotation_id!r})"
