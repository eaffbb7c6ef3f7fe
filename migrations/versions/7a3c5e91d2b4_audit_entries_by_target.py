"""audit entries by target: one record's trail (the deal page's history) without a scan

Revision ID: 7a3c5e91d2b4
Revises: 3d24953f8ff6
Create Date: 2026-11-24 09:00:00.000000
"""

from alembic import op

revision = "7a3c5e91d2b4"
down_revision = "3d24953f8ff6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entry_target", ["target_type", "target_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_target")
