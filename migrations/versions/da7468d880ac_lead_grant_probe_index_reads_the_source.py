"""lead grant probe index reads the source

The predicate counts a rule row only while its lead is in the pool, so the probe index carries
the source for index-only probes.

Revision ID: da7468d880ac
Revises: 004bf2bf1fe9
Create Date: 2026-11-23 17:03:28.506448
"""

from alembic import op

revision = "da7468d880ac"
down_revision = "004bf2bf1fe9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_grant_lead_audience"))
        batch_op.create_index(
            "ix_lead_grant_lead_audience",
            ["lead_id", "audience_id", "level", "source_kind"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("lead_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_grant_lead_audience")
        batch_op.create_index(
            batch_op.f("ix_lead_grant_lead_audience"),
            ["lead_id", "audience_id", "level"],
            unique=False,
        )
