"""The search box on PostgreSQL: GIN expression indexes over the tsvector each kind is searched
by (``portal/search/matching.py``, ``search_vector``; configuration ``simple``). SQLite searches
with LIKE and gets nothing here (``docs/architecture.md``, "Search").

Revision ID: f3b9d2c7a1e4
Revises: f3d9a2c7b1e4
Create Date: 2026-12-07 11:00:00.000000
"""

from alembic import op

revision = "f3b9d2c7a1e4"
down_revision = "f3d9a2c7b1e4"
branch_labels = None
depends_on = None

#: index → (table, searched columns): the expression must stay the one the query builds.
INDEXES = {
    "ix_lead_search": ("lead", ("company", "contact_name")),
    "ix_deal_search": ("deal", ("name", "customer")),
    "ix_support_case_search": ("support_case", ("subject", "description")),
    "ix_case_note_search": ("case_note", ("body",)),
    "ix_campaign_search": ("campaign", ("name", "description")),
    "ix_purchase_order_search": ("purchase_order", ("number",)),
}


def _vector(columns: tuple[str, ...]) -> str:
    text = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"to_tsvector('simple'::regconfig, {text})"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, columns) in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({_vector(columns)}))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")
