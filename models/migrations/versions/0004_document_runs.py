"""Documents remember which ingest run owns their processing, so a second delivery of the same
document (re-queued after a restart while its first message still waited) reads nothing twice.

Revision ID: 0004
Revises: 0003_review
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("run_id", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("run_id")
