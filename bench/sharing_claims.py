"""Claims/s: 32 concurrent ``claim_lead`` callers against a bare conditional UPDATE loop.

    .venv/bin/python bench/sharing_claims.py [--clients 32] [--seconds 10] [--http]

Needs the ``concord_bench`` database of ``bench/sharing_inbox.py --keep``. Each client is one
thread with its own database session (no HTTP) and a partner user of vendor 1 (whose broad rule
lets all its partners claim its pool); the clients get disjoint slices of vendor 1's available
leads. In the same run, for the same time each:

1. **service**: ``portal.leads.service.claim_lead`` then commit, one transaction per claim, as a
   request does (audit entry and grant refresh included);
2. **ceiling**: ``UPDATE lead SET status = 'claimed', … WHERE id = … AND status = 'available'
   RETURNING id`` on a raw psycopg connection in autocommit.

Every claim must win exactly once: the run checks that the leads each phase reported as won
are distinct, are claimed in the database by that client's organization, and that no lead has
two participation grants. ``--http`` adds POSTs to ``/leads/<id>/claim`` through gunicorn
(2 workers, ``wrk``, 32 connections; see ``bench/sharing_http.py``). Afterwards every lead the
run touched is put back (status, claimant, grant rows), so ``--reuse`` runs stay comparable.
"""

from __future__ import annotations

import argparse
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
    select,
    update,
)
from sqlalchemy.orm import Session  # noqa: E402

from bench.sharing_http import BENCH_URL, PASSWORD, Gunicorn, _seed_password  # noqa: E402
from partners.context import NotFound, ServiceContext, ServiceError  # noqa: E402
from partners.db import make_engine  # noqa: E402
from partners.mail import Mailer  # noqa: E402
from partners.models import User  # noqa: E402
from partners.roles import Tier  # noqa: E402
from partners.sharing import grants  # noqa: E402
from partners.sharing.kinds import LEADS  # noqa: E402
from partners.sharing.models import GrantSource, LeadGrant  # noqa: E402
from portal.leads import service  # noqa: E402
from portal.leads.models import Lead, LeadStatus  # noqa: E402

VENDOR = 1
SERVICE_PER_CLIENT, BARE_PER_CLIENT, HTTP_PER_CLIENT = 400, 2000, 300
CSRF = r'name="csrf_token"[^>]*value="([^"]+)"'
BARE = """UPDATE lead SET status = 'claimed', claimed_by_org_id = %s, claimed_at = now(),
          updated_at = now() WHERE id = %s AND status = 'available' RETURNING id"""


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
    users = _claimers(conn, args.clients)
    assert len(users) == args.clients, "not enough partners of the vendor"
    orgs = [
        conn.execute("SELECT organization_id FROM user_account WHERE id = %s", (u,)).fetchone()[0]
        for u in users
    ]
    # Leads set aside per client: the service, the bare loop, HTTP (vendor 1 has 100,000).
    sizes = [SERVICE_PER_CLIENT] * args.clients + [BARE_PER_CLIENT] * args.clients
    sizes += [HTTP_PER_CLIENT] * (args.clients if args.http else 0)
    pool = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM lead WHERE owner_org_id = %s AND status = 'available' "
            "ORDER BY id LIMIT %s",
            (VENDOR, sum(sizes)),
        )
    ]
    assert len(pool) == sum(sizes), "not enough available leads"
    slices, first = [], 0
    for size in sizes:
        slices.append(pool[first : first + size])
        first += size
    engine = make_engine(BENCH_URL, pool_size=args.clients, max_overflow=0)
    # The owner's open-claim caps (3-20 per partner by default) would stop each client after a
    # few claims: lift them for the run (the cap check itself still runs on every claim).
    lifted = conn.execute(
        "INSERT INTO lead_routing_settings (owner_org_id, sla_hours, max_open_claims, min_tier, "
        "cursor, updated_at) VALUES (%s, '{}', %s, 'registered', '{}', now()) "
        "ON CONFLICT DO NOTHING RETURNING owner_org_id",
        (VENDOR, Json({tier.value: 10**6 for tier in Tier})),
    ).fetchone()
    assert lifted is not None, "vendor 1 has routing settings already; remove them first"
    print(_uptime())
    try:
        # 1. claim_lead, one transaction per claim.
        def claim(i: int, deadline: float, won: list[int]) -> None:
            with Session(engine) as db:
                actor = db.get_one(User, users[i])
                ctx = ServiceContext(db=db, actor=actor, mailer=Mailer("log://", "x"), base_url="")
                for lead_id in slices[i]:
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
        started = time.perf_counter()
        won = _run(args.clients, args.seconds, claim)
        assert not refused, f"{len(refused)} claims refused, e.g. {refused[0]}"
        service_rate = _check(conn, won, orgs) / (time.perf_counter() - started)
        double = conn.execute(
            "SELECT count(*) FROM (SELECT lead_id FROM lead_grant WHERE lead_id = ANY(%s) "
            "AND source_kind = 2 GROUP BY lead_id HAVING count(*) > 1) d",
            (pool,),
        ).fetchone()[0]
        assert double == 0, f"{double} leads with two claimants"

        # 2. the bare UPDATE loop, same clients, the next slices.
        def bare(i: int, deadline: float, won: list[int]) -> None:
            with psycopg.connect(BENCH_URL, autocommit=True) as raw:
                for lead_id in slices[args.clients + i]:
                    if time.monotonic() > deadline:
                        return
                    if raw.execute(BARE, (orgs[i], lead_id)).fetchone() is not None:
                        won.append(lead_id)

        started = time.perf_counter()
        won = _run(args.clients, args.seconds, bare)
        bare_rate = _check(conn, won, orgs) / (time.perf_counter() - started)
        print(f"{args.clients} clients, {args.seconds:.0f} s each, no double claims:")
        print(f"  claim_lead + commit: {service_rate:7.0f} claims/s")
        print(f"  bare UPDATE … RETURNING: {bare_rate:7.0f} claims/s")
        print(f"  ratio: {service_rate / bare_rate:.0%}")
        if args.http:
            http_rate = claim_http(args, users, slices[2 * args.clients :])
            print(
                f"  through HTTP (gunicorn, 2 workers, wrk): {http_rate:7.0f} claims/s, "
                f"{http_rate / bare_rate:.0%} of the bare UPDATE loop"
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
    """Put the leads back in the pool, with the grant rows ``refresh_lead`` would give them."""
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
        # Rule rows exist only for leads in the pool: claim_lead removed them (not the bare loop).
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
