"""Full-text search over document text on PostgreSQL: ``document_text.search_vector``, a stored
generated tsvector (configuration ``simple``) with a GIN index. SQLite keeps ILIKE.

Revision ID: 5c1e0f3a9b27
Revises: add5513f7589
Create Date: 2026-11-23 17:05:00.000000
"""

from alembic import op

revision = "5c1e0f3a9b27"
down_revision = "add5513f7589"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Computed for every existing row here (the table is rewritten), and by PostgreSQL on
    # every insert and update after: nothing in the application maintains it.
    op.execute(
        "ALTER TABLE document_text ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED"
    )
    op.execute(
        "CREATE INDEX ix_document_text_search_vector ON document_text USING gin (search_vector)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_document_text_search_vector")
    op.execute("ALTER TABLE document_text DROP COLUMN search_vector")
