"""/healthz and /readyz: 200 when every check passes, 503 naming the check that failed."""

import shutil

import pytest
from sqlalchemy import text

from app import create_app
from migrations import runner

from conftest import make_settings


def checks(response) -> dict[str, str]:
    body = response.get_json()
    assert body["status"] == ("ok" if response.status_code == 200 else "failing")
    assert response.headers["Cache-Control"] == "no-store"
    return body["checks"]


def test_a_healthy_host_answers_200_on_both(client):
    live = client.get("/healthz")
    assert live.status_code == 200
    assert checks(live) == {"database": "ok", "storage": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert checks(ready) == {
        "database": "ok",
        "storage": "ok",
        "migrations": "ok",
        "rate_limits": "ok",
        "not_draining": "ok",
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_that_does_not_answer_is_503(tmp_path, smtp, backend):
    unreachable = {
        "sqlite": f"sqlite:///{tmp_path / 'no such directory' / 'concord.db'}",
        "postgresql": "postgresql+psycopg://postgres@127.0.0.1:9/concord?connect_timeout=2",
    }[backend]
    down = create_app(make_settings(tmp_path, smtp[0].port, unreachable), testing=True)
    for url in ("/healthz", "/readyz"):
        response = down.test_client().get(url)
        assert response.status_code == 503
        assert checks(response)["database"] == "failing"
        assert checks(response)["storage"] == "ok"


def test_missing_document_storage_is_503_and_says_so(app, client):
    shutil.rmtree(app.extensions["concord.storage"].root)
    for url in ("/healthz", "/readyz"):
        response = client.get(url)
        assert response.status_code == 503
        assert checks(response) | {"storage": "failing"} == checks(response)
        assert checks(response)["database"] == "ok"
    assert "documents" not in client.get("/healthz").get_data(as_text=True)  # no paths leak


def test_a_database_before_its_migrations_is_live_but_not_ready(tmp_path, smtp):
    """A host started before ``concord db upgrade`` finished: no traffic for it yet."""
    url = f"sqlite:///{tmp_path / 'not-upgraded.db'}"
    early = create_app(make_settings(tmp_path, smtp[0].port, url), testing=True).test_client()
    assert early.get("/healthz").status_code == 200
    response = early.get("/readyz")
    assert response.status_code == 503
    assert checks(response)["migrations"] == "failing"
    engine = early.application.extensions["concord.db"].engine
    runner.upgrade(engine, "c4e1a9d3f7b2")  # a release behind
    assert checks(early.get("/readyz"))["migrations"] == "failing"
    runner.upgrade(engine)
    assert early.get("/readyz").status_code == 200
    with engine.begin() as connection:  # a newer release upgraded it: keep serving meanwhile
        connection.execute(text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
    assert early.get("/readyz").status_code == 200


def test_a_draining_host_is_live_but_not_ready(app, client):
    drain_file = app.extensions["concord.settings"].drain_file
    drain_file.parent.mkdir(parents=True, exist_ok=True)
    drain_file.touch()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response)["not_draining"] == "failing"
    drain_file.unlink()
    assert client.get("/readyz").status_code == 200


def test_a_rate_limit_store_that_does_not_answer_is_not_ready(tmp_path, smtp, engine):
    url = engine.url.render_as_string(hide_password=False)
    settings = make_settings(tmp_path, smtp[0].port, url, CONCORD_REDIS_URL="redis://127.0.0.1:9/0")
    http = create_app(settings, testing=True).test_client()
    assert http.get("/healthz").status_code == 200
    response = http.get("/readyz")
    assert response.status_code == 503
    assert checks(response)["rate_limits"] == "failing"
