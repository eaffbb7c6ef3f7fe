"""trading partner: strict reading (ReaderOptions.strict() for that partner's files)

Revision ID: f3d9a2c7b1e4
Revises: e1a2b3c4d5e6
Create Date: 2026-12-07 11:10:00

Existing profiles keep the lenient reading they had.
"""

import sqlalchemy as sa
from alembic import op

revision = "f3d9a2c7b1e4"
down_revision = "e1a2b3c4d5e6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trading_partner", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("strict", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("trading_partner", schema=None) as batch_op:
        batch_op.alter_column("strict", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("trading_partner", schema=None) as batch_op:
        batch_op.drop_column("strict")
