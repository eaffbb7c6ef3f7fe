"""Claims/s: 32 concurrent ``claim_lead`` callers against a bare conditional UPDATE loop.

    .venv/bin/python bench/sharing_claims.py [--clients 32] [--seconds 10] [--http]

Needs the ``concord_bench`` database of ``bench/sharing_inbox.py --keep``. Each client is one
thread with its own database session (no HTTP) and a partner user of vendor 1 (whose broad rule
lets all its partners claim its pool); the clients get disjoint slices of vendor 1's available
leads. In the same run, for the same time each:

1. **service**: ``portal.leads.service.claim_lead`` then commit, one transaction per claim, as a
   request does (audit entry and grant refresh included), in a session made by the app's own
   factory (``make_session_factory``: objects are not expired at commit);
2. **ceiling**: ``UPDATE lead SET status = 'claimed', … WHERE id = … AND status = 'available'
   RETURNING id`` on a raw psycopg connection in autocommit.

``--floors`` adds two phases for the breakdown in ``docs/performance.md``: **one statement**,
everything a claim writes (the cap count, the UPDATE, the grant rows, the audit row) as one
hand-written SQL statement per transaction on a raw connection, i.e. the database's share of a
claim with no Python work at all; and **through a session**, the same statement sent through a
session of the app's factory (``exec_driver_sql``, then commit), i.e. the least any claim
written against the session costs. Each phase reports the client process's CPU per claim (user
+ system: the 32 threads share one interpreter lock), and the service phase its statements.

Autovacuum is off on the benchmark machine, so the run first vacuums ``lead`` and ``lead_grant``
(earlier runs leave hundreds of thousands of dead row versions, which slowed every later run).

Every claim must win exactly once: the run checks that the leads each phase reported as won
are distinct, are claimed in the database by that client's organization, and that no lead has
two participation grants. ``--http`` adds POSTs to ``/leads/<id>/claim`` through gunicorn
(2 workers, ``wrk``, 32 connections; see ``bench/sharing_http.py``). Afterwards every lead the
run touched is put back (status, claimant, grant rows), so ``--reuse`` runs stay comparable.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import requests
from psycopg.types.json import Json

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import (  # noqa: E402
    ARRAY,
    Integer,
    any_,
    bindparam,
    delete,
    event,
    select,
    update,
)
from sqlalchemy.orm import Session  # noqa: E402

from bench.sharing_http import BENCH_URL, PASSWORD, Gunicorn, _seed_password  # noqa: E402
from partners.context import NotFound, ServiceContext, ServiceError  # noqa: E402
from partners.db import make_engine, make_session_factory  # noqa: E402
from partners.mail import Mailer  # noqa: E402
from partners.models import User  # noqa: E402
from partners.roles import Tier  # noqa: E402
from partners.sharing import grants  # noqa: E402
from partners.sharing.models import GrantSource  # noqa: E402
from portal.leads import service  # noqa: E402
from portal.leads.models import Lead, LeadStatus  # noqa: E402
from portal.leads.sharing import LEADS, LeadGrant  # noqa: E402

VENDOR = 1
#: Leads set aside per client and phase (vendor 1 has 100,000 in its pool).
PER_CLIENT = {"service": 400, "bare": 1500, "floor": 400, "session": 400, "http": 300}
CSRF = r'name="csrf_token"[^>]*value="([^"]+)"'
BARE = """UPDATE lead SET status = 'claimed', claimed_by_org_id = %s, claimed_at = now(),
          updated_at = now() WHERE id = %s AND status = 'available' RETURNING id"""
#: What a claim writes, by hand, in one statement: the cap count, the conditional UPDATE, the
#: claimant's participation grant and the audit row (rule rows and pool flags stay as they
#: were: the predicate ignores them once the lead left the pool). The floor of any
#: implementation that keeps the claim's guarantees.
ONE_STATEMENT = """
WITH held AS (
  SELECT count(*) FILTER (WHERE status = 'claimed') AS n FROM lead
  WHERE claimed_by_org_id = %(org)s AND owner_org_id = %(owner)s),
won AS (
  UPDATE lead SET status = 'claimed', claimed_by_org_id = %(org)s, claimed_at = now(),
         claim_via = 'pool', claim_expires_at = now() + interval '2 days', accepted_at = NULL,
         updated_at = now()
  WHERE id = %(lead)s AND status = 'available' AND (SELECT n FROM held) < 1000000
  RETURNING id, company),
party AS (INSERT INTO lead_grant (audience_id, lead_id, source_kind, source_id, level, in_pool)
          SELECT a.id, won.id, 2, %(org)s, 3, false FROM won
          JOIN audience a ON a.key = 'org:' || %(org)s),
logged AS (INSERT INTO audit_entry (at, actor_user_id, actor_org_id, subject_org_id, action,
                                    target_type, target_id, summary, before, after, ip)
           SELECT now(), %(user)s, %(org)s, %(owner)s, 'lead.claimed', 'Lead', won.id::text,
                  'claimed lead ' || won.company, '{"status": "available"}',
                  '{"status": "claimed"}', '' FROM won)
SELECT id FROM won"""


def lift_caps(conn) -> None:
    """The owner's open-claim caps (3-20 per partner by default) would stop each client after a
    few claims: lift them for the run (the cap check itself still runs on every claim)."""
    lifted = conn.execute(
        "INSERT INTO lead_routing_settings (owner_org_id, sla_hours, max_open_claims, min_tier, "
        "cursor, updated_at) VALUES (%s, '{}', %s, 'registered', '{}', now()) "
        "ON CONFLICT DO NOTHING RETURNING owner_org_id",
        (VENDOR, Json({tier.value: 10**6 for tier in Tier})),
    ).fetchone()
    assert lifted is not None, "vendor 1 has routing settings already; remove them first"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _claimers(conn: psycopg.Connection, count: int) -> list[int]:
    """Partner users (one per organization) with an active partnership with the vendor."""
    return [
        row[0]
        for row in conn.execute(
            """SELECT u.id FROM user_account u JOIN partnership p ON p.child_id = u.organization_id
               JOIN organization o ON o.id = u.organization_id
               WHERE p.parent_id = %s AND p.status = 'active' AND o.kind = 'partner'
               ORDER BY u.id LIMIT %s""",
            (VENDOR, count),
        )
    ]


def _run(clients: int, seconds: float, work) -> list[list[int]]:
    """``work(i, deadline, won)`` in ``clients`` threads started together; the ids each won."""
    won: list[list[int]] = [[] for _ in range(clients)]
    start = threading.Barrier(clients + 1)

    def run(i: int) -> None:
        start.wait()
        work(i, time.monotonic() + seconds, won[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    return won


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _check(conn: psycopg.Connection, won: list[list[int]], orgs: list[int]) -> int:
    every = [lead for ids in won for lead in ids]
    assert len(every) == len(set(every)), "a lead was won twice"
    for ids, org in zip(won, orgs, strict=True):
        claimed = conn.execute(
            "SELECT count(*) FROM lead WHERE id = ANY(%s) AND status = 'claimed' "
            "AND claimed_by_org_id = %s",
            (ids, org),
        ).fetchone()[0]
        assert claimed == len(ids), (org, claimed, len(ids))
    return len(every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--http", action="store_true", help="also claim through gunicorn")
    parser.add_argument("--floors", action="store_true", help="also time the one-statement floors")
    parser.add_argument(
        "--restore", action="store_true", help="only put back every claimed lead of the vendor"
    )
    args = parser.parse_args()
    conn = psycopg.connect(BENCH_URL, autocommit=True)
    if args.restore:
        claimed = "SELECT id FROM lead WHERE owner_org_id = %s AND status = 'claimed'"
        _restore([row[0] for row in conn.execute(claimed, (VENDOR,))])
        conn.execute("DELETE FROM lead_routing_settings WHERE owner_org_id = %s", (VENDOR,))
        return
    conn.execute("VACUUM (ANALYZE) lead, lead_grant")
    users = _claimers(conn, args.clients)
    assert len(users) == args.clients, "not enough partners of the vendor"
    orgs = [
        conn.execute("SELECT organization_id FROM user_account WHERE id = %s", (u,)).fetchone()[0]
        for u in users
    ]
    phases = ["service", "bare"] + ["floor", "session"] * args.floors + ["http"] * args.http
    pool = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM lead WHERE owner_org_id = %s AND status = 'available' "
            "ORDER BY id LIMIT %s",
            (VENDOR, args.clients * sum(PER_CLIENT[phase] for phase in phases)),
        )
    ]
    slices: dict[str, list[list[int]]] = {}
    first = 0
    for phase in phases:
        size = PER_CLIENT[phase]
        slices[phase] = [
            pool[first + i * size : first + (i + 1) * size] for i in range(args.clients)
        ]
        first += size * args.clients
    assert first == len(pool), "not enough available leads"
    engine = make_engine(BENCH_URL, pool_size=args.clients, max_overflow=0)
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args) -> None:
        statements[0] += 1

    lift_caps(conn)
    print(_uptime())
    try:

        def timed(phase: str, work) -> tuple[float, float, int]:
            """Claims/s, client CPU ms per claim and claims of one phase, its claims checked."""
            started, cpu = time.perf_counter(), _cpu()
            won = _run(args.clients, args.seconds, work)
            elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
            count = _check(conn, won, orgs)
            if any(len(ids) == PER_CLIENT[phase] for ids in won):
                print(f"  warning: a {phase} client ran out of leads; raise PER_CLIENT")
            return count / elapsed, cpu * 1000 / max(count, 1), count

        # 1. claim_lead, one transaction per claim.
        factory = make_session_factory(engine)

        def claim(i: int, deadline: float, won: list[int]) -> None:
            with factory() as db:
                actor = db.get_one(User, users[i])
                ctx = ServiceContext(db=db, actor=actor, mailer=Mailer("log://", "x"), base_url="")
                for lead_id in slices["service"][i]:
                    if time.monotonic() > deadline:
                        return
                    try:
                        service.claim_lead(ctx, lead_id)
                        db.commit()
                        won.append(lead_id)
                    except (NotFound, ServiceError) as error:
                        db.rollback()
                        refused.append(str(error))

        refused: list[str] = []
        counted = statements[0]
        service_rate, service_cpu, claims = timed("service", claim)
        assert not refused, f"{len(refused)} claims refused, e.g. {refused[0]}"
        per_claim = (statements[0] - counted) / claims
        double = conn.execute(
            "SELECT count(*) FROM (SELECT lead_id FROM lead_grant WHERE lead_id = ANY(%s) "
            "AND source_kind = 2 GROUP BY lead_id HAVING count(*) > 1) d",
            (pool,),
        ).fetchone()[0]
        assert double == 0, f"{double} leads with two claimants"

        # 2. the bare UPDATE loop, same clients, the next slices.
        def bare(i: int, deadline: float, won: list[int]) -> None:
            with psycopg.connect(BENCH_URL, autocommit=True) as raw:
                for lead_id in slices["bare"][i]:
                    if time.monotonic() > deadline:
                        return
                    if raw.execute(BARE, (orgs[i], lead_id)).fetchone() is not None:
                        won.append(lead_id)

        bare_rate, bare_cpu, _ = timed("bare", bare)
        print(f"{args.clients} clients, {args.seconds:.0f} s each, no double claims:")
        print(
            f"  claim_lead + commit: {service_rate:7.0f} claims/s, client CPU "
            f"{service_cpu:.2f} ms/claim, {per_claim:.1f} statements/claim (+ ping, BEGIN, COMMIT)"
        )
        print(f"  bare UPDATE … RETURNING: {bare_rate:7.0f} claims/s, client CPU {bare_cpu:.2f} ms")
        print(f"  ratio: {service_rate / bare_rate:.1%}")
        if args.floors:

            def floor(i: int, deadline: float, won: list[int]) -> None:
                params = {"org": orgs[i], "owner": VENDOR, "user": users[i]}
                with psycopg.connect(BENCH_URL) as raw:
                    for lead_id in slices["floor"][i]:
                        if time.monotonic() > deadline:
                            return
                        row = raw.execute(ONE_STATEMENT, {**params, "lead": lead_id}).fetchone()
                        raw.commit()
                        if row is not None:
                            won.append(lead_id)

            def through_session(i: int, deadline: float, won: list[int]) -> None:
                params = {"org": orgs[i], "owner": VENDOR, "user": users[i]}
                with factory() as db:
                    for lead_id in slices["session"][i]:
                        if time.monotonic() > deadline:
                            return
                        result = db.connection().exec_driver_sql(
                            ONE_STATEMENT, {**params, "lead": lead_id}
                        )
                        row = result.first()
                        db.commit()
                        if row is not None:
                            won.append(lead_id)

            for phase, work, label in (
                ("floor", floor, "one statement (raw psycopg, BEGIN … COMMIT)"),
                ("session", through_session, "one statement through a session + commit"),
            ):
                rate, cpu, _ = timed(phase, work)
                print(
                    f"  {label}: {rate:7.0f} claims/s, {rate / bare_rate:.1%} of the bare loop, "
                    f"client CPU {cpu:.2f} ms/claim"
                )
        if args.http:
            http_rate = claim_http(args, users, slices["http"])
            print(
                f"  through HTTP (gunicorn, 2 workers, wrk): {http_rate:7.0f} claims/s, "
                f"{http_rate / bare_rate:.1%} of the bare UPDATE loop"
            )
        print(_uptime())
    finally:
        engine.dispose()
        _restore(pool)
        conn.execute("DELETE FROM lead_routing_settings WHERE owner_org_id = %s", (VENDOR,))


def claim_http(args, users: list[int], slices: list[list[int]]) -> float:
    """POST /leads/<id>/claim with wrk: one thread and connection per client, each signed in
    as its own partner user and walking its own lead ids (Lua ``request``)."""
    workdir = Path(tempfile.mkdtemp(prefix="concord-claims-bench-"))
    env = {
        "CONCORD_DATABASE_URL": BENCH_URL.replace("postgresql://", "postgresql+psycopg://"),
        "CONCORD_INSTANCE_PATH": str(workdir / "instance"),
        "CONCORD_SECRET_KEY": "bench-secret-key-not-for-production",
    }
    app = Gunicorn("app:create_app()", 8743, env, workdir / "app.log")
    try:
        base = "http://127.0.0.1:8743"
        signed_in = []
        for user_id in users:
            email = _seed_password(user_id)
            client = requests.Session()
            token = re.search(CSRF, client.get(f"{base}/login").text).group(1)
            client.post(
                f"{base}/login",
                data={"csrf_token": token, "email": email, "password": PASSWORD},
                allow_redirects=False,
            )
            token = re.search(CSRF, client.get(f"{base}/leads/").text).group(1)
            cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
            signed_in.append((cookie, token))
        script = workdir / "claim.lua"
        lua_clients = ",\n".join(
            f"{{cookie = '{cookie}', token = '{token}', ids = {{{','.join(map(str, ids))}}}}}"
            for (cookie, token), ids in zip(signed_in, slices, strict=True)
        )
        script.write_text(
            f"local clients = {{\n{lua_clients}\n}}\n"
            "local counter = 0\n"
            "function setup(thread) counter = counter + 1; thread:set('index', counter) end\n"
            "function init(args) me = clients[index]; n = 0 end\n"
            "function request()\n  n = n + 1\n"
            "  return wrk.format('POST', '/leads/' .. me.ids[n] .. '/claim', "
            "{['Content-Type'] = 'application/x-www-form-urlencoded', ['Cookie'] = me.cookie}, "
            "'csrf_token=' .. me.token)\nend\n"
        )
        every = [lead for ids in slices for lead in ids]
        clients = str(len(users))
        command = ["wrk", "-t", clients, "-c", clients, "-d", f"{int(args.seconds)}s"]
        output = subprocess.run(
            [*command, "-s", str(script), f"{base}/"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        print(output)
        with psycopg.connect(BENCH_URL, autocommit=True) as conn:
            won = conn.execute(
                "SELECT count(*) FROM lead WHERE id = ANY(%s) AND status = 'claimed'", (every,)
            ).fetchone()[0]
            double = conn.execute(
                "SELECT count(*) FROM (SELECT lead_id FROM lead_grant WHERE lead_id = ANY(%s) "
                "AND source_kind = 2 GROUP BY lead_id HAVING count(*) > 1) d",
                (every,),
            ).fetchone()[0]
        assert double == 0, f"{double} leads with two claimants"
        print(f"  HTTP: {won} leads claimed")
        return won / args.seconds
    finally:
        app.stop()


def _restore(pool: list[int]) -> None:
    """Put the leads back in the pool, with the grant rows ``sharing.changed`` would give them."""
    engine = make_engine(BENCH_URL)
    ids = bindparam("ids", pool, type_=ARRAY(Integer))
    with Session(engine) as db:
        claimed = list(
            db.scalars(
                select(Lead.id).where(Lead.id == any_(ids), Lead.status != LeadStatus.available)
            )
        )
        these = bindparam("these", claimed, type_=ARRAY(Integer))
        db.execute(
            update(Lead)
            .where(Lead.id == any_(these))
            .values(
                status=LeadStatus.available,
                claimed_by_org_id=None,
                claimed_at=None,
                claim_via=None,
                claim_expires_at=None,
                accepted_at=None,
            )
        )
        db.execute(
            delete(LeadGrant).where(
                LeadGrant.lead_id == any_(these),
                LeadGrant.source_kind == GrantSource.participation,
            )
        )
        db.execute(update(LeadGrant).where(LeadGrant.lead_id == any_(these)).values(in_pool=True))
        # Rule rows of leads out of the pool may have been pruned by a worker meanwhile.
        has_rule_rows = select(LeadGrant.lead_id).where(
            LeadGrant.lead_id == Lead.id, LeadGrant.source_kind == GrantSource.rule
        )
        stripped = list(
            db.scalars(select(Lead.id).where(Lead.id == any_(these), ~has_rule_rows.exists()))
        )
        grants.apply_owner_rules(
            db,
            LEADS,
            VENDOR,
            Lead.id == any_(bindparam("stripped", stripped, type_=ARRAY(Integer))),
        )
        db.commit()
    engine.dispose()
    print(f"restored {len(claimed)} leads ({len(stripped)} with their rule grants)")


if __name__ == "__main__":
    main()
