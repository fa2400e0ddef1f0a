"""Imported annotations keep their provenance apart from their owner.

The annotator's name and the times an imported file gave are kept as text, exported again as
they were; the annotation belongs to the user who imported it. Annotations imported before
this revision keep the author they were given.

Revision ID: eb353233f0bf
Revises: 8626829c3705
Create Date: 2026-12-03 17:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "eb353233f0bf"
down_revision: str | Sequence[str] | None = "8626829c3705"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.add_column(sa.Column("imported_annotator", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("imported_created", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("imported_updated", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Downgrade the schema."""
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.drop_column("imported_updated")
        batch_op.drop_column("imported_created")
        batch_op.drop_column("imported_annotator")
