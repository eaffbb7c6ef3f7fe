"""campaign_record: leads and deals attributed to a joint campaign by those taking part

Revision ID: d4a7c2e9b1f6
Revises: b8e1c4d2a9f0
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "d4a7c2e9b1f6"
down_revision = "b8e1c4d2a9f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey("campaign.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column(
            "organization_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=False
        ),
        sa.Column("attached_by_id", sa.Integer(), sa.ForeignKey("user_account.id")),
        sa.Column("attached_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("record_type", "record_id", name="uq_campaign_record_record"),
    )
    op.create_index(
        "ix_campaign_record_campaign", "campaign_record", ["campaign_id", "record_type"]
    )


def downgrade() -> None:
    op.drop_index("ix_campaign_record_campaign", table_name="campaign_record")
    op.drop_table("campaign_record")
