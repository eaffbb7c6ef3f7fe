"""event outbox: every audited change records a domain event in the same transaction

Revision ID: e1a2b3c4d5e6
Revises: c4e1a9d3f7b2
Create Date: 2026-12-07 10:50:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "e1a2b3c4d5e6"
down_revision = "c4e1a9d3f7b2"
branch_labels = None
depends_on = None

EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", EVENT_ID, primary_key=True),
        sa.Column("at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("actor_org_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=True),
        sa.Column("subject_org_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=True),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", EVENT_ID, nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=True),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_at", ["at"], unique=False)
        batch_op.create_index("ix_event_type", ["type"], unique=False)
        batch_op.create_index("ix_event_record", ["record_type", "record_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("event")
