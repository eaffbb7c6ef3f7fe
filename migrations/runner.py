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
def script_heads() -> frozenset[str]:
    """The newest revision(s) among the migration scripts this code ships (read once)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def at_head(connection: Connection) -> bool:
    """Whether the database's schema is the one this code expects (``concord db upgrade`` ran)."""
    return set(MigrationContext.configure(connection).get_current_heads()) == script_heads()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def revision(engine: Engine, message: str) -> None:
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
