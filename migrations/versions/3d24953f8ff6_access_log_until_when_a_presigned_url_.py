"""Access log: until when the presigned URL a download was answered with works

Revision ID: 3d24953f8ff6
Revises: 5c1e0f3a9b27
Create Date: 2026-11-23 17:02:04.897885
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "3d24953f8ff6"
down_revision = "5c1e0f3a9b27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_access", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("url_expires_at", partners.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("document_access", schema=None) as batch_op:
        batch_op.drop_column("url_expires_at")
