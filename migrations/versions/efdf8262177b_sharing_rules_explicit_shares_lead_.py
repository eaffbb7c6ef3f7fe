"""sharing rules, explicit shares, lead grants and leads

Revision ID: efdf8262177b
Revises: b0321a7ac5ba
Create Date: 2026-11-23 11:08:30.289131
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "efdf8262177b"
down_revision = "b0321a7ac5ba"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audience",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("relative_to_org_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audience_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["relative_to_org_id"],
            ["organization.id"],
            name=op.f("fk_audience_relative_to_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience")),
        sa.UniqueConstraint("key", name=op.f("uq_audience_key")),
    )
    op.create_table(
        "explicit_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column(
            "record_type",
            sa.Enum("lead", name="recordtype", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("grantee_org_id", sa.Integer(), nullable=True),
        sa.Column("grantee_team_id", sa.Integer(), nullable=True),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("expires_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active", "expired", "revoked", name="sharestatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_explicit_share_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_explicit_share_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["grantee_org_id"],
            ["organization.id"],
            name=op.f("fk_explicit_share_grantee_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["grantee_team_id"], ["team.id"], name=op.f("fk_explicit_share_grantee_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_explicit_share_owner_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explicit_share")),
    )
    with op.batch_alter_table("explicit_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_explicit_share_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_explicit_share_owner_org_id"), ["owner_org_id"], unique=False
        )
        batch_op.create_index(
            "ix_explicit_share_record", ["record_type", "record_id"], unique=False
        )

    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
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
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "available",
                "claimed",
                "accepted",
                "working",
                "qualified",
                "converted",
                "lost",
                "returned",
                name="leadstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("claimed_by_org_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assigned_user_id", sa.Integer(), nullable=True),
        sa.Column("assigned_team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_team_id"], ["team.id"], name=op.f("fk_lead_assigned_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"],
            ["user_account.id"],
            name=op.f("fk_lead_assigned_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_org_id"],
            ["organization.id"],
            name=op.f("fk_lead_claimed_by_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"], ["organization.id"], name=op.f("fk_lead_owner_org_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_claimed_by_org_id"), ["claimed_by_org_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lead_owner_org_id"), ["owner_org_id"], unique=False)
        batch_op.create_index(
            "ix_lead_status_created_at_id", ["status", "created_at", "id"], unique=False
        )

    op.create_table(
        "sharing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "record_type",
            sa.Enum("lead", name="recordtype", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column(
            "grantee_kind",
            sa.Enum(
                "organization",
                "tier",
                "kind",
                "all_partners",
                name="granteekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("grantee_org_id", sa.Integer(), nullable=True),
        sa.Column(
            "grantee_tier",
            sa.Enum(
                "registered",
                "silver",
                "gold",
                "platinum",
                name="tier",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "grantee_org_kind",
            sa.Enum(
                "vendor", "partner", "distributor", name="orgkind", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_sharing_rule_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_sharing_rule_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["grantee_org_id"],
            ["organization.id"],
            name=op.f("fk_sharing_rule_grantee_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_sharing_rule_owner_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_rule")),
    )
    with op.batch_alter_table("sharing_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_rule_owner_org_id"), ["owner_org_id"], unique=False
        )

    op.create_table(
        "lead_grant",
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.SmallInteger(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_lead_grant_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_lead_grant_lead_id_lead"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "audience_id", "lead_id", "source_kind", "source_id", name=op.f("pk_lead_grant")
        ),
    )
    with op.batch_alter_table("lead_grant", schema=None) as batch_op:
        batch_op.create_index("ix_lead_grant_lead_id", ["lead_id"], unique=False)
        batch_op.create_index("ix_lead_grant_source", ["source_kind", "source_id"], unique=False)

    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "members_see_all_records", sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("members_see_all_records")

    with op.batch_alter_table("lead_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_grant_source")
        batch_op.drop_index("ix_lead_grant_lead_id")

    op.drop_table("lead_grant")
    with op.batch_alter_table("sharing_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_rule_owner_org_id"))

    op.drop_table("sharing_rule")
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_status_created_at_id")
        batch_op.drop_index(batch_op.f("ix_lead_owner_org_id"))
        batch_op.drop_index(batch_op.f("ix_lead_claimed_by_org_id"))

    op.drop_table("lead")
    with op.batch_alter_table("explicit_share", schema=None) as batch_op:
        batch_op.drop_index("ix_explicit_share_record")
        batch_op.drop_index(batch_op.f("ix_explicit_share_owner_org_id"))
        batch_op.drop_index(batch_op.f("ix_explicit_share_expires_at"))

    op.drop_table("explicit_share")
    op.drop_table("audience")
