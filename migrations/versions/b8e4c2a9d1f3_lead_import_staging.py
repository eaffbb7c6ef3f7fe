"""lead import staging: checked rows committed in chunks (lead_import_row) and the import's
checkpoint (staged_rows, staged_through, staged_digest), so a stopped import resumes

Revision ID: b8e4c2a9d1f3
Revises: c4e5a6b7d8f9
Create Date: 2026-12-07 13:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b8e4c2a9d1f3"
down_revision = "c4e5a6b7d8f9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead_import", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("staged_rows", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("staged_through", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("staged_digest", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("lead_import", schema=None) as batch_op:
        for column in ("staged_rows", "staged_through", "staged_digest"):
            batch_op.alter_column(column, server_default=None)
    op.create_table(
        "lead_import_row",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("email_domain", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("industry", sa.String(length=80), nullable=False),
        sa.Column("product_line", sa.String(length=80), nullable=False),
        sa.Column("campaign", sa.String(length=80), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_row", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["lead_import.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("import_id", "row"),
    )


def downgrade() -> None:
    op.drop_table("lead_import_row")
    with op.batch_alter_table("lead_import", schema=None) as batch_op:
        batch_op.drop_column("staged_digest")
        batch_op.drop_column("staged_through")
        batch_op.drop_column("staged_rows")
