"""outbound webhooks: endpoints, deliveries (the queue and log) and attempts

Revision ID: b8e1c4d7a2f9
Revises: b8e1c0d2f4a9
Create Date: 2026-12-07 14:45:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "b8e1c4d7a2f9"
down_revision = "b8e1c0d2f4a9"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=False
        ),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("previous_secret", sa.String(length=100), nullable=True),
        sa.Column("previous_secret_until", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("disabled_reason", sa.String(length=300), nullable=False),
        sa.Column("failing_since", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_webhook_endpoint_organization_id", "webhook_endpoint", ["organization_id"])
    op.create_table(
        "webhook_delivery",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "endpoint_id", sa.Integer(), sa.ForeignKey("webhook_endpoint.id"), nullable=False
        ),
        sa.Column("event_id", BIG_ID, sa.ForeignKey("event.id"), nullable=True),
        sa.Column("message_id", sa.String(length=60), nullable=False, unique=True),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", partners.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_webhook_delivery_endpoint_id", "webhook_delivery", ["endpoint_id"])
    op.create_index("ix_webhook_delivery_due", "webhook_delivery", ["status", "next_attempt_at"])
    op.create_table(
        "webhook_attempt",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("delivery_id", BIG_ID, sa.ForeignKey("webhook_delivery.id"), nullable=False),
        sa.Column("at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("response_excerpt", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
    )
    op.create_index("ix_webhook_attempt_delivery_id", "webhook_attempt", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("webhook_attempt")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_endpoint")
