"""Tag sets have an owner: the teacher who made one is the only one who changes it.

Sets made before owners existed go to the oldest teacher who can sign in (on a school's
install, usually the only one); built-in sets have none.

Revision ID: 8626829c3705
Revises: c1cb6c7bcead
Create Date: 2026-12-03 17:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8626829c3705"
down_revision: str | Sequence[str] | None = "c1cb6c7bcead"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    with op.batch_alter_table("tag_set") as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tag_set_owner_id_user"),
            "user",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        sa.text(
            'UPDATE tag_set SET owner_id = (SELECT MIN(id) FROM "user" '
            "WHERE role = 'teacher' AND password_hash IS NOT NULL) "
            "WHERE NOT is_builtin"
        )
    )


def downgrade() -> None:
    """Downgrade the schema."""
    with op.batch_alter_table("tag_set") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tag_set_owner_id_user"), type_="foreignkey")
        batch_op.drop_column("owner_id")
