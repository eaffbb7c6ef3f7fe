"""Claims/s with the event written: ``claim_lead`` against its floor, and the event's own cost.

    .venv/bin/python bench/claims_events.py [--clients 32] [--seconds 5] [--rounds 2]

Needs the ``concord_bench`` database of ``bench/sharing_inbox.py --keep`` (the setup, checks and
restore are those of ``bench/sharing_claims.py``). Phases, each for the same time with the same
32 clients (threads, one session each), alternated ``--rounds`` times so the machine's mood
falls on all of them alike:

1. **with event**: ``portal.leads.service.claim_lead`` then commit, as a request does (the
   audit entry and its event written by ``audit.record``);
2. **without event**: the same, with the event left out (the audit entry's statement without the
   event's part, for the phase): the difference is the event's cost;
3. **floor**: one hand-written ``UPDATE lead … WHERE id = … AND status = 'available' RETURNING
   id`` sent through a session of the app's factory, then commit: the least any claim written
   against a SQLAlchemy session costs.

Every phase's claims are checked (each lead won once, by its client's organization, no lead with
two claimants) and every event of the run is counted against the claims "with event" made.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sharing_claims import (
    BARE,
    BENCH_URL,
    VENDOR,
    _check,
    _claimers,
    _cpu,
    _restore,
    _run,
    _uptime,
    lift_caps,
)
from partners import audit
from partners.context import ServiceContext
from partners.db import make_engine, make_session_factory
from partners.mail import Mailer
from partners.models import AuditEntry, User
from portal.leads import service

#: Leads set aside per phase and round, shared out among the clients.
PER_PHASE = {"with event": 1280, "without event": 1280, "floor": 12160}


#: The "without event" phase: the audit entry alone, in place of the entry and its event in one
#: statement (``audit._BOTH``; the event's parameters go unused).
AUDIT_ONLY = insert(AuditEntry.__table__).values(
    audit._bound(AuditEntry.__table__, "a_", audit._AUDIT_KEYS)
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    conn = psycopg.connect(BENCH_URL, autocommit=True)
    conn.execute("VACUUM (ANALYZE) lead, lead_grant")
    users = _claimers(conn, args.clients)
    assert len(users) == args.clients, "not enough partners of the vendor"
    orgs = [
        conn.execute("SELECT organization_id FROM user_account WHERE id = %s", (u,)).fetchone()[0]
        for u in users
    ]
    per_client = {phase: leads // args.clients for phase, leads in PER_PHASE.items()}
    phases = list(per_client) * args.rounds
    need = args.clients * sum(per_client[phase] for phase in phases)
    pool = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM lead WHERE owner_org_id = %s AND status = 'available' "
            "ORDER BY id LIMIT %s",
            (VENDOR, need),
        )
    ]
    assert len(pool) == need, f"{len(pool)} available leads, {need} needed"
    slices, first = [], 0
    for phase in phases:
        size = per_client[phase]
        slices.append(
            [pool[first + i * size : first + (i + 1) * size] for i in range(args.clients)]
        )
        first += size * args.clients
    first_event = conn.execute("SELECT coalesce(max(id), 0) FROM event").fetchone()[0]
    engine = make_engine(BENCH_URL, pool_size=args.clients, max_overflow=0)
    factory = make_session_factory(engine)
    lift_caps(conn)
    print(_uptime())
    results: dict[str, list[tuple[float, float]]] = {phase: [] for phase in per_client}
    claimed_with_events = 0
    try:
        for phase, leads in zip(phases, slices, strict=True):

            def claim(i: int, deadline: float, won: list[int], leads=leads) -> None:
                with factory() as db:
                    actor = db.get_one(User, users[i])
                    ctx = ServiceContext(
                        db=db, actor=actor, mailer=Mailer("log://", "x"), base_url=""
                    )
                    for lead_id in leads[i]:
                        if time.monotonic() > deadline:
                            return
                        service.claim_lead(ctx, lead_id)
                        db.commit()
                        won.append(lead_id)

            def floor(i: int, deadline: float, won: list[int], leads=leads) -> None:
                with factory() as db:
                    for lead_id in leads[i]:
                        if time.monotonic() > deadline:
                            return
                        row = db.connection().exec_driver_sql(BARE, (orgs[i], lead_id)).first()
                        db.commit()
                        if row is not None:
                            won.append(lead_id)

            original = audit._BOTH
            if phase == "without event":
                audit._BOTH = AUDIT_ONLY
            try:
                started, cpu = time.perf_counter(), _cpu()
                won = _run(args.clients, args.seconds, floor if phase == "floor" else claim)
                elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
            finally:
                audit._BOTH = original
            count = _check(conn, won, orgs)
            if any(len(ids) == per_client[phase] for ids in won):
                print(f"  warning: a {phase} client ran out of leads; raise PER_PHASE")
            if phase == "with event":
                claimed_with_events += count
            results[phase].append((count / elapsed, cpu * 1000 / max(count, 1)))
            print(f"  {phase}: {count / elapsed:7.0f} claims/s, {cpu * 1000 / count:.2f} ms CPU")
        double = conn.execute(
            "SELECT count(*) FROM (SELECT lead_id FROM lead_grant WHERE lead_id = ANY(%s) "
            "AND source_kind = 2 GROUP BY lead_id HAVING count(*) > 1) d",
            (pool,),
        ).fetchone()[0]
        assert double == 0, f"{double} leads with two claimants"
        events = conn.execute(
            "SELECT count(*) FROM event WHERE id > %s AND type = 'lead.claimed'", (first_event,)
        ).fetchone()[0]
        assert events == claimed_with_events, (events, claimed_with_events)
        rate = {phase: statistics.mean(r for r, _ in runs) for phase, runs in results.items()}
        cpu = {phase: statistics.mean(c for _, c in runs) for phase, runs in results.items()}
        print(f"{args.clients} clients, {args.rounds} x {args.seconds:.0f} s per phase, no double")
        print(f"claims, one event per claim ({events} events):")
        for phase in per_client:
            print(f"  {phase}: {rate[phase]:7.0f} claims/s, client CPU {cpu[phase]:.2f} ms/claim")
        print(f"  claim_lead with event / floor: {rate['with event'] / rate['floor']:.1%}")
        cost = 1 - rate["with event"] / rate["without event"]
        print(
            f"  the event's cost: {cost:.1%} of claims/s, "
            f"{cpu['with event'] - cpu['without event']:.2f} ms CPU/claim"
        )
        print(_uptime())
    finally:
        engine.dispose()
        _restore(pool)
        conn.execute("DELETE FROM event WHERE id > %s", (first_event,))
        conn.execute("DELETE FROM lead_routing_settings WHERE owner_org_id = %s", (VENDOR,))


if __name__ == "__main__":
    main()
