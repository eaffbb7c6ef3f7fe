"""mail outbox (mail out of requests), in-app notifications and per-kind email preferences

Revision ID: b8e1c4d2a9f0
Revises: c0d872da4599
Create Date: 2026-12-07 13:40:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "b8e1c4d2a9f0"
down_revision = "c0d872da4599"
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
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("event.id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(length=400), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mail_state", sa.String(length=20), nullable=False),
        sa.UniqueConstraint("user_id", "event_id", name="uq_notification_user_event"),
    )
    op.create_index("ix_notification_user_read", "notification", ["user_id", "read_at"])
    op.create_index("ix_notification_mail_state", "notification", ["mail_state", "created_at"])
    op.create_table(
        "notification_preference",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(length=40), primary_key=True),
        sa.Column("delivery", sa.String(length=20), nullable=False),
        sa.Column("updated_at", partners.db.UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_preference")
    op.drop_index("ix_notification_mail_state", table_name="notification")
    op.drop_index("ix_notification_user_read", table_name="notification")
    op.drop_table("notification")
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
