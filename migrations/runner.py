"""Run Alembic programmatically against any database URL or open connection."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return ScriptDirectory.from_config(config)


def script_heads() -> frozenset[str]:
    """The newest revision(s) among the migration scripts this code ships."""
    return frozenset(_scripts().get_heads())


def schema_ready(connection: Connection) -> bool:
    """Whether this code may serve the database's schema: it is at the scripts' head, or ahead
    of them (a newer release ran ``concord db upgrade`` during a rolling deploy; migrations keep
    the previous release working). Not when it is empty or behind: ``concord db upgrade`` is due.
    """
    current = set(MigrationContext.configure(connection).get_current_heads())
    known = {revision.revision for revision in _scripts().walk_revisions()}
    return current == script_heads() or bool(current - known)


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def revision(engine: Engine, message: str) -> None:
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
