"""Suggestions: why each suggested annotation was proposed, and hints per exercise.

A suggestion is an annotation with status "suggested" (then "accepted" or "rejected");
these columns keep its reason, score and source for the person reviewing it and for the
record. ``exercise.hints`` lets the students of an exercise see suggestions; existing
exercises keep them off.

Revision ID: a7c3d9e15b42
Revises: 5e1f0c2a9b7d
Create Date: 2026-12-03 19:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c3d9e15b42"
down_revision: str | Sequence[str] | None = "5e1f0c2a9b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.add_column(sa.Column("suggestion_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("suggestion_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("suggestion_source", sa.String(length=64), nullable=True))
    with op.batch_alter_table("exercise") as batch_op:
        batch_op.add_column(
            sa.Column("hints", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Downgrade the schema."""
    with op.batch_alter_table("exercise") as batch_op:
        batch_op.drop_column("hints")
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.drop_column("suggestion_source")
        batch_op.drop_column("suggestion_score")
        batch_op.drop_column("suggestion_reason")
