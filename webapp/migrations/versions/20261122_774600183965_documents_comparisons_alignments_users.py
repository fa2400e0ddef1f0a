"""Documents, comparisons of documents, their alignments, and users.

Revision ID: 774600183965
Revises:
Create Date: 2026-11-22 05:25:50.060448
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "774600183965"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column[dt.datetime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _created_at(),
        sa.CheckConstraint("role IN ('teacher', 'student', 'admin')", name=op.f("ck_user_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("outlet", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("segmentation", sa.JSON(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_index(op.f("ix_document_content_hash"), "document", ["content_hash"])
    op.create_table(
        "comparison",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        _created_at(),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_comparison_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison")),
    )
    op.create_table(
        "comparison_document",
        sa.Column("comparison_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_comparison_document_comparison_id_comparison"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_comparison_document_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "comparison_id", "document_id", name=op.f("pk_comparison_document")
        ),
        sa.UniqueConstraint(
            "comparison_id", "position", name=op.f("uq_comparison_document_comparison_id_position")
        ),
    )
    op.create_index(
        op.f("ix_comparison_document_document_id"), "comparison_document", ["document_id"]
    )
    op.create_table(
        "alignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comparison_id", sa.Integer(), nullable=False),
        sa.Column("doc_a_id", sa.Integer(), nullable=False),
        sa.Column("doc_b_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("pairs", sa.JSON(), nullable=False),
        sa.Column("only_a", sa.JSON(), nullable=False),
        sa.Column("only_b", sa.JSON(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_alignment_comparison_id_comparison"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["doc_a_id"],
            ["document.id"],
            name=op.f("fk_alignment_doc_a_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["doc_b_id"],
            ["document.id"],
            name=op.f("fk_alignment_doc_b_id_document"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alignment")),
    )
    op.create_index(op.f("ix_alignment_comparison_id"), "alignment", ["comparison_id"])


def downgrade() -> None:
    """Downgrade the schema (dropping a table drops its indexes)."""
    op.drop_table("alignment")
    op.drop_table("comparison_document")
    op.drop_table("comparison")
    op.drop_table("document")
    op.drop_table("user")
