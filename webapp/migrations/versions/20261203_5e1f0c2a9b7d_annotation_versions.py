"""Annotation versions: each annotation counts its changes, so a stale edit can be refused.

Existing annotations start at version 1, as new ones do.

Revision ID: 5e1f0c2a9b7d
Revises: eb353233f0bf
Create Date: 2026-12-03 17:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1f0c2a9b7d"
down_revision: str | Sequence[str] | None = "eb353233f0bf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    """Downgrade the schema."""
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_column("version")
