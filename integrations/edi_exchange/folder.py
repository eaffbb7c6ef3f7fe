"""The drop-folder transport (SFTP-style batch exchange) for partners whose profile says "folder".

Layout under the exchange root, one folder per partner organization (its slug)::

    <root>/<slug>/in/          the partner (or its SFTP server) drops interchanges here
    <root>/<slug>/processed/   each file moves here once ingested (name prefixed with a timestamp)
    <root>/<slug>/failed/      …or here, with a .error.txt beside it, if ingest crashed
    <root>/<slug>/out/         what we send (acknowledgments, 855/856/810), once, for pick-up

A file is picked up only once it has not changed for ``settle_seconds`` (it may still be
uploading). Each file is ingested in its own transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from integrations.edi_exchange.ingest import ingest
from integrations.edi_exchange.models import Direction, EdiInterchange, TradingPartner
from partners.context import ServiceContext
from partners.db import unit_of_work

log = logging.getLogger(__name__)
SUBFOLDERS = ("in", "processed", "failed", "out")


@dataclass
class FolderRun:
    ingested: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")


def _folder_partners(db: Session) -> list[TradingPartner]:
    return list(
        db.scalars(
            select(TradingPartner).where(
                TradingPartner.transport == "folder", TradingPartner.active.is_(True)
            )
        )
    )


def _settled(path: Path, settle_seconds: float) -> bool:
    return time.time() - path.stat().st_mtime >= settle_seconds


def _receive(
    factory, make_context, profile_id: int, path: Path, base: Path, run: FolderRun
) -> None:
    try:
        with unit_of_work(factory) as db, path.open("rb") as stream:
            ctx = make_context(db)
            ingest(ctx, db.get(TradingPartner, profile_id), stream, path.name)
    except Exception as error:  # a crash: keep the file aside with the reason, go on
        log.exception("EDI drop folder: %s failed", path)
        target = base / "failed" / f"{_stamp()}-{path.name}"
        path.rename(target)
        target.with_name(target.name + ".error.txt").write_text(
            f"{type(error).__name__}: {error}\n"
        )
        run.failed.append(str(target))
        return
    target = base / "processed" / f"{_stamp()}-{path.name}"
    path.rename(target)
    run.ingested.append(str(target))


def _deliver(
    db: Session, ctx: ServiceContext, profile: TradingPartner, base: Path, run: FolderRun
) -> None:
    pending = db.scalars(
        select(EdiInterchange)
        .where(
            EdiInterchange.trading_partner_id == profile.id,
            EdiInterchange.direction == Direction.outbound,
            EdiInterchange.delivered_at.is_(None),
        )
        .order_by(EdiInterchange.id)
    )
    for row in pending:
        target = base / "out" / f"{row.id:08d}-{row.control_number}.edi"
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            for chunk in ctx.files().open(row.blob_sha256):
                out.write(chunk)
        partial.rename(target)  # the partner never sees a half-written file
        row.delivered_at = ctx.now()
        run.delivered.append(str(target))


def exchange(
    root: Path,
    factory: sessionmaker[Session],
    make_context: Callable[[Session], ServiceContext],
    settle_seconds: float = 2.0,
) -> FolderRun:
    """One pass: ingest every settled inbound file, then deliver every undelivered outbound one."""
    run = FolderRun()
    with unit_of_work(factory) as db:
        partners = [(p.id, p.organization.slug) for p in _folder_partners(db)]
    for profile_id, slug in partners:
        base = root / slug
        for name in SUBFOLDERS:
            (base / name).mkdir(parents=True, exist_ok=True)
        for path in sorted((base / "in").iterdir(), key=lambda p: p.stat().st_mtime):
            if path.is_file() and not path.name.startswith(".") and _settled(path, settle_seconds):
                _receive(factory, make_context, profile_id, path, base, run)
        with unit_of_work(factory) as db:
            _deliver(db, make_context(db), db.get(TradingPartner, profile_id), base, run)
    return run
