"""SQLAlchemy models: users, documents, comparisons and their alignments.

Rows store records as plain columns and JSON; ``annotations.store`` converts between the
two. Every offset stored here is ``[start, end)`` in code points into ``Document.text``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from typing import Literal

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

Role = Literal["teacher", "student", "admin"]
ROLES: tuple[Role, ...] = ("teacher", "student", "admin")

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


class User(Base):
    """A person who reads and tags: a teacher, a student or an admin."""

    __tablename__ = "user"
    __table_args__ = (CheckConstraint("role IN ('teacher', 'student', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(16), default="student")
    created_at: Mapped[dt.datetime] = _created_at()

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, name={self.name!r}, role={self.role!r})"


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
