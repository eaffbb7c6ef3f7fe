"""The models describe the schema the migrations build: nothing differs, on either backend.

Grant tables are made by one helper from each area's kind (``partners/sharing/grant_tables.py``);
this is what proves the helper makes exactly the tables, keys and indexes the migrations
created (and that no model drifts from its migration).
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from migrations.registry import metadata
from partners.sharing import registry

#: PostgreSQL's full-text search objects, made by migrations only (expression GIN indexes and a
#: generated tsvector column: ``portal/search/matching.py`` builds the same expressions).
POSTGRESQL_SEARCH_OBJECTS = {
    "ix_campaign_search",
    "ix_case_note_search",
    "ix_deal_search",
    "ix_lead_search",
    "ix_purchase_order_search",
    "ix_support_case_search",
    "ix_document_text_search_vector",
    "ix_kb_article_search",
    "search_vector",
}


def _modelled(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and compare_to is None and name in POSTGRESQL_SEARCH_OBJECTS)


def test_the_models_match_the_migrated_database(connection):
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": _modelled,
        },
    )

    assert compare_metadata(context, metadata) == []


def test_every_kind_has_its_grant_table_in_the_metadata():
    grant_tables = {kind.grant.__table__.name for kind in registry.registered()}

    assert grant_tables == {
        "lead_grant",
        "deal_grant",
        "document_grant",
        "case_grant",
        "campaign_grant",
        "article_grant",
        "fund_request_grant",
    }
    assert grant_tables <= set(metadata.tables)
