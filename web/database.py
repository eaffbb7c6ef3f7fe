"""One database session per request, committed once at the end (Indico's request lifecycle).

Views and services only flush. A response below 400 commits; errors and refusals roll back.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from partners.db import make_engine, make_session_factory


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
            finally:
                session.close()
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()

    return database


def database() -> Database:
    return current_app.extensions["concord.db"]


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().factory()
    return g.db_session
