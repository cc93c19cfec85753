"""Pages remember when they were read and how long it took, so a waiting document can be given
an estimated time to be read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("read_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("read_s", sa.Float()))


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("read_s")
        batch.drop_column("read_at")
