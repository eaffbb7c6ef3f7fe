"""event consumers: each consumer's position in the outbox, pause flag and failures

Revision ID: f2b3c4d5e6a7
Revises: a7d4e2b9c815
Create Date: 2026-12-07 11:10:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "f2b3c4d5e6a7"
down_revision = "a7d4e2b9c815"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_consumer",
        sa.Column("name", sa.String(length=80), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("position_txid", sa.BigInteger(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("failing_since", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_txid_id", ["txid", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_txid_id")
    op.drop_table("event_consumer")
