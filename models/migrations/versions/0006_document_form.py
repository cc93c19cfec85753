"""Documents remember which form they were read as (`department_overall`,
`project_expenditure`, ...), so the queue can show and filter it; documents read before are of
the first form.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("form", sa.String(64)))
        batch.create_index("ix_documents_form", ["form"])
    op.execute("UPDATE documents SET form = 'department_overall' WHERE content IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_form")
        batch.drop_column("form")
