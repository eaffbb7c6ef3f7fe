"""The topology of docs/deploy.md, on one machine: two app hosts (a gunicorn each, one process
apiece to keep the test quick) and two `concord worker` processes on one PostgreSQL database, a
Redis server of their own for rate limits and moto's S3 server for documents, every piece a
separate process talking over the network, as it would across machines.

Checks: both hosts are healthy (and their probes stay out of the access log); a session begun
on one host works on the other; a race for one lead across the hosts has one winner and one
``lead.claimed`` event; failed sign-ins are counted across both hosts (Redis); jobs run
exactly once across the workers while one of them is SIGKILLed mid-job and restarted; and every
event is consumed exactly once per consumer while a worker is SIGKILLed mid-batch and restarted;
and a lead import resumes after the last committed chunk when its worker is SIGKILLed mid-import.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
import requests
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from migrations import runner
from partners.consumers import EventConsumer, set_paused
from partners.db import make_engine, unit_of_work, utcnow
from partners.events import Event
from partners.jobs import Job, JobStatus, enqueue
from partners.models import Team
from partners.roles import OrgKind, Role
from partners.sharing import AccessLevel
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads.models import ImportStatus, Lead, LeadImport, LeadImportRow, LeadStatus

from factories import create_lead, create_org, create_partnership, create_rule, create_user
from support.browser_client import CSRF_FIELD, TEST_PASSWORD
from support.postgres import postgres_server, scratch_database
from support.redis_server import own_redis_server
from support.s3_server import FAKE_AWS, moto_server
from support.smtp import free_port
from support.topology_consumers import ATTEMPTS, CONSUMED, HANG, NAMES, attempts
from support.topology_jobs import KIND

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: `concord worker`, with the test's job kind and consumers registered first.
WORKER = [
    sys.executable,
    "-c",
    "import support.topology_jobs, support.topology_consumers as c; c.register_consumers(); "
    "from app.cli import main; main(['worker', '--poll', '0.2'])",
]
STARTUP_SECONDS = 60


@dataclass
class Topology:
    hosts: list[str]
    factory: sessionmaker[Session]
    start: Callable[[list[str], str], subprocess.Popen]
    logs: Path
    workers: list[subprocess.Popen] = field(default_factory=list)


def _wait_until(condition: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _healthy(host: str) -> bool:
    try:
        return requests.get(f"{host}/healthz", timeout=2).status_code == 200
    except requests.RequestException:  # not listening yet, or its processes still booting
        return False


@pytest.fixture(scope="module")
def topology(tmp_path_factory) -> Iterator[Topology]:
    logs = tmp_path_factory.mktemp("topology")
    with ExitStack() as stack:
        server = stack.enter_context(postgres_server())
        database_url = stack.enter_context(
            scratch_database(server, f"concord_topology_{os.getpid()}")
        )
        redis = stack.enter_context(own_redis_server())
        s3 = stack.enter_context(moto_server())
        bucket = f"topology-{uuid.uuid4().hex[:12]}"
        boto3.client(
            "s3",
            endpoint_url=s3,
            aws_access_key_id=FAKE_AWS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
            region_name=FAKE_AWS["AWS_DEFAULT_REGION"],
        ).create_bucket(Bucket=bucket)
        engine = make_engine(database_url)
        stack.callback(engine.dispose)
        runner.upgrade(engine)  # "migrations on deploy": once, before any host starts
        CONSUMED.create(engine)

        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("CONCORD_", "AWS_"))},
            **FAKE_AWS,
            # Plain-HTTP cookies: no TLS-terminating balancer stands in front of the hosts here.
            "CONCORD_ENV": "testing",
            "CONCORD_SECRET_KEY": "topology-secret-shared-by-every-host",
            "CONCORD_DATABASE_URL": database_url,
            "CONCORD_STORAGE_URL": f"s3://{bucket}?endpoint_url={s3}&region=us-east-1",
            "CONCORD_REDIS_URL": redis,
            "CONCORD_SMTP_URL": "log://",
            "CONCORD_INSTANCE_PATH": str(logs / "instance"),
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}",
            "PYTHONUNBUFFERED": "1",
            ATTEMPTS: str(logs / "consumer-attempts"),
        }
        processes: list[subprocess.Popen] = []

        def start(command: list[str], name: str) -> subprocess.Popen:
            log = (logs / f"{name}.log").open("ab")
            process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
            processes.append(process)
            return process

        @stack.callback
        def _stop() -> None:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

        hosts = []
        for n in range(2):
            port = free_port()
            # Two masters on one machine: each would take the same default control socket.
            gunicorn = [str(BIN / "gunicorn"), "-c", "python:config.gunicorn"]
            gunicorn.append("--no-control-socket")
            start([*gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1"], f"app{n}")
            hosts.append(f"http://127.0.0.1:{port}")
        topology = Topology(hosts, sessionmaker(bind=engine, expire_on_commit=False), start, logs)
        topology.workers = [start(WORKER, f"worker{n}") for n in range(2)]
        for host in hosts:
            _wait_until(lambda host=host: _healthy(host), STARTUP_SECONDS, f"{host}/healthz")
        yield topology


def sign_in(http: requests.Session, host: str, email: str, password: str) -> requests.Response:
    token = CSRF_FIELD.search(http.get(f"{host}/login", timeout=10).text).group(1)
    return http.post(
        f"{host}/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )


def test_every_host_is_healthy_and_its_probes_stay_out_of_the_access_log(topology):
    for host in topology.hosts:
        for probe in ("/healthz", "/readyz"):
            response = requests.get(f"{host}{probe}", timeout=5)
            assert response.status_code == 200, response.text
            assert set(response.json()["checks"].values()) == {"ok"}
        assert requests.get(f"{host}/login", timeout=5).status_code == 200
    for n in range(2):
        log = topology.logs / f"app{n}.log"
        _wait_until(lambda log=log: '"GET /login HTTP/1.1" 200' in log.read_text(), 10, "a log")
        assert "/healthz" not in log.read_text() and "/readyz" not in log.read_text()


def test_a_race_for_one_lead_across_both_hosts_has_one_winner(topology):
    with unit_of_work(topology.factory) as db:
        vendor = create_org(db, OrgKind.vendor)
        owner = create_user(db, vendor, Role.manager)
        claimants = []
        for _ in range(6):
            partner = create_org(db)
            create_partnership(db, vendor, partner)
            claimants.append((create_user(db, partner).email, partner.id))
        create_rule(db, owner, Grantee(GranteeKind.all_partners), AccessLevel.claim)
        lead_id = create_lead(db, owner).id

    browsers, tokens = [], []
    for n, (email, _org) in enumerate(claimants):
        http = requests.Session()
        assert sign_in(http, topology.hosts[n % 2], email, TEST_PASSWORD).status_code == 302
        # The session begun on one host is good on the other (a shared database and key).
        page = http.get(f"{topology.hosts[(n + 1) % 2]}/leads/{lead_id}", timeout=10)
        assert page.status_code == 200
        browsers.append(http)
        tokens.append(CSRF_FIELD.search(page.text).group(1))

    start = threading.Barrier(len(browsers))
    answers: list[requests.Response | None] = [None] * len(browsers)

    def claim(n: int) -> None:
        start.wait()
        answers[n] = browsers[n].post(
            f"{topology.hosts[n % 2]}/leads/{lead_id}/claim",
            data={"csrf_token": tokens[n]},
            allow_redirects=False,
            timeout=30,
        )

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [
        n
        for n, answer in enumerate(answers)
        if answer.status_code == 302 and answer.headers["Location"].endswith(f"/leads/{lead_id}")
    ]
    assert len(won) == 1, [(a.status_code, a.headers.get("Location")) for a in answers]
    assert {a.status_code for n, a in enumerate(answers) if n != won[0]} <= {302, 404}
    with Session(topology.factory.kw["bind"]) as db:
        lead = db.get(Lead, lead_id)
        assert (lead.status, lead.claimed_by_org_id) == (LeadStatus.claimed, claimants[won[0]][1])
        claimed = db.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.type == "lead.claimed", Event.record_id == lead_id)
        )
    assert claimed == 1


def test_failed_sign_ins_are_counted_across_both_hosts(topology):
    with unit_of_work(topology.factory) as db:
        email = create_user(db, create_org(db)).email
    browsers = [requests.Session(), requests.Session()]
    for attempt in range(9):
        n = attempt % 2
        answer = sign_in(browsers[n], topology.hosts[n], email, "not the password")
        assert answer.status_code == 200, attempt
    for n in range(2):  # the tenth: refused on either host, even with the right password
        assert sign_in(browsers[n], topology.hosts[n], email, TEST_PASSWORD).status_code == 429


def test_jobs_run_once_across_the_workers_when_one_is_killed_mid_job(topology):
    count = 16
    with unit_of_work(topology.factory) as db:
        vendor_id = create_org(db, OrgKind.vendor).id
        ids = [
            enqueue(
                db,
                KIND,
                {"n": n, "seconds": 0.3, "hang": n == 3, "organization_id": vendor_id},
                now=utcnow(),
                organization_id=vendor_id,
            ).id
            for n in range(count)
        ]
    hanging = ids[3]

    def holder() -> str | None:
        with Session(topology.factory.kw["bind"]) as db:
            job = db.get(Job, hanging)
            return job.locked_by if job.status == JobStatus.running else None

    pid = int(_wait_until(holder, 30, "a worker to take the hanging job").split(":")[-2])
    victim = next(n for n, worker in enumerate(topology.workers) if worker.pid == pid)
    topology.workers[victim].send_signal(signal.SIGKILL)
    topology.workers[victim].wait(timeout=10)
    assert f":{pid}:" in holder()  # it died holding the job, its work uncommitted
    # The job's lease (10 minutes) runs out: the test ages it rather than wait.
    with unit_of_work(topology.factory) as db:
        db.execute(
            update(Job)
            .where(Job.id == hanging)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
    topology.workers[victim] = topology.start(WORKER, f"worker{victim}-restarted")

    def all_finished() -> bool:
        with Session(topology.factory.kw["bind"]) as db:
            statuses = db.scalars(select(Job.status).where(Job.id.in_(ids))).all()
        return set(statuses) == {JobStatus.done}

    _wait_until(all_finished, 60, "every job to be done")
    with Session(topology.factory.kw["bind"]) as db:
        names = db.scalars(select(Team.name).where(Team.organization_id == vendor_id)).all()
        attempts = db.get(Job, hanging).attempts
    runs = [tuple(map(int, re.fullmatch(r"job (\d+) by (\d+)", name).groups())) for name in names]
    assert Counter(n for n, _pid in runs) == Counter(range(count))  # each exactly once
    assert len({ran_by for _n, ran_by in runs}) >= 2  # more than one worker took part
    assert attempts == 2
    assert dict(runs)[3] != pid  # the killed worker's attempt left nothing


def test_every_event_is_consumed_once_per_consumer_when_a_worker_is_killed_mid_batch(topology):
    with unit_of_work(topology.factory) as db:
        org = create_org(db)
        users = [
            create_user(db, org, email=f"{HANG if n == 5 else ''}signer{n}@{org.slug}.example")
            for n in range(12)
        ]
        signers = [(user.id, user.email) for user in users]
    # Paused, the consumers let the sign-ins pile up, so they resume on full batches of four
    # and the marked sixth sign-in is the second of a batch.
    with unit_of_work(topology.factory) as db:
        assert all(set_paused(db, name, True) for name in NAMES)
    for n, (_id, email) in enumerate(signers):
        assert (
            sign_in(requests.Session(), topology.hosts[n % 2], email, TEST_PASSWORD).status_code
            == 302
        )
    with Session(topology.factory.kw["bind"]) as db:
        events = db.execute(
            select(Event.id, Event.txid)
            .where(Event.type == "auth.login", Event.record_id.in_([i for i, _ in signers]))
            .order_by(Event.txid, Event.id)
        ).all()
    ids = [event.id for event in events]
    assert len(ids) == len(signers)

    def final() -> bool:
        with Session(topology.factory.kw["bind"]) as db:
            xmin = db.scalar(select(func.pg_snapshot_xmin(func.pg_current_snapshot())))
        return all(event.txid < int(str(xmin)) for event in events)

    _wait_until(final, 30, "the sign-ins' events to be final")
    with unit_of_work(topology.factory) as db:
        assert all(set_paused(db, name, False) for name in NAMES)

    path = topology.logs / "consumer-attempts"
    first, hang = NAMES[0], ids[5]

    def hanging() -> int | None:
        return next((pid for n, e, pid in attempts(path) if (n, e) == (first, hang)), None)

    pid = _wait_until(hanging, 30, "a worker to take the hanging batch")
    victim = next(n for n, worker in enumerate(topology.workers) if worker.pid == pid)
    topology.workers[victim].send_signal(signal.SIGKILL)
    topology.workers[victim].wait(timeout=10)
    assert (first, ids[4], pid) in attempts(path)  # mid-batch: it had done the batch's first
    topology.workers[victim] = topology.start(WORKER, f"worker{victim}-killed-mid-batch")

    def caught_up() -> bool:
        with Session(topology.factory.kw["bind"]) as db:
            rows = db.scalars(select(EventConsumer).where(EventConsumer.name.in_(NAMES))).all()
        last = (events[-1].txid, events[-1].id)
        return len(rows) == 2 and all((r.position_txid, r.position) >= last for r in rows)

    _wait_until(caught_up, 30, "both consumers to reach the last sign-in")
    with Session(topology.factory.kw["bind"]) as db:
        consumed = db.execute(
            select(CONSUMED.c.consumer, CONSUMED.c.event_id, CONSUMED.c.pid)
        ).all()
    counts = Counter((name, event_id) for name, event_id, _pid in consumed)
    assert max(counts.values()) == 1  # no event twice, for any consumer, in the whole run
    for name in NAMES:
        assert sorted(e for n, e, _pid in consumed if n == name and e in ids) == sorted(ids)
    assert not [row for row in consumed if row.pid == pid and row.event_id in ids[4:8]]
    assert [e for n, e, _pid in attempts(path) if n == first].count(hang) == 2  # redone once


IMPORT_ROWS = 40_000
PREVIEWED = re.compile(r'name="previewed" type="hidden" value="([^"]*)"')


def _start_import(http: requests.Session, host: str, data: bytes, bind) -> int:
    """Upload a CSV over HTTP, take the guessed columns as previewed, and start the import."""
    token = CSRF_FIELD.search(http.get(f"{host}/leads/imports/new", timeout=10).text).group(1)
    uploaded = http.post(
        f"{host}/leads/imports/new",
        data={"csrf_token": token},
        files={"file": ("fair.csv", data, "text/csv")},
        allow_redirects=False,
        timeout=60,
    )
    assert uploaded.status_code == 302, uploaded.text
    mapping_url = f"{host}{uploaded.headers['Location']}"
    import_id = int(re.search(r"/imports/(\d+)/mapping", mapping_url).group(1))
    page = http.get(mapping_url, timeout=60).text
    with Session(bind) as db:
        guessed = db.get(LeadImport, import_id).mapping
    fields = {f"map_{name}": "" if index is None else str(index) for name, index in guessed.items()}
    started = http.post(
        mapping_url,
        data={
            **fields,
            "csrf_token": CSRF_FIELD.search(page).group(1),
            "previewed": PREVIEWED.search(page).group(1),
            "duplicates": "skip",
            "start": "Import",
        },
        allow_redirects=False,
        timeout=60,
    )
    assert started.status_code == 302, started.text
    return import_id


def test_a_lead_import_resumes_after_its_worker_is_killed_mid_import(topology):
    """A real `concord worker` SIGKILLed while it stages an import's rows: the restarted job
    resumes after the last committed chunk, and every row becomes exactly one lead."""
    with unit_of_work(topology.factory) as db:
        member = create_user(db, create_org(db, OrgKind.vendor), Role.member).email
    http = requests.Session()
    assert sign_in(http, topology.hosts[0], member, TEST_PASSWORD).status_code == 302
    rows = "".join(f"Company {n},Ann,ann@co{n}.example,DE\n" for n in range(IMPORT_ROWS))
    data = ("Company,Contact,Email,Country\n" + rows).encode()
    import_id = _start_import(http, topology.hosts[0], data, topology.factory.kw["bind"])

    def staging() -> tuple[int, str] | None:
        with Session(topology.factory.kw["bind"]) as db:
            lead_import = db.get(LeadImport, import_id)
            job = db.get(Job, lead_import.job_id) if lead_import.job_id else None
            if job and job.status == JobStatus.running and lead_import.staged_rows > 0:
                return lead_import.job_id, job.locked_by
            return None

    job_id, holder = _wait_until(staging, 120, "a worker to stage the first chunk")
    pid = int(holder.split(":")[-2])
    victim = next(n for n, worker in enumerate(topology.workers) if worker.pid == pid)
    topology.workers[victim].send_signal(signal.SIGKILL)
    topology.workers[victim].wait(timeout=10)
    with unit_of_work(topology.factory) as db:
        staged_at_kill = db.get(LeadImport, import_id).staged_rows
        assert 0 < staged_at_kill < IMPORT_ROWS
        assert db.scalar(select(func.count()).where(Lead.import_id == import_id)) == 0
        db.execute(  # the lead (10 minutes) runs out: aged rather than waited for
            update(Job).where(Job.id == job_id).values(locked_until=utcnow() - timedelta(seconds=1))
        )
    topology.workers[victim] = topology.start(WORKER, f"worker{victim}-after-import")

    messages: set[str] = set()

    def imported() -> bool:
        with Session(topology.factory.kw["bind"]) as db:
            messages.add(db.get(Job, job_id).message or "")
            return db.get(LeadImport, import_id).status == ImportStatus.imported

    _wait_until(imported, 180, "the import to finish")
    assert any(f"(resumed after {staged_at_kill:,})" in message for message in messages)
    with Session(topology.factory.kw["bind"]) as db:
        companies = db.scalars(select(Lead.company).where(Lead.import_id == import_id)).all()
        assert db.get(Job, job_id).attempts == 2
        assert db.scalar(select(func.count()).where(LeadImportRow.import_id == import_id)) == 0
    assert len(companies) == IMPORT_ROWS and len(set(companies)) == IMPORT_ROWS
