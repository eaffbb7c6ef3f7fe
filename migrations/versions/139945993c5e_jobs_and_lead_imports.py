"""jobs and lead imports

Revision ID: 139945993c5e
Revises: 8442e6270b25
Create Date: 2026-11-23 13:57:12.713624
"""

import sqlalchemy as sa
from alembic import op

import partners.db

revision = "139945993c5e"
down_revision = "8442e6270b25"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="jobstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_job_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_job_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index("ix_job_status_run_after", ["status", "run_after"], unique=False)

    op.create_table(
        "lead_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("delimiter", sa.String(length=1), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("skip_duplicates", sa.Boolean(), nullable=False),
        sa.Column("publish", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "queued",
                "imported",
                "invalid",
                name="importstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("imported_count", sa.Integer(), nullable=False),
        sa.Column("duplicate_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("created_at", partners.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", partners.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_lead_import_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_lead_import_job_id_job")),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organization.id"],
            name=op.f("fk_lead_import_owner_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_import")),
    )
    with op.batch_alter_table("lead_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_import_owner_org_id"), ["owner_org_id"], unique=False
        )

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_lead_duplicate_of_id",
            ["duplicate_of_id"],
            unique=False,
            postgresql_where=sa.text("duplicate_of_id IS NOT NULL"),
            sqlite_where=sa.text("duplicate_of_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_lead_import_id",
            ["import_id"],
            unique=False,
            postgresql_where=sa.text("import_id IS NOT NULL"),
            sqlite_where=sa.text("import_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_lead_owner_domain_email",
            ["owner_org_id", "email_domain", "contact_email"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_import_id_lead_import"),
            "lead_import",
            ["import_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_duplicate_of_id_lead"),
            "lead",
            ["duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_lead_duplicate_of_id_lead"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_lead_import_id_lead_import"), type_="foreignkey")
        batch_op.drop_index("ix_lead_owner_domain_email")
        batch_op.drop_index(
            "ix_lead_import_id",
            postgresql_where=sa.text("import_id IS NOT NULL"),
            sqlite_where=sa.text("import_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "ix_lead_duplicate_of_id",
            postgresql_where=sa.text("duplicate_of_id IS NOT NULL"),
            sqlite_where=sa.text("duplicate_of_id IS NOT NULL"),
        )
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("import_id")

    with op.batch_alter_table("lead_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_import_owner_org_id"))

    op.drop_table("lead_import")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_status_run_after")
        batch_op.drop_index(batch_op.f("ix_job_organization_id"))

    op.drop_table("job")
