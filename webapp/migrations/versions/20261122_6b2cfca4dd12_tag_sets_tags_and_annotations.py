"""Tag sets, their tags, annotations and the tags given to annotations.

Revision ID: 6b2cfca4dd12
Revises: 774600183965
Create Date: 2026-11-22 05:39:49.819040
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6b2cfca4dd12"
down_revision: str | Sequence[str] | None = "774600183965"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "tag_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("is_builtin", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_set")),
        sa.UniqueConstraint("key", name=op.f("uq_tag_set_key")),
    )
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_set_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("shortcut", sa.String(length=8), nullable=True),
        sa.Column("group_name", sa.String(length=80), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_set_id"],
            ["tag_set.id"],
            name=op.f("fk_tag_tag_set_id_tag_set"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("tag_set_id", "key", name=op.f("uq_tag_tag_set_id_key")),
    )
    op.create_table(
        "annotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("comparison_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("suffix", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=True),
        sa.Column("link_document_id", sa.Integer(), nullable=True),
        sa.Column("link_start", sa.Integer(), nullable=True),
        sa.Column("link_end", sa.Integer(), nullable=True),
        sa.Column("link_quote", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "relation IS NULL OR relation IN ('b-adds', 'b-softens', 'b-sharpens', "
            "'omitted-in-b', 'reframed', 'same-fact')",
            name=op.f("ck_annotation_relation"),
        ),
        sa.CheckConstraint(
            "status IN ('human', 'suggested', 'accepted', 'rejected')",
            name=op.f("ck_annotation_status"),
        ),
        # "end" is an SQL keyword, so the constraint quotes it.
        sa.CheckConstraint('start < "end"', name=op.f("ck_annotation_start_before_end")),
        sa.CheckConstraint("start >= 0", name=op.f("ck_annotation_start_not_negative")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_annotation_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_annotation_comparison_id_comparison"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_annotation_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["link_document_id"],
            ["document.id"],
            name=op.f("fk_annotation_link_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation")),
        sa.UniqueConstraint("public_id", name=op.f("uq_annotation_public_id")),
    )
    op.create_index(op.f("ix_annotation_comparison_id"), "annotation", ["comparison_id"])
    op.create_index(op.f("ix_annotation_document_id"), "annotation", ["document_id"])
    op.create_table(
        "annotation_tag",
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotation.id"],
            name=op.f("fk_annotation_tag_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tag.id"],
            name=op.f("fk_annotation_tag_tag_id_tag"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("annotation_id", "tag_id", name=op.f("pk_annotation_tag")),
    )
    op.create_index(op.f("ix_annotation_tag_tag_id"), "annotation_tag", ["tag_id"])


def downgrade() -> None:
    """Downgrade the schema (dropping a table drops its indexes)."""
    op.drop_table("annotation_tag")
    op.drop_table("annotation")
    op.drop_table("tag")
    op.drop_table("tag_set")
