"""lead lifecycle: leases, exclusions, activities, routing

Revision ID: 6487debcfac5
Revises: df02e7921fc3
Create Date: 2026-11-23 12:04:51.152379
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "6487debcfac5"
down_revision = "df02e7921fc3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_routing_settings",
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("sla_hours", sa.JSON(), nullable=False),
        sa.Column("max_open_claims", sa.JSON(), nullable=False),
        sa.Column(
            "min_tier",
            sa.Enum(
                "registered",
                "silver",
                "gold",
                "platinum",
                name="tier",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.Column("updated_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_lead_routing_settings_owner_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("owner_org_id", name=op.f("pk_lead_routing_settings")),
    )
    op.create_table(
        "lead_routing_partner",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("industries", sa.JSON(), nullable=False),
        sa.Column("product_lines", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_lead_routing_partner_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partnership_id", name=op.f("pk_lead_routing_partner")),
    )
    op.create_table(
        "lead_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "call",
                "email",
                "meeting",
                "note",
                "qualification",
                name="activitykind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_lead_activity_lead_id_lead"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_lead_activity_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_lead_activity_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_activity")),
    )
    with op.batch_alter_table("lead_activity", schema=None) as batch_op:
        batch_op.create_index("ix_lead_activity_lead_at", ["lead_id", "at"], unique=False)

    op.create_table(
        "lead_exclusion",
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["lead.id"],
            name=op.f("fk_lead_exclusion_lead_id_lead"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_lead_exclusion_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("lead_id", "organization_id", name=op.f("pk_lead_exclusion")),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_via", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("claim_expires_at", partners.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("accepted_at", partners.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_lead_status_claim_expires_at", ["status", "claim_expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_status_claim_expires_at")
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("claim_expires_at")
        batch_op.drop_column("claim_via")

    op.drop_table("lead_exclusion")
    with op.batch_alter_table("lead_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_activity_lead_at")

    op.drop_table("lead_activity")
    op.drop_table("lead_routing_partner")
    op.drop_table("lead_routing_settings")
