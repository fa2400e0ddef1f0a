"""User accounts: username, password hash and last sign-in.

Existing users (the default author of earlier annotations) keep a null username and
password: they stay as authors but cannot sign in.

Revision ID: 33b567a36858
Revises: 6b2cfca4dd12
Create Date: 2026-11-22 06:33:09.863996
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "33b567a36858"
down_revision: str | Sequence[str] | None = "6b2cfca4dd12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("username", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("username_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_user_username_key"), ["username_key"])


def downgrade() -> None:
    """Downgrade the schema."""
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_username_key"), type_="unique")
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("password_hash")
        batch_op.drop_column("username_key")
        batch_op.drop_column("username")
