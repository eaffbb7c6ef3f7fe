"""lead grants: pool flag and indexes for both inbox plans

Revision ID: df02e7921fc3
Revises: 187f87cc69e1
Create Date: 2026-11-23 11:33:22.125873
"""

import sqlalchemy as sa
from alembic import op

revision = "df02e7921fc3"
down_revision = "187f87cc69e1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index("ix_lead_status_score_id", ["status", "score", "id"], unique=False)

    with op.batch_alter_table("lead_grant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_pool", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        "UPDATE lead_grant SET in_pool = (SELECT lead.status = 'available' FROM lead"
        " WHERE lead.id = lead_grant.lead_id)"
    )
    with op.batch_alter_table("lead_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_grant_lead_id")
        batch_op.create_index(
            "ix_lead_grant_lead_audience", ["lead_id", "audience_id", "level"], unique=False
        )
        batch_op.create_index(
            "ix_lead_grant_pool",
            ["audience_id", "lead_id"],
            unique=False,
            postgresql_where=sa.text("in_pool"),
            sqlite_where=sa.text("in_pool"),
        )


def downgrade() -> None:
    with op.batch_alter_table("lead_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_grant_pool")
        batch_op.drop_index("ix_lead_grant_lead_audience")
        batch_op.create_index("ix_lead_grant_lead_id", ["lead_id"], unique=False)
        batch_op.drop_column("in_pool")

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_status_score_id")
