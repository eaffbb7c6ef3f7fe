"""The lead inbox through the sharing predicate vs hand-written SQL, at PostgreSQL scale.

    .venv/bin/python bench/sharing_inbox.py [--leads 1000000] [--url postgresql://…/postgres]

Creates (and at the end drops, unless --keep) the database ``concord_bench``, migrates it, and
generates with set-based SQL: 1,000 organizations (20 vendors, 980 partners with 1-3 active or
suspended partnerships at random tiers), ``--leads`` leads (half in the pool), their ownership
and participation grants, 2,000 sharing rules applied through ``grants.apply_rule`` (mostly
narrow; every vendor also has one broad rule, and some partners are named by a rule that sees
a handful of the pool), and twice ``--leads`` explicit shares. Then for 200 random partner users
it times page 1 of the inbox (50 newest available leads) through ``lead_inbox`` against the
faster of two hand-written SQL shapes for the same visible set, and times one new rule that
grants about 10% of the leads to a tier while a reader keeps querying.
"""

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text
from sqlalchemy.orm import Session

import app.areas  # noqa: F401 - every area registers its record kind
from migrations import runner
from partners.db import make_engine
from partners.models import User
from partners.roles import Tier
from partners.sharing import grants, records
from partners.sharing.audiences import viewer_for
from partners.sharing.models import Audience, SharingRule
from portal.leads.sharing import LEADS, lead_inbox

DATABASE = "concord_bench"
VENDORS, ORGANIZATIONS, RULES, USERS_TIMED, PAGE = 20, 1000, 2000, 200, 50
TIERS = [tier.value for tier in Tier]
SETVAL = "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"

GENERATE = """
INSERT INTO organization (id, slug, name, kind, status, require_two_factor,
                          members_see_all_records, created_at)
SELECT i, 'org-' || i, 'Org ' || i,
       CASE WHEN i <= {vendors} THEN 'vendor' WHEN i % 10 = 0 THEN 'distributor'
            ELSE 'partner' END,
       'active', false, true, now()
FROM generate_series(1, {organizations}) i;

INSERT INTO user_account (id, organization_id, email, name, role, status, totp_last_step,
                          created_at)
SELECT i, i, 'user' || i || '@org-' || i || '.example', 'User ' || i, 'manager', 'active', 0,
       now()
FROM generate_series(1, {organizations}) i;

INSERT INTO partnership (parent_id, child_id, tier, region, timezone, status, created_at)
SELECT DISTINCT ON (v, p) v, p, (ARRAY{tiers})[1 + (hashint % 4)], 'EMEA', 'UTC',
       CASE WHEN hashint % 20 = 0 THEN 'suspended' ELSE 'active' END, now()
FROM (SELECT p, 1 + ((p * 7 + k * 13) % {vendors}) AS v, abs(hashtext(p || ':' || k)) AS hashint
      FROM generate_series({vendors} + 1, {organizations}) p, generate_series(1, 1 + p % 3) k) s;

INSERT INTO lead (id, owner_org_id, company, contact_name, contact_email, email_domain, country,
                  region, industry, product_line, campaign, score, amount, status,
                  claimed_by_org_id, claimed_at, created_at, updated_at)
SELECT i, CASE WHEN i % 5 = 0 THEN 1 ELSE 1 + i % {vendors} END, 'Company ' || i, '', '', '', 'DE',
       (ARRAY['EMEA','NA','APAC','LATAM'])[1 + i % 4],
       (ARRAY['retail','health','energy','finance','public','telecom','media','auto'])
           [1 + (i / 4) % 8],
       (ARRAY['core','cloud','edge'])[1 + (i / 32) % 3], NULL, (i * 37) % 101,
       ((i * 53) % 100000)::numeric,
       CASE WHEN i % 2 = 0 THEN 'available' ELSE 'working' END,
       CASE WHEN i % 2 = 0 THEN NULL ELSE {vendors} + 1 + i % ({organizations} - {vendors}) END,
       NULL, now() - (i % 31536000) * interval '1 second', now()
FROM generate_series(1, {leads}) i;

INSERT INTO audience (key, organization_id)
SELECT 'org:' || i, i FROM generate_series(1, {organizations}) i;
INSERT INTO audience (key, relative_to_org_id)
SELECT k, v FROM generate_series(1, {vendors}) v,
     LATERAL (VALUES ('partners:' || v), ('kind:' || v || ':partner'),
                     ('kind:' || v || ':distributor'), ('tier:' || v || ':registered'),
                     ('tier:' || v || ':silver'), ('tier:' || v || ':gold'),
                     ('tier:' || v || ':platinum')) keys(k);

INSERT INTO lead_grant (audience_id, lead_id, source_kind, source_id, level, in_pool)
SELECT a.id, l.id, 1, l.owner_org_id, 4, l.status = 'available' FROM lead l
JOIN audience a ON a.key = 'org:' || l.owner_org_id;
INSERT INTO lead_grant (audience_id, lead_id, source_kind, source_id, level, in_pool)
SELECT a.id, l.id, 2, l.claimed_by_org_id, 3, false FROM lead l
JOIN audience a ON a.key = 'org:' || l.claimed_by_org_id WHERE l.claimed_by_org_id IS NOT NULL;

INSERT INTO explicit_share (id, owner_org_id, record_type, record_id, grantee_org_id, audience_id,
                            level, reason, status, created_at)
SELECT s, l.owner_org_id, 'lead', l.id, g, a.id, 1, '', 'active', now()
FROM generate_series(1, 2 * {leads}) s
JOIN lead l ON l.id = 1 + (s::bigint * 7919) % {leads}
CROSS JOIN LATERAL (
  SELECT {vendors} + 1 + (s::bigint * 104729) % ({organizations} - {vendors}) AS g) o
JOIN audience a ON a.key = 'org:' || o.g;
INSERT INTO lead_grant (audience_id, lead_id, source_kind, source_id, level, in_pool)
SELECT s.audience_id, s.record_id, 4, s.id, s.level, l.status = 'available'
FROM explicit_share s JOIN lead l ON l.id = s.record_id;
"""


def _rules(rng: random.Random) -> list[dict]:
    """Per vendor: one broad rule for all partners, a few narrow ones, and org-named needles."""
    rules = []
    for rule_id in range(1, RULES + 1):
        vendor = 1 + rule_id % VENDORS
        shape = rule_id % 100
        if shape == 0:
            criteria, grantee = {}, ("all_partners", f"partners:{vendor}")
        elif shape < 10:
            partner = rng.randrange(VENDORS + 1, ORGANIZATIONS + 1)
            criteria = {"regions": ["APAC"], "industries": ["media"], "score_min": 99}
            grantee = ("organization", f"org:{partner}")
        else:
            tier = rng.choice(TIERS)
            criteria = {
                "regions": [rng.choice(["EMEA", "NA", "APAC", "LATAM"])],
                "industries": rng.sample(["retail", "health", "energy", "finance"], 1),
                "score_min": rng.randrange(60, 100),
            }
            grantee = ("tier", f"tier:{vendor}:{tier}")
        rules.append({"id": rule_id, "vendor": vendor, "criteria": criteria, "grantee": grantee})
    return rules


def generate(url: str, leads: int, rng: random.Random) -> None:
    sql = GENERATE.format(
        vendors=VENDORS, organizations=ORGANIZATIONS, leads=leads, tiers=str(TIERS)
    )
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        for table in ("organization", "user_account", "partnership", "lead", "explicit_share"):
            conn.execute(SETVAL.format(table=table))
    engine = make_engine(url)
    with Session(engine) as db:
        audiences = dict(db.execute(select(Audience.key, Audience.id)).all())
        for rule in _rules(rng):
            kind, key = rule["grantee"]
            row = SharingRule(
                id=rule["id"],
                owner_org_id=rule["vendor"],
                name=f"Rule {rule['id']}",
                criteria=rule["criteria"],
                grantee_kind=kind,
                grantee_org_id=int(key.split(":")[1]) if kind == "organization" else None,
                grantee_tier=key.rsplit(":", 1)[1] if kind == "tier" else None,
                audience_id=audiences[key],
                level=2,
                active=True,
            )
            db.add(row)
            db.flush()
            grants.apply_rule(db, row)
        db.execute(text(SETVAL.format(table="sharing_rule")))
        db.commit()
    engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


#: The same visible set written by hand, in the three shapes a planner can choose between:
#: walk the pool and probe grants; join the viewer's grants; walk the pool and keep the leads
#: in a hash of the viewer's pool grants (``IS TRUE`` keeps it a filter, not a join).
#: ``{columns}`` and ``{limit}`` are filled in by each benchmark.
SHAPES = [
    """SELECT {columns} FROM lead l WHERE l.status = 'available' AND EXISTS (
         SELECT 1 FROM lead_grant g WHERE g.lead_id = l.id AND g.audience_id = ANY(%(a)s))
       ORDER BY l.created_at DESC, l.id DESC LIMIT {limit}""",
    """SELECT {columns} FROM lead l JOIN (SELECT DISTINCT lead_id FROM lead_grant
         WHERE audience_id = ANY(%(a)s)) g ON g.lead_id = l.id
       WHERE l.status = 'available' ORDER BY l.created_at DESC, l.id DESC LIMIT {limit}""",
    """SELECT {columns} FROM lead l WHERE l.status = 'available' AND (l.id IN (
         SELECT lead_id FROM lead_grant WHERE audience_id = ANY(%(a)s) AND in_pool)) IS TRUE
       AND EXISTS (SELECT 1 FROM lead_grant g WHERE g.lead_id = l.id AND g.audience_id = ANY(%(a)s))
       ORDER BY l.created_at DESC, l.id DESC LIMIT {limit}""",
]
CEILINGS = [shape.format(columns="l.*", limit=PAGE) for shape in SHAPES]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms"


def time_inbox(url: str, rng: random.Random, ceiling_too: bool = True) -> None:
    engine = make_engine(url)
    user_ids = rng.sample(range(VENDORS + 1, ORGANIZATIONS + 1), USERS_TIMED)
    ours, resolve, ceiling, shapes = [], [], [], []
    with Session(engine) as db, psycopg.connect(url, autocommit=True) as raw:
        for user_id in user_ids * 2:  # the first pass warms the caches
            user = db.get(User, user_id)
            start = time.perf_counter()
            viewer = viewer_for(db, user)
            resolve.append(_ms(start))
            rows = db.scalars(lead_inbox(user, db=db).limit(PAGE)).all()
            ours.append(_ms(start))
            audiences = list(viewer.company_audience_ids + viewer.team_audience_ids)
            best = float("inf")
            for sql in CEILINGS if ceiling_too else []:
                start = time.perf_counter()
                expected = [row[0] for row in raw.execute(sql, {"a": audiences})]
                best = min(best, _ms(start))
            ceiling.append(best)
            assert not ceiling_too or [lead.id for lead in rows] == expected, user_id
            shapes.append(records._inbox_shape(db, LEADS, viewer)[0])
            db.commit()  # one transaction per user, as per request: no viewer cache carried over
            db.expunge_all()
    half = len(ours) // 2
    slowest = sorted(zip(ours[half:], user_ids, strict=True), reverse=True)[:5]
    print("  slowest users (ms, user id): " + ", ".join(f"{t:.1f} {u}" for t, u in slowest))
    print(f"inbox page 1, ours (audiences + Select): {_percentiles(ours[half:])}")
    for shape in sorted(set(shapes)):
        times = [t for t, s in zip(ours[half:], shapes[half:], strict=True) if s == shape]
        print(f"  {len(times):3} users, {shape:8} shape:      {_percentiles(times)}")
    print(f"  of which resolving audiences:          {_percentiles(resolve[half:])}")
    if not ceiling_too:
        engine.dispose()
        return
    print(f"inbox page 1, hand-written ceiling:      {_percentiles(ceiling[half:])}")
    ratio = statistics.median(ours[half:]) / statistics.median(ceiling[half:])
    print(f"ratio of medians ours/ceiling: {ratio:.2f}")
    engine.dispose()


def time_new_rule(url: str) -> None:
    """A rule granting vendor 1's whole pool to its gold-and-above partners, with a reader."""
    engine = make_engine(url)
    reader_times: list[float] = []
    done = threading.Event()

    def read() -> None:
        with Session(engine) as db:
            user = db.get(User, VENDORS + 1)
            while not done.is_set():
                start = time.perf_counter()
                db.scalars(lead_inbox(user, db=db).limit(PAGE)).all()
                reader_times.append(_ms(start))

    reader = threading.Thread(target=read)
    reader.start()
    with Session(engine) as db:
        audience = db.scalar(select(Audience.id).where(Audience.key == "tier:1:gold"))
        rule = SharingRule(
            owner_org_id=1,
            name="Whole pool to gold",
            criteria={},
            grantee_kind="tier",
            grantee_tier="gold",
            audience_id=audience,
            level=2,
            active=True,
        )
        db.add(rule)
        db.flush()
        start = time.perf_counter()
        granted = grants.apply_rule(db, rule)
        db.commit()
        elapsed = _ms(start)
        # Leave the database as generated, so that --reuse runs time the same data.
        grants.withdraw_rule(db, rule)
        db.delete(rule)
        db.commit()
    done.set()
    reader.join()
    print(f"new rule: {granted} grants in {elapsed / 1000:.2f} s (INSERT … SELECT + commit)")
    print(
        f"  concurrent reader meanwhile: {len(reader_times)} inbox queries, "
        f"max {max(reader_times):.1f} ms"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time an existing database")
    parser.add_argument("--no-rule", action="store_true", help="skip timing a new rule")
    parser.add_argument(
        "--no-ceiling", action="store_true", help="time only ours (quicker; for A/B runs)"
    )
    args = parser.parse_args()
    bench_url = args.url.rsplit("/", 1)[0] + f"/{DATABASE}"
    rng = random.Random(7)
    if not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            conn.execute(f"CREATE DATABASE {DATABASE}")
        runner.upgrade(make_engine(bench_url))
        start = time.perf_counter()
        generate(bench_url, args.leads, rng)
        print(f"generated {args.leads} leads in {_ms(start) / 1000:.0f} s")
    tables = ("lead", "lead_grant", "explicit_share", "sharing_rule", "audience")
    with psycopg.connect(bench_url, autocommit=True) as conn:
        # Other benchmarks (claims) leave dead row versions behind, and this server runs
        # without autovacuum: unvacuumed, the dense walk reads them too (p95 29 against 17 ms).
        conn.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
        for table in tables:
            count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            print(f"  {table}: {count:,} rows")
    time_inbox(bench_url, rng, ceiling_too=not args.no_ceiling)
    if not args.no_rule:
        time_new_rule(bench_url)
    if not args.keep:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {DATABASE}")


if __name__ == "__main__":
    main()
