"""Review: who accepted and when, a document revision for row and flag edits, open document
flags for the queue's order, the merged cell a field's row is covered by, and an audit trail
that also records row, flag and acceptance acts.

Revision ID: 0003_review
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_review"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("open_flags", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("fields") as batch:
        batch.add_column(sa.Column("covered_by", sa.String(128)))
        batch.add_column(sa.Column("evidence", sa.String(16)))
    with op.batch_alter_table("corrections") as batch:
        batch.alter_column("field_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(
            sa.Column("action", sa.String(16), nullable=False, server_default="correct")
        )
        batch.add_column(sa.Column("record", sa.JSON))
        batch.add_column(sa.Column("reverts", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("corrections") as batch:
        for column in ("reverts", "record", "action"):
            batch.drop_column(column)
    with op.batch_alter_table("fields") as batch:
        batch.drop_column("evidence")
        batch.drop_column("covered_by")
    with op.batch_alter_table("documents") as batch:
        for column in ("open_flags", "revision", "accepted_at"):
            batch.drop_column(column)
