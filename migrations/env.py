"""Alembic environment: the same migrations run on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context

from migrations.registry import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `concord db upgrade` (migrations.runner)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
