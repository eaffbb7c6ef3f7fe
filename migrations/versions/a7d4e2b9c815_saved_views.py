"""Saved views: a list page's URL with its filters, under a name, for one user.

Revision ID: a7d4e2b9c815
Revises: f3b9d2c7a1e4
Create Date: 2026-12-07 11:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "a7d4e2b9c815"
down_revision = "f3b9d2c7a1e4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_saved_view_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_view")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_view_user_id")),
    )


def downgrade() -> None:
    op.drop_table("saved_view")
