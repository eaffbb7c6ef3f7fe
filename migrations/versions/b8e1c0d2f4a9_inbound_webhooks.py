"""inbound webhooks: per-organization endpoints, the messages they received, audit origin

Revision ID: b8e1c0d2f4a9
Revises: b8e4c2a9d1f3
Create Date: 2026-12-07 14:50:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "b8e1c0d2f4a9"
down_revision = "b8e4c2a9d1f3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_endpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_inbound_endpoint_organization_id", "inbound_endpoint", ["organization_id"])
    op.create_table(
        "inbound_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "endpoint_id", sa.Integer(), sa.ForeignKey("inbound_endpoint.id"), nullable=False
        ),
        sa.Column("webhook_id", sa.String(length=120), nullable=False),
        sa.Column("received_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.UniqueConstraint("endpoint_id", "webhook_id"),
    )
    op.create_index("ix_inbound_message_endpoint_id", "inbound_message", ["endpoint_id"])
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=200), server_default="", nullable=False)
        )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("origin", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("origin")
    op.drop_table("inbound_message")
    op.drop_table("inbound_endpoint")
