"""case SLAs: a vendor's calendar and targets per priority, the SLA clock on each case,
the escalation steps taken, the other partner organizations
involved in a case, and partners' ratings of closed cases

Revision ID: c4e5a6b7d8f9
Revises: f2b3c4d5e6a7
Create Date: 2026-12-07 13:40:00
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "c4e5a6b7d8f9"
down_revision = "f2b3c4d5e6a7"
branch_labels = None
depends_on = None

PRIORITY = sa.Enum(
    "low", "normal", "high", "urgent", name="casepriority", native_enum=False, length=20
)


def upgrade() -> None:
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_first_response_hours", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sla_resolution_hours", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sla_timezone", sa.String(length=64), nullable=False, server_default="UTC")
        )
        batch_op.add_column(
            sa.Column("sla_paused_seconds", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("sla_paused_since", partners.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("first_responded_at", partners.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "first_response_due_at", partners.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("resolution_due_at", partners.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_support_case_first_response_due_at"), ["first_response_due_at"]
        )
        batch_op.create_index(
            batch_op.f("ix_support_case_resolution_due_at"), ["resolution_due_at"]
        )
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.alter_column("sla_timezone", server_default=None)
        batch_op.alter_column("sla_paused_seconds", server_default=None)

    op.create_table(
        "case_settings",
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_case_settings_owner_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("owner_org_id", name=op.f("pk_case_settings")),
    )
    op.create_table(
        "case_sla_target",
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("priority", PRIORITY, nullable=False),
        sa.Column("first_response_hours", sa.Integer(), nullable=False),
        sa.Column("resolution_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_case_sla_target_owner_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("owner_org_id", "priority", name=op.f("pk_case_sla_target")),
    )

    op.create_table(
        "case_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=24), nullable=False),
        sa.Column(
            "step",
            sa.Enum("nearing", "breached", name="escalationstep", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("escalated_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["support_case.id"],
            name=op.f("fk_case_escalation_case_id_support_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_escalation")),
        sa.UniqueConstraint("case_id", "clock", "step", name=op.f("uq_case_escalation_case_id")),
    )

    op.create_table(
        "case_party",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("added_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["support_case.id"],
            name=op.f("fk_case_party_case_id_support_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_case_party_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("case_id", "organization_id", name=op.f("pk_case_party")),
    )

    op.create_table(
        "case_feedback",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["support_case.id"],
            name=op.f("fk_case_feedback_case_id_support_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_case_feedback_author_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_feedback")),
    )


def downgrade() -> None:
    op.drop_table("case_feedback")
    op.drop_table("case_party")
    op.drop_table("case_escalation")
    op.drop_table("case_sla_target")
    op.drop_table("case_settings")
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_case_resolution_due_at"))
        batch_op.drop_index(batch_op.f("ix_support_case_first_response_due_at"))
        for column in (
            "resolution_due_at",
            "first_response_due_at",
            "first_responded_at",
            "sla_paused_since",
            "sla_paused_seconds",
            "sla_timezone",
            "sla_resolution_hours",
            "sla_first_response_hours",
        ):
            batch_op.drop_column(column)
