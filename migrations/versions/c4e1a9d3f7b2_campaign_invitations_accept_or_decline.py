"""campaign invitations: a participant is invited, accepts or declines

Revision ID: c4e1a9d3f7b2
Revises: 7a3c5e91d2b4
Create Date: 2026-12-07 07:58:00

Organizations added before invitations existed took part at once: they become "accepted".
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "c4e1a9d3f7b2"
down_revision = "7a3c5e91d2b4"
branch_labels = None
depends_on = None

STATE = sa.Enum(
    "invited", "accepted", "declined", name="participantstate", native_enum=False, length=20
)


def upgrade() -> None:
    with op.batch_alter_table("campaign_participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", STATE, nullable=False, server_default="accepted"))
        batch_op.add_column(sa.Column("responded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("responded_at", partners.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("decline_reason", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_campaign_participant_responded_by_id_user_account"),
            "user_account",
            ["responded_by_id"],
            ["id"],
        )
    with op.batch_alter_table("campaign_participant", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)
        batch_op.alter_column("decline_reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("campaign_participant", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_campaign_participant_responded_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("decline_reason")
        batch_op.drop_column("responded_at")
        batch_op.drop_column("responded_by_id")
        batch_op.drop_column("state")
