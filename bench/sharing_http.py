"""Requests/s of the lead inbox (and of claims) under gunicorn, against bare Flask ceilings.

    .venv/bin/python bench/sharing_http.py [--user 645] [--seconds 20] [--connections 32]

Needs the ``concord_bench`` database of ``bench/sharing_inbox.py --keep`` and ``wrk`` (Debian:
``apt-get install -y wrk``). In one run it starts, one after the other, with 2 gunicorn workers
each on loopback:

- the real app (``create_app``) on ``concord_bench`` with a throwaway instance directory; the
  partner user's password is set to a known one and the session cookie is obtained by signing
  in through ``/login``;
- a bare Flask app (the ceiling): one route running the fastest of three hand-written SQL shapes
  for the same user's visible pool on a raw psycopg connection (the user's audience ids are
  looked up once at start), rendering the same rows and columns with a Jinja template.

``wrk`` loads ``/leads/`` page 1 and the ceiling with the same connections for the same time;
then one client (1 connection) measures latency of each, and the app's own server-side time is
read from the access log (``%(M)s`` ms). ``--claims N`` also POSTs N claims through the real
app (distinct leads, see ``bench/sharing_claims.py`` for the service-level figures).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sharing_inbox import SHAPES  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_URL = f"{SERVER}/concord_bench"
PASSWORD = "bench-password-123"
PER_PAGE = 25  # the inbox page's size (``queries.window``); it fetches one more for "next"

#: The ceiling's SQL: the shapes of ``bench/sharing_inbox.py`` for one page and its columns.
CEILINGS = [
    shape.format(
        columns="l.id, l.company, l.contact_name, l.country, l.region, l.industry, l.score, "
        "l.amount, l.created_at",
        limit="%(n)s",
    )
    for shape in SHAPES
]

CEILING_TEMPLATE = """<!doctype html><html><head><title>Lead pool</title></head><body>
<table class="leads"><thead><tr><th>Company</th><th>Country</th><th>Region</th><th>Industry</th>
<th>Score</th><th>Amount</th><th>Published</th><th>Action</th></tr></thead><tbody>
{% for lead in rows %}<tr>
<td><a href="/leads/{{ lead.id }}">{{ lead.company }}</a>
{% if lead.contact_name %}<div class="muted">{{ lead.contact_name }}</div>{% endif %}</td>
<td>{{ lead.country or '—' }}</td><td>{{ lead.region or '—' }}</td>
<td>{{ lead.industry or '—' }}</td><td>{{ lead.score }}</td>
<td>{{ '—' if lead.amount is none else '{:,.2f}'.format(lead.amount) }}</td>
<td>{{ lead.created_at.strftime('%Y-%m-%d %H:%M') }}</td>
<td><form method="post" action="/leads/{{ lead.id }}/claim" class="inline">
<input type="hidden" name="csrf_token" value="{{ token }}">
<button type="submit" class="primary">Claim</button></form></td>
</tr>{% endfor %}</tbody></table>
{% if has_next %}<a href="?page=2" rel="next">Next →</a>{% endif %}
</body></html>"""


def ceiling_app():
    """The bare Flask app gunicorn serves as ``bench.sharing_http:ceiling_app()``."""
    from flask import Flask, render_template_string
    from psycopg.rows import namedtuple_row

    user_id = int(os.environ["BENCH_USER"])
    sql = CEILINGS[int(os.environ["BENCH_SHAPE"])]
    audiences = [int(a) for a in os.environ["BENCH_AUDIENCES"].split(",")]
    app = Flask(__name__)
    local: dict[str, psycopg.Connection] = {}

    @app.get("/ceiling")
    def ceiling():
        conn = local.get("conn")
        if conn is None or conn.closed:
            conn = local["conn"] = psycopg.connect(
                BENCH_URL, autocommit=True, row_factory=namedtuple_row
            )
        rows = conn.execute(sql, {"a": audiences, "n": PER_PAGE + 1}).fetchall()
        return render_template_string(
            CEILING_TEMPLATE,
            rows=rows[:PER_PAGE],
            has_next=len(rows) > PER_PAGE,
            token=f"token-{user_id}",
        )

    return app


def _audiences(user_id: int) -> list[int]:
    from sqlalchemy.orm import Session

    from partners.db import make_engine
    from partners.models import User
    from partners.sharing.audiences import viewer_for

    engine = make_engine(BENCH_URL)
    with Session(engine) as db:
        audiences = list(viewer_for(db, db.get_one(User, user_id)).audience_ids)
    engine.dispose()
    return audiences


def _fastest_shape(audiences: list[int]) -> int:
    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        times = []
        for sql in CEILINGS:
            conn.execute(sql, {"a": audiences, "n": PER_PAGE + 1}).fetchall()
            start = time.perf_counter()
            for _ in range(3):
                conn.execute(sql, {"a": audiences, "n": PER_PAGE + 1}).fetchall()
            times.append(time.perf_counter() - start)
    return times.index(min(times))


def _seed_password(user_id: int) -> str:
    from partners.passwords import hash_password

    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        conn.execute(
            "UPDATE user_account SET password_hash = %s WHERE id = %s",
            (hash_password(PASSWORD), user_id),
        )
        return conn.execute("SELECT email FROM user_account WHERE id = %s", (user_id,)).fetchone()[
            0
        ]


class Gunicorn:
    def __init__(self, target: str, port: int, env: dict[str, str], log: Path) -> None:
        self.port, self.log = port, log
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(M)s",
            "--log-level",
            "warning",
            target,
        ]
        errors = log.with_suffix(".err").open("w")  # not our stdout: a pipe would stay open
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=errors, stderr=subprocess.STDOUT
        )
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=10, allow_redirects=False)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn on {port} did not start; see {errors.name}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def server_ms(self, path: str) -> list[float]:
        times = []
        for line in self.log.read_text().splitlines():
            _method, url, status, ms = line.split()
            if url.rstrip("/") == path.rstrip("/") and status == "200":
                times.append(float(ms))
        return times


def wrk(url: str, seconds: int, connections: int, cookie: str, script: str | None = None) -> str:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    return subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout


def requests_per_second(output: str) -> float:
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ordered)})"


def one_client(session: requests.Session, url: str, seconds: float) -> list[float]:
    times, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        response = session.get(url, allow_redirects=False)
        assert response.status_code == 200, (url, response.status_code)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", type=int, default=645, help="a partner user of the bench data")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    audiences = _audiences(args.user)
    shape = _fastest_shape(audiences)
    email = _seed_password(args.user)
    print(f"user {args.user} ({email}), {len(audiences)} audiences, ceiling shape {shape}")
    workdir = Path(tempfile.mkdtemp(prefix="concord-http-bench-"))
    app_env = {
        "CONCORD_DATABASE_URL": BENCH_URL.replace("postgresql://", "postgresql+psycopg://"),
        "CONCORD_INSTANCE_PATH": str(workdir / "instance"),
        "CONCORD_SECRET_KEY": "bench-secret-key-not-for-production",
    }
    ceiling_env = {
        "BENCH_USER": str(args.user),
        "BENCH_SHAPE": str(shape),
        "BENCH_AUDIENCES": ",".join(map(str, audiences)),
    }
    results = {}

    app = Gunicorn("app:create_app()", 8741, app_env, workdir / "app.log")
    try:
        base = "http://127.0.0.1:8741"
        client = requests.Session()
        form = client.get(f"{base}/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        signed_in = client.post(
            f"{base}/login",
            data={"csrf_token": token, "email": email, "password": PASSWORD},
            allow_redirects=False,
        )
        assert signed_in.status_code == 302, signed_in.text[:500]
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
        page = client.get(f"{base}/leads/")
        assert page.status_code == 200 and "/claim" in page.text, page.status_code
        one_client(client, f"{base}/leads/", 3)  # warm both workers' caches
        results["app_single"] = one_client(client, f"{base}/leads/", args.seconds / 2)
        results["app_single_server"] = app.server_ms("/leads/")[-len(results["app_single"]) :]
        output = wrk(f"{base}/leads/", args.seconds, args.connections, cookie)
        results["app_rps"] = requests_per_second(output)
        results["app_wrk"] = output
    finally:
        app.stop()

    ceiling = Gunicorn("bench.sharing_http:ceiling_app()", 8742, ceiling_env, workdir / "c.log")
    try:
        base = "http://127.0.0.1:8742"
        client = requests.Session()
        one_client(client, f"{base}/ceiling", 3)
        results["ceiling_single"] = one_client(client, f"{base}/ceiling", args.seconds / 2)
        results["ceiling_single_server"] = ceiling.server_ms("/ceiling")[
            -len(results["ceiling_single"]) :
        ]
        output = wrk(f"{base}/ceiling", args.seconds, args.connections, "")
        results["ceiling_rps"] = requests_per_second(output)
        results["ceiling_wrk"] = output
    finally:
        ceiling.stop()

    print(results["app_wrk"])
    print(results["ceiling_wrk"])
    print(f"/leads/ page 1, one client, round trip: {_percentiles(results['app_single'])}")
    print(f"  server-side (access log):             {_percentiles(results['app_single_server'])}")
    print(f"ceiling, one client, round trip:        {_percentiles(results['ceiling_single'])}")
    print(
        f"  server-side (access log):             {_percentiles(results['ceiling_single_server'])}"
    )
    ratio = results["app_rps"] / results["ceiling_rps"]
    print(
        f"{args.connections} connections, {args.seconds} s: "
        f"/leads/ {results['app_rps']:.0f} req/s, "
        f"ceiling {results['ceiling_rps']:.0f} req/s, ratio {ratio:.0%}"
    )


if __name__ == "__main__":
    main()
