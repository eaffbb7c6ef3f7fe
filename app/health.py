"""``/healthz`` and ``/readyz`` for load balancers and orchestrators.

- ``/healthz`` (liveness, and "can this host serve at all"): the database answers ``SELECT 1``
  and document storage answers (`Storage.check`), each within a couple of seconds.
- ``/readyz`` (may the balancer send traffic here): the same, plus the schema is not behind
  the migrations' head (a host started before ``concord db upgrade`` finished waits; one whose
  database a newer release upgraded keeps serving through a rolling deploy), the rate-limit
  store answers, and the host is not draining (the file ``CONCORD_DRAIN_FILE`` exists: an
  operator takes the host out of rotation before stopping it).

Both answer 200 when every check passes and 503 otherwise, with ``{"status": …, "checks":
{name: "ok" | "failing"}}``. The body names the failing check but not why: the routes are public,
so the reason (hosts, paths, buckets) goes to the log only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, jsonify
from sqlalchemy import text

from migrations import runner
from web.access import public

logger = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

#: How long PostgreSQL may take over the health query before the check fails.
STATEMENT_TIMEOUT_MS = 2000

Check = Callable[[Flask], None]


def check_database(app: Flask) -> None:
    engine = app.extensions["concord.db"].engine
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
        connection.execute(text("SELECT 1")).scalar_one()


def check_storage(app: Flask) -> None:
    app.extensions["concord.storage"].check()


def check_migrations(app: Flask) -> None:
    with app.extensions["concord.db"].engine.connect() as connection:
        if not runner.schema_ready(connection):
            raise RuntimeError(f"schema is behind {sorted(runner.script_heads())}")


def check_rate_limits(app: Flask) -> None:
    if not app.extensions["concord.login_throttle"].strategy.storage.check():
        raise RuntimeError("the rate-limit storage does not answer")


def check_not_draining(app: Flask) -> None:
    drain_file = app.extensions["concord.settings"].drain_file
    if drain_file.exists():
        raise RuntimeError(f"{drain_file} exists")


LIVE: dict[str, Check] = {"database": check_database, "storage": check_storage}
READY: dict[str, Check] = {
    **LIVE,
    "migrations": check_migrations,
    "rate_limits": check_rate_limits,
    "not_draining": check_not_draining,
}


def run_checks(checks: dict[str, Check]) -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    results = {}
    for name, check in checks.items():
        try:
            check(app)
        except Exception as error:
            logger.warning("health check %s failed: %s", name, error)
            results[name] = "failing"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    response = jsonify(status="ok" if healthy else "failing", checks=results)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@public
def healthz() -> Response:
    return run_checks(LIVE)


@bp.get("/readyz")
@public
def readyz() -> Response:
    return run_checks(READY)
