"""lead scoring rules

Revision ID: 8442e6270b25
Revises: 203b324289a6
Create Date: 2026-11-23 13:50:08.852040
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "8442e6270b25"
down_revision = "203b324289a6"
branch_labels = None
depends_on = None

CRITERIA = (
    "industry",
    "country",
    "region",
    "product_line",
    "campaign",
    "amount_at_least",
    "amount_at_most",
    "contact_email",
    "company_domain",
)


def upgrade() -> None:
    op.create_table(
        "lead_scoring_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column(
            "criterion",
            sa.Enum(*CRITERIA, name="scorecriterion", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("match_values", sa.JSON(), nullable=False),
        sa.Column("bound", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_lead_scoring_rule_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_lead_scoring_rule_owner_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_scoring_rule")),
    )
    op.create_index(
        op.f("ix_lead_scoring_rule_owner_org_id"), "lead_scoring_rule", ["owner_org_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lead_scoring_rule_owner_org_id"), table_name="lead_scoring_rule")
    op.drop_table("lead_scoring_rule")
