"""Documents attached to an order follow the order (both parties view them, as they see the
order), instead of a participation grant to the other party: no ``document.party_org_id``

Revision ID: add5513f7589
Revises: b0f727c12cc8
Create Date: 2026-11-23 16:37:18.123258
"""

import sqlalchemy as sa
from alembic import op

revision = "add5513f7589"
down_revision = "b0f727c12cc8"
branch_labels = None
depends_on = None

#: ``partners.sharing.models.GrantSource.participation``: on documents, only the order's party.
PARTICIPATION = 2


def upgrade() -> None:
    op.execute(sa.text(f"DELETE FROM document_grant WHERE source_kind = {PARTICIPATION}"))
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_document_party_org_id_organization"), type_="foreignkey"
        )
        batch_op.drop_column("party_org_id")


def downgrade() -> None:
    # The grants are not restored: attachments to orders reach both parties without them.
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_org_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_document_party_org_id_organization"),
            "organization",
            ["party_org_id"],
            ["id"],
        )
