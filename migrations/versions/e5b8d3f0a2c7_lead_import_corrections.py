"""lead_import.corrections: cells corrected in the import's preview

Revision ID: e5b8d3f0a2c7
Revises: d4a7c2e9b1f6
Create Date: 2026-12-07 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5b8d3f0a2c7"
down_revision = "d4a7c2e9b1f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead_import") as batch:
        batch.add_column(sa.Column("corrections", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("lead_import") as batch:
        batch.alter_column("corrections", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("lead_import") as batch:
        batch.drop_column("corrections")
