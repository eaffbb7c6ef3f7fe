"""market development funds: allocations, requests and their grants

Revision ID: 109784ac5cd6
Revises: e5b8d3f0a2c7
Create Date: 2026-12-07 18:10:47.513282
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "109784ac5cd6"
down_revision = "e5b8d3f0a2c7"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "fund_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_org_id", sa.Integer(), nullable=False),
        sa.Column("partner_org_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_fund_allocation_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organization.id"],
            name=op.f("fk_fund_allocation_partner_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["vendor_org_id"],
            ["organization.id"],
            name=op.f("fk_fund_allocation_vendor_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_allocation")),
        sa.UniqueConstraint("vendor_org_id", "partner_org_id", "starts_on", name="uq_fund_period"),
    )
    with op.batch_alter_table("fund_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_allocation_partner_org_id"), ["partner_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_allocation_vendor_org_id"), ["vendor_org_id"], unique=False
        )

    op.create_table(
        "fund_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("partner_org_id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("activity", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("expected_leads", sa.Integer(), nullable=True),
        sa.Column("amount_requested", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount_approved", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("amount_claimed", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("amount_paid", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "approved",
                "rejected",
                "claimed",
                "claim_rejected",
                "paid",
                name="fundstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.String(length=500), nullable=False),
        sa.Column("claim_note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_team_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["fund_allocation.id"],
            name=op.f("fk_fund_request_allocation_id_fund_allocation"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_fund_request_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_fund_request_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_fund_request_owner_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organization.id"],
            name=op.f("fk_fund_request_partner_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_fund_request_requested_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_team_id"],
            ["team.id"],
            name=op.f("fk_fund_request_assigned_team_id_team"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_request")),
    )
    with op.batch_alter_table("fund_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_request_allocation_status", ["allocation_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_request_owner_org_id"), ["owner_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_request_partner_org_id"), ["partner_org_id"], unique=False
        )

    op.create_table(
        "fund_request_grant",
        sa.Column("fund_request_id", sa.Integer(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.SmallInteger(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"],
            ["audience.id"],
            name=op.f("fk_fund_request_grant_audience_id_audience"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_request_id"],
            ["fund_request.id"],
            name=op.f("fk_fund_request_grant_fund_request_id_fund_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "fund_request_id",
            "audience_id",
            "source_kind",
            "source_id",
            name=op.f("pk_fund_request_grant"),
        ),
    )
    with op.batch_alter_table("fund_request_grant", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_request_grant_audience", ["audience_id", "fund_request_id"], unique=False
        )
        batch_op.create_index(
            "ix_fund_request_grant_fund_request_audience",
            ["fund_request_id", "audience_id", "level"],
            unique=False,
        )
        batch_op.create_index(
            "ix_fund_request_grant_source", ["source_kind", "source_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_request_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_request_grant_source")
        batch_op.drop_index("ix_fund_request_grant_fund_request_audience")
        batch_op.drop_index("ix_fund_request_grant_audience")

    op.drop_table("fund_request_grant")
    with op.batch_alter_table("fund_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_request_partner_org_id"))
        batch_op.drop_index(batch_op.f("ix_fund_request_owner_org_id"))
        batch_op.drop_index("ix_fund_request_allocation_status")

    op.drop_table("fund_request")
    with op.batch_alter_table("fund_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_allocation_vendor_org_id"))
        batch_op.drop_index(batch_op.f("ix_fund_allocation_partner_org_id"))

    op.drop_table("fund_allocation")
