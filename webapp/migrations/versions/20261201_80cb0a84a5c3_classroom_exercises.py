"""Classroom exercises: exercises, their students, teacher feedback, annotations per exercise.

An exercise gives a comparison (two of its documents) and a tag set to a class; students
join it as members; annotations made in it carry its id (the teacher's are the key).

Revision ID: 80cb0a84a5c3
Revises: 33b567a36858
Create Date: 2026-12-01 21:25:03.081672
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "80cb0a84a5c3"
down_revision: str | Sequence[str] | None = "33b567a36858"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _moment(name: str) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("comparison_id", sa.Integer(), nullable=False),
        sa.Column("doc_a_id", sa.Integer(), nullable=False),
        sa.Column("doc_b_id", sa.Integer(), nullable=False),
        sa.Column("tag_set_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("join_code", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _moment("opened_at"),
        _moment("closed_at"),
        _moment("revealed_at"),
        sa.CheckConstraint(
            "state IN ('draft', 'open', 'closed', 'revealed')", name=op.f("ck_exercise_state")
        ),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_exercise_comparison_id_comparison"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["doc_a_id"],
            ["document.id"],
            name=op.f("fk_exercise_doc_a_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["doc_b_id"],
            ["document.id"],
            name=op.f("fk_exercise_doc_b_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tag_set_id"],
            ["tag_set.id"],
            name=op.f("fk_exercise_tag_set_id_tag_set"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["user.id"],
            name=op.f("fk_exercise_teacher_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise")),
        sa.UniqueConstraint("join_code", name=op.f("uq_exercise_join_code")),
    )
    with op.batch_alter_table("exercise") as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_comparison_id"), ["comparison_id"])
        batch_op.create_index(batch_op.f("ix_exercise_teacher_id"), ["teacher_id"])

    op.create_table(
        "exercise_member",
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        _timestamp("joined_at"),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_member_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_exercise_member_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("exercise_id", "user_id", name=op.f("pk_exercise_member")),
        sa.UniqueConstraint(
            "exercise_id", "name_key", name=op.f("uq_exercise_member_exercise_id_name_key")
        ),
        sa.UniqueConstraint("user_id", name=op.f("uq_exercise_member_user_id")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotation.id"],
            name=op.f("fk_feedback_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["user.id"],
            name=op.f("fk_feedback_teacher_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("annotation_id", name=op.f("uq_feedback_annotation_id")),
    )
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.add_column(sa.Column("exercise_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_annotation_exercise_id"), ["exercise_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_annotation_exercise_id_exercise"),
            "exercise",
            ["exercise_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    """Downgrade the schema."""
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_annotation_exercise_id_exercise"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_annotation_exercise_id"))
        batch_op.drop_column("exercise_id")
    op.drop_table("feedback")
    op.drop_table("exercise_member")
    with op.batch_alter_table("exercise") as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_teacher_id"))
        batch_op.drop_index(batch_op.f("ix_exercise_comparison_id"))
    op.drop_table("exercise")
