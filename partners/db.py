"""The database foundation every area shares: declarative base, engine, sessions.

Services only ``flush()``; the web request lifecycle commits once per request, and the CLI,
worker and EDI jobs use :func:`unit_of_work`, which rolls back unless the block completes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from psycopg.types.json import Json
from sqlalchemy import JSON, DateTime, Enum, MetaData, create_engine, event, exc, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def string_enum(enum_cls: type, length: int = 20) -> Enum:
    """A Python enum stored as its values in a plain string column (no native DB enum type,
    so adding a member needs no ALTER TYPE)."""
    return Enum(
        enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


#: An execution option for sessions that will write. On SQLite their transaction begins
#: ``IMMEDIATE``: it takes the write lock at once, waiting (``busy_timeout``) while another
#: writer holds it. A deferred transaction that reads and then writes cannot wait: in WAL mode
#: it fails at once if another connection has written since its first read, whatever the
#: timeout. PostgreSQL ignores the option.
SQLITE_WRITER = "concord_sqlite_writer"
WRITER = {SQLITE_WRITER: True}


#: Runs a piece of bookkeeping (``work(session)``) in a transaction of its own, so that a
#: read need not write (the web app's ``write_aside``).
Recorder = Callable[[Callable[[Session], None]], object]


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked": another writer held the database
    longer than the busy timeout. Trying again later will do."""
    code = getattr(getattr(error, "orig", None), "sqlite_errorcode", None)
    return isinstance(error, exc.OperationalError) and code is not None and code & 0xFF in (5, 6)


#: How long opening a PostgreSQL connection may take (unless the URL says ``connect_timeout``).
CONNECT_TIMEOUT_SECONDS = 5


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with SQLite made to behave: foreign keys on, real SAVEPOINTs, WAL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            writer = conn.get_execution_options().get(SQLITE_WRITER, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "connect_timeout" not in url:
        # libpq waits for an unreachable server without end; a request (or /healthz) should not.
        kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, writer: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise;
    ``writer``: one that will write (see :data:`WRITER`)."""
    session = factory(execution_options=WRITER) if writer else factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _copy_processor(column, dialect):
    """How one column's Python values become what COPY writes (psycopg adapts JSON itself)."""
    if isinstance(column.type, JSON):
        return Json
    return column.type.bind_processor(dialect)


def insert_rows(db: Session, model: type[Base], rows: list[dict]) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL, executemany elsewhere.

    Values go through each column type's bind processing, exactly as an ORM insert would, so
    enums, UTC datetimes and JSON are stored the same way whichever path wrote them.
    """
    if not rows:
        return
    connection = db.connection()
    if connection.dialect.name != "postgresql":
        db.execute(insert(model), rows)
        return
    table = model.__table__
    columns = [table.c[name] for name in rows[0]]
    processors = [_copy_processor(column, connection.dialect) for column in columns]
    names = ", ".join(f'"{column.name}"' for column in columns)
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    process(row[column.name]) if process else row[column.name]
                    for column, process in zip(columns, processors, strict=True)
                ]
            )


def allocate_ids(db: Session, model: type[Base], count: int) -> list[int] | None:
    """Reserve ``count`` primary keys up front on PostgreSQL (None elsewhere), so bulk inserts
    need no RETURNING."""
    connection = db.connection()
    if connection.dialect.name != "postgresql" or count == 0:
        return None
    table = model.__table__.name
    sequence = f"pg_get_serial_sequence('{table}', 'id')"
    return list(
        connection.execute(
            text(f"SELECT nextval({sequence}) FROM generate_series(1, :n)"),
            {"n": count},
        ).scalars()
    )
