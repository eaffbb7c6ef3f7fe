"""One database session per request, committed once at the end (Indico's request lifecycle).

Views and services only flush. A response below 400 commits; errors and refusals roll back.

On SQLite a request that may change something (any method but GET, HEAD and OPTIONS: sign-in,
forms, API writes) begins its transaction as a writer (``BEGIN IMMEDIATE``), so it waits its
turn instead of failing half-way; reads stay deferred and do not write. What a read must
record (a session's or a token's last use) is written after it by :func:`write_aside`.
When the database stays busy past the timeout the answer is 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import exc
from sqlalchemy.orm import Session, sessionmaker

from partners.db import WRITER, is_busy, make_engine, make_session_factory, unit_of_work
from web.problems import is_api_path, problem

logger = logging.getLogger(__name__)

#: Requests of these methods only read; every other one begins as a writer.
READS = frozenset({"GET", "HEAD", "OPTIONS"})
#: How long a client is asked to wait before trying again when the database is busy.
RETRY_AFTER_SECONDS = 5


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.factory: sessionmaker[Session] = make_session_factory(self.engine)


def init_database(app: Flask, url: str) -> Database:
    database = Database(url)
    app.extensions["concord.db"] = database

    @app.after_request
    def _commit(response: Response) -> Response:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            except exc.OperationalError as error:
                if not is_busy(error):
                    raise
                session.rollback()
                return busy_response()
            finally:
                session.close()
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
        for work in g.pop("concord_aside", []):
            _run_aside(work)

    @app.errorhandler(exc.OperationalError)
    def _busy(error: exc.OperationalError):
        if not is_busy(error):
            raise error
        session: Session | None = g.get("db_session")
        if session is not None:
            session.rollback()
        return busy_response()

    return database


def busy_response() -> Response:
    """503 with ``Retry-After``: a problem on API paths, a plain page otherwise. The page is
    rendered without the signed-in user (loading them would need the database)."""
    logger.warning("database busy: %s %s answered 503", request.method, request.path)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    message = "The portal is busy just now, so nothing was saved. Try again in a few seconds."
    if is_api_path(request.path):
        return problem(503, message, headers=headers)
    page = current_app.jinja_env.get_template("busy.html").render(message=message)
    return Response(page, status=503, headers=headers, mimetype="text/html")


def database() -> Database:
    return current_app.extensions["concord.db"]


def _request_writes() -> bool:
    return has_request_context() and request.method not in READS


def db_session() -> Session:
    """The request's session, opened on first use; a writer unless the request only reads."""
    if "db_session" not in g:
        g.db_session = database().factory(execution_options=WRITER if _request_writes() else {})
    return g.db_session


@contextmanager
def read_session() -> Iterator[Session]:
    """A short read-only transaction of its own, for work a write request must do before its
    own transaction begins (a password check, which on SQLite must not hold the write lock)."""
    session = database().factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def write_aside(work: Callable[[Session], None]) -> None:
    """Have ``work`` done in a short writer transaction of its own, once the request's session
    is closed (so a request never holds two connections): the bookkeeping a read does.
    A request that writes does it in its own transaction, which holds the write lock anyway."""
    if _request_writes():
        work(db_session())
    else:
        g.setdefault("concord_aside", []).append(work)


def _run_aside(work: Callable[[Session], None]) -> None:
    """Best effort: when the database stays busy the bookkeeping is skipped, not the answer."""
    try:
        with unit_of_work(database().factory, writer=True) as session:
            work(session)
    except exc.OperationalError as error:
        if not is_busy(error):
            raise
        logger.info("database busy: bookkeeping after %s %s skipped", request.method, request.path)
