"""Event fan-out: "who may know" for 100,000 events over 1,000 organizations, and the feed.

    .venv/bin/python bench/event_fanout.py [--events 100000] [--batch 1000] [--rate 200]
        [--seconds 20] [--reuse] [--measure N]

Builds (or with ``--reuse`` keeps) the ``concord_fanout`` database on 127.0.0.1:5432: 10
vendors and 990 partners (each a partner of 1-3 vendors at a random tier, an admin and a member
each, half of them seeing only their own records), 20,000 leads (a fifth claimed), 5,000 deals
and 2,000 cases worked by partners, 3 tier rules per vendor for leads and deals, and the events
(60 % on leads, 25 % on deals, 15 % on cases, a third of those case notes, half of them
internal). Then, one process, one thread ("one worker"):

1. **knowers**: :func:`partners.sharing.knowers.knowing_users` and ``knowing_organizations`` for
   every event, ``--batch`` events a call: events/s and the (event, knower) pairs found;
2. **lag**: a writer commits ``--rate`` events/s (one per transaction) for ``--seconds`` while
   the consumer loop polls for events past its position every 50 ms and answers who may know
   for each new batch; the lag is from the writer's commit to the end of that answer (p50/p99).
   This is the loop a ``partners.consumers`` consumer runs, without its position table (not on
   main when this was written);
3. **feed**: the home feed's first page (20 events and the count) for 200 random users: p50/p99.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.areas  # noqa: E402, F401 - every area registers its record kind
import documents.models  # noqa: E402, F401 - every table, for create_all
import integrations.edi_exchange.models  # noqa: E402, F401
import portal.campaigns.models  # noqa: E402
import portal.orders.models  # noqa: E402, F401
from partners.db import Base  # noqa: E402
from partners.events import Event  # noqa: E402
from partners.models import Organization, Partnership, Team, TeamMembership, User  # noqa: E402
from partners.roles import OrgKind, OrgStatus, Role, Tier, UserStatus  # noqa: E402
from partners.sharing.audiences import (  # noqa: E402
    audience_ids,
    organization_audience,
    tier_audience,
)
from partners.sharing.grants import apply_rule  # noqa: E402
from partners.sharing.knowers import knowing_organizations, knowing_users  # noqa: E402
from partners.sharing.levels import AccessLevel  # noqa: E402
from partners.sharing.models import GranteeKind, GrantSource, SharingRule  # noqa: E402
from portal.cases.models import Case  # noqa: E402
from portal.cases.sharing import CASES  # noqa: E402
from portal.deals.models import Deal  # noqa: E402
from portal.deals.sharing import DEALS  # noqa: E402
from portal.home.activity import home_feed  # noqa: E402
from portal.leads.models import Lead, LeadStatus  # noqa: E402
from portal.leads.sharing import LEADS  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
NAME = "concord_fanout"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{NAME}"
VENDORS, ORGS = 10, 1000


def _create_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME}")
        conn.execute(f"CREATE DATABASE {NAME}")


def build(engine, events: int, rng: random.Random) -> None:
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        orgs = [
            {
                "name": f"Org {n}",
                "slug": f"org-{n}",
                "kind": OrgKind.vendor if n < VENDORS else OrgKind.partner,
                "members_see_all_records": n % 2 == 0,
            }
            for n in range(ORGS)
        ]
        db.execute(insert(Organization), orgs)
        ids = list(db.scalars(select(Organization.id).order_by(Organization.id)))
        vendors, partners = ids[:VENDORS], ids[VENDORS:]
        links = {
            p: rng.sample(vendors, rng.randint(1, 3)) for p in partners
        }  # partner → its vendors
        db.execute(
            insert(Partnership),
            [
                {
                    "parent_id": v,
                    "child_id": p,
                    "tier": rng.choice(list(Tier)),
                    "status": OrgStatus.active,
                    "region": "EMEA",
                    "timezone": "Europe/Berlin",
                }
                for p, of in links.items()
                for v in of
            ],
        )
        users = [
            {
                "organization_id": org,
                "email": f"{role.value}@{org}.example",
                "name": f"{role.value} {org}",
                "role": role,
                "status": UserStatus.active,
                "password_hash": "x",
            }
            for org in ids
            for role in (Role.admin, Role.member)
        ]
        db.execute(insert(User), users)
        db.execute(insert(Team), [{"organization_id": org, "name": "Sales"} for org in partners])
        teams = dict(db.execute(select(Team.organization_id, Team.id)).all())
        members = db.execute(select(User.id, User.organization_id).where(User.role == Role.member))
        db.execute(
            insert(TeamMembership),
            [{"team_id": teams[org], "user_id": u} for u, org in members if org in teams],
        )
        audiences = dict(
            zip(ids, audience_ids(db, [organization_audience(o) for o in ids]), strict=True)
        )
        records = {
            LEADS: _records(db, Lead, 20_000, vendors, links, rng, claimed=0.2),
            DEALS: _records(db, Deal, 5_000, vendors, links, rng),
            CASES: _records(db, Case, 2_000, vendors, links, rng),
        }
        for kind, rows in records.items():
            grants = [
                {
                    "audience_id": audiences[owner],
                    kind.grant_record.key: rid,
                    "source_kind": GrantSource.ownership,
                    "source_id": owner,
                    "level": AccessLevel.manage,
                }
                for rid, owner, _ in rows
            ] + [
                {
                    "audience_id": audiences[partner],
                    kind.grant_record.key: rid,
                    "source_kind": GrantSource.participation,
                    "source_id": partner,
                    "level": AccessLevel.edit,
                }
                for rid, _, partner in rows
                if partner is not None
            ]
            db.execute(insert(kind.grant), [{**g, **_pool(kind, g)} for g in grants])
        for vendor in vendors:
            for kind in (LEADS, DEALS):
                tier = rng.choice(list(Tier))
                (audience,) = audience_ids(db, [tier_audience(vendor, tier)])
                rule = SharingRule(
                    owner_org_id=vendor,
                    name="Rule",
                    record_type=kind.record_type,
                    criteria={},
                    grantee_kind=GranteeKind.tier,
                    grantee_tier=tier,
                    audience_id=audience,
                    level=AccessLevel.view,
                )
                db.add(rule)
                db.flush()
                apply_rule(db, rule)
        db.commit()
        _events(db, records, events, rng)
        db.commit()
    with psycopg.connect(f"{SERVER}/{NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _pool(kind, grant: dict) -> dict:
    return {"in_pool": False} if kind.pooled else {}


def _records(db, model, count, vendors, links, rng, claimed: float = 1.0) -> list[tuple]:
    """``count`` records of the vendors; each worked by one of the owner's partners (for leads,
    ``claimed`` of them; the rest are in the pool). Returns (id, owner, partner or None)."""
    by_vendor = {v: [p for p, of in links.items() if v in of] for v in vendors}
    rows = []
    for n in range(count):
        owner = rng.choice(vendors)
        partner = rng.choice(by_vendor[owner]) if rng.random() < claimed else None
        row = {"owner_org_id": owner}
        if model is Lead:
            status = LeadStatus.claimed if partner else LeadStatus.available
            row |= {"company": f"Company {n}", "status": status, "claimed_by_org_id": partner}
        elif model is Deal:
            row |= {"name": f"Deal {n}", "customer": f"Customer {n}", "partner_org_id": partner}
        else:
            row |= {"number": n + 1, "subject": f"Case {n}", "partner_org_id": partner}
        rows.append(row)
    ids = db.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows).all()
    return [
        (rid, row["owner_org_id"], _partner(model, row)) for rid, row in zip(ids, rows, strict=True)
    ]


def _partner(model, row: dict) -> int | None:
    return row.get("claimed_by_org_id") if model is Lead else row.get("partner_org_id")


def _event(records, rng: random.Random) -> dict:
    roll = rng.random()
    kind = LEADS if roll < 0.6 else DEALS if roll < 0.85 else CASES
    rid, owner, _partner_org = rng.choice(records[kind])
    row = {
        "type": f"{kind.noun}.updated",
        "actor_org_id": owner,
        "record_type": kind.noun,
        "record_id": rid,
        "payload": {"summary": "", "before": None, "after": {}, "record": {}},
    }
    if kind is CASES and rng.random() < 1 / 3:
        visibility = rng.choice(["internal", "shared"])
        row["type"] = "case.note_added"
        row["payload"]["after"] = {"note": 1, "visibility": visibility, "team": None}
    return row


def _events(db, records, count: int, rng: random.Random) -> None:
    for start in range(0, count, 10_000):
        db.execute(insert(Event), [_event(records, rng) for _ in range(min(10_000, count - start))])


def knowers_throughput(engine, batch: int, measure: int | None) -> None:
    with Session(engine) as db:
        ids = list(db.scalars(select(Event.id).order_by(Event.id).limit(measure)))
        for name, answer in (("users", knowing_users), ("organizations", knowing_organizations)):
            pairs, started = 0, time.perf_counter()
            for start in range(0, len(ids), batch):
                found = answer(db, ids[start : start + batch])
                pairs += sum(len(v) for v in found.values())
            elapsed = time.perf_counter() - started
            print(
                f"knowers ({name}): {len(ids)} events in {elapsed:.1f} s = "
                f"{len(ids) / elapsed:,.0f} events/s, {pairs / len(ids):.1f} knowers an event"
            )


def lag(engine, rate: int, seconds: int, rng: random.Random) -> None:
    with Session(engine) as db:
        records = {
            kind: db.execute(
                select(kind.model.id, kind.model.owner_org_id, kind.model.id)  # partner unused
            ).all()
            for kind in (LEADS, DEALS, CASES)
        }
        position = db.scalar(select(func.max(Event.id))) or 0
    committed: dict[int, float] = {}
    done = threading.Event()

    def write() -> None:
        with Session(engine) as writer:
            interval, next_at = 1 / rate, time.perf_counter()
            end = next_at + seconds
            while next_at < end:
                event_id = writer.scalar(insert(Event).returning(Event.id), _event(records, rng))
                writer.commit()
                committed[event_id] = time.perf_counter()
                next_at += interval
                time.sleep(max(0.0, next_at - time.perf_counter()))
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    lags: list[float] = []
    with Session(engine) as db:
        while not done.is_set() or len(lags) < len(committed):
            ids = list(db.scalars(select(Event.id).where(Event.id > position).order_by(Event.id)))
            db.commit()
            if ids:
                knowing_users(db, ids)
                db.commit()
                now = time.perf_counter()
                lags += [now - committed[i] for i in ids if i in committed]
                position = ids[-1]
            else:
                time.sleep(0.05)
    thread.join()
    lags.sort()
    print(
        f"lag at {rate} events/s for {seconds} s: {len(lags)} events, p50 "
        f"{statistics.median(lags) * 1000:.0f} ms, p99 {lags[int(len(lags) * 0.99)] * 1000:.0f} "
        f"ms, max {lags[-1] * 1000:.0f} ms"
    )


def feed_latency(engine, rng: random.Random) -> None:
    with Session(engine) as db:
        users = rng.sample(list(db.scalars(select(User))), 200)
        times = []
        for user in users:
            started = time.perf_counter()
            query = home_feed(db, user)
            db.scalars(query.limit(20)).all()
            db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
            times.append(time.perf_counter() - started)
            db.rollback()
        times.sort()
        print(
            f"home feed, first page and count, 200 users: p50 {statistics.median(times) * 1000:.0f}"
            f" ms, p99 {times[int(len(times) * 0.99)] * 1000:.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--measure", type=int, help="answer for the first N events only")
    parser.add_argument("--feed-only", action="store_true", help="with --reuse: phase 3 only")
    args = parser.parse_args()
    rng = random.Random(12)
    if not args.reuse:
        _create_database()
    engine = create_engine(URL)
    if not args.reuse:
        started = time.perf_counter()
        build(engine, args.events, rng)
        print(f"built in {time.perf_counter() - started:.0f} s")
    if not args.feed_only:
        knowers_throughput(engine, args.batch, args.measure)
        lag(engine, args.rate, args.seconds, rng)
    feed_latency(engine, rng)


if __name__ == "__main__":
    main()
