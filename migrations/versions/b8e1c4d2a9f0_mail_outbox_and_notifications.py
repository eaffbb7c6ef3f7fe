"""mail outbox (mail out of requests), in-app notifications and per-kind email preferences

Revision ID: b8e1c4d2a9f0
Revises: f2b3c4d5e6a7
Create Date: 2026-12-07 13:40:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "b8e1c4d2a9f0"
down_revision = "f2b3c4d5e6a7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queued_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
