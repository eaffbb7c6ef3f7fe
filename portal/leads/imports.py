"""Importing leads from a CSV file: upload, map columns, preview, then a job imports every row
or none — or, when asked, the valid rows and none of those with errors.

1. :func:`upload` checks the file (size, UTF-8, a header and rows), stores it in document
   storage and guesses the column mapping from the header.
2. :func:`check` reads every row with a mapping: the errors (with row numbers as in the file),
   the duplicates, and the first rows as they will be imported. The preview page shows it;
   :func:`rejected_rows` gives the rows with errors as a CSV to correct.
3. :func:`start_import` queues the ``leads.import`` job; :func:`import_leads` runs the same
   check again, and only if no row has an error (or the user chose to leave those out) inserts
   the rows in one transaction (COPY on PostgreSQL, in chunks), scores and shares them
   set-based, and writes one audit entry.

A row duplicates a lead when it has the same contact email as one of the owner's leads, or the
same email domain unless that is a free-mail provider's; an earlier row of the same file counts
too. Duplicates are left out, or imported and marked with ``duplicate_of_id``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    any_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from documents.storage import ObjectNotFound, TooLarge
from partners import audit, jobs
from partners.context import NotFound, ServiceContext, ServiceError
from partners.db import insert_rows
from partners.models import User
from partners.roles import Role
from partners.sharing import require_role
from partners.text import control_character
from portal.leads import import_csv, scoring
from portal.leads.import_csv import CsvError, Mapping
from portal.leads.models import ImportStatus, Lead, LeadImport, LeadImportRow, LeadStatus
from portal.leads.sharing import grant_new_leads

IMPORT_JOB = "leads.import"
MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_IMPORT_ROWS = 250_000
PREVIEW_ROWS = 20
#: Cells corrected in the preview: ``{"row": {"column index": "value"}}`` (JSON keys).
Corrections = dict[str, dict[str, str]]
#: Cells a draft import may hold corrected, and the longest corrected cell.
MAX_CORRECTED_CELLS = 1_000
MAX_CELL = 1_000
#: An upload left unimported keeps its file this long (``concord storage sweep``).
DRAFTS_KEPT = timedelta(days=7)
#: Rows with errors kept for the page; the total is counted.
ERRORS_KEPT = 100
#: Rows staged per transaction (COPY on PostgreSQL): a stopped import resumes after the last.
CHUNK_ROWS = 5_000
#: The last column of the rejected rows' file.
REJECTED_REASON = "Why it was not imported"
#: Rows between progress reports while checking.
CHECK_PROGRESS_EVERY = 2_000
#: Imports from this size on refresh the planner's statistics before scoring and sharing.
ANALYZE_AFTER_ROWS = 1_000
#: Values per IN list when looking up an owner's leads.
LOOKUP_CHUNK = 500
READ_CHUNK = 256 * 1024
#: Two imports of one owner take turns (PostgreSQL advisory lock: this key and the owner's id).
IMPORT_LOCK = 0x1EAD
_FREE_MAIL = """
gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de ymail.com hotmail.com
hotmail.co.uk hotmail.fr hotmail.de outlook.com outlook.de live.com live.co.uk msn.com
icloud.com me.com mac.com aol.com gmx.de gmx.net gmx.com gmx.at gmx.ch web.de t-online.de
freenet.de posteo.de mailbox.org proton.me protonmail.com pm.me mail.com email.com zoho.com
yandex.ru yandex.com mail.ru qq.com 163.com 126.com naver.com orange.fr free.fr laposte.net
sfr.fr wanadoo.fr libero.it virgilio.it btinternet.com comcast.net verizon.net att.net
sbcglobal.net hey.com fastmail.com tutanota.com seznam.cz wp.pl o2.pl interia.pl
"""
#: A shared address domain says nothing about the company.
FREE_MAIL_DOMAINS = frozenset(_FREE_MAIL.split())

ProgressFn = Callable[[int, int | None, str | None], None]


def _member(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    return actor


# Upload ----------------------------------------------------------------------------------------


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(READ_CHUNK):
        yield chunk


def _size(stream: BinaryIO) -> int:
    size = stream.seek(0, 2)
    stream.seek(0)
    return size


def _display_name(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name
    return "".join(c for c in name if c.isprintable())[:200] or "leads.csv"


def upload(ctx: ServiceContext, filename: str, stream: BinaryIO) -> LeadImport:
    """Check and store an uploaded CSV (a seekable stream, as werkzeug's uploads are); the
    import starts as a draft with guessed columns."""
    actor = _member(ctx)
    if _size(stream) > MAX_IMPORT_BYTES:
        raise ServiceError(_too_large())
    try:
        found = import_csv.inspect(lambda: _chunks(stream), MAX_IMPORT_ROWS)
    except CsvError as problem:
        raise ServiceError(str(problem)) from None
    stream.seek(0)
    try:
        blob = ctx.files().put(stream, max_bytes=MAX_IMPORT_BYTES)
    except TooLarge:
        raise ServiceError(_too_large()) from None
    lead_import = LeadImport(
        owner_org_id=actor.organization_id,
        created_by_id=actor.id,
        filename=_display_name(filename),
        blob_sha256=blob.sha256,
        size=blob.size,
        delimiter=found.delimiter,
        headers=found.headers,
        row_count=found.rows,
        mapping=import_csv.guess_mapping(found.headers),
        status=ImportStatus.draft,
        created_at=ctx.now(),
    )
    ctx.db.add(lead_import)
    ctx.db.flush()
    return lead_import


def _too_large() -> str:
    return f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it into parts."


def get_import(db: Session, user: User, import_id: int) -> LeadImport:
    """One of the user's organization's imports, or NotFound."""
    lead_import = db.get(LeadImport, import_id)
    if lead_import is None or lead_import.owner_org_id != user.organization_id:
        raise NotFound()
    return lead_import


def organization_imports(user: User) -> Select[tuple[LeadImport]]:
    return (
        select(LeadImport)
        .where(LeadImport.owner_org_id == user.organization_id)
        .options(selectinload(LeadImport.job))
        .order_by(LeadImport.created_at.desc(), LeadImport.id.desc())
    )


@dataclass(frozen=True)
class ImportState:
    """Where an import stands, for its page and the progress it polls."""

    #: ``draft``, ``queued``, ``running``, ``imported``, ``invalid`` or ``failed``.
    status: str
    finished: bool
    done: int
    total: int | None
    message: str


def state(lead_import: LeadImport) -> ImportState:
    """The import's own outcome once it has one; until then its job's status and progress."""
    job = lead_import.job
    if job is None:
        return ImportState(lead_import.status.value, False, 0, None, "")
    if lead_import.status in (ImportStatus.imported, ImportStatus.invalid):
        total = job.progress_total
        return ImportState(lead_import.status.value, True, total or 0, total, job.message)
    return ImportState(
        job.status.value, job.finished, job.progress_done, job.progress_total, job.message
    )


def sweep_abandoned_staging(ctx: ServiceContext) -> int:
    """Drop the staged rows of imports whose job failed for good (it stopped retrying): no
    lead exists of them, and nothing would ever publish them. A job retried by hand stages
    again from the start. Returns how many rows went (the worker runs this)."""
    abandoned = list(
        ctx.db.scalars(
            select(LeadImport.id)
            .join(jobs.Job, jobs.Job.id == LeadImport.job_id)
            .where(
                LeadImport.status == ImportStatus.queued,
                LeadImport.staged_rows > 0,
                jobs.Job.status == jobs.JobStatus.failed,
            )
        )
    )
    if not abandoned:
        return 0
    gone = ctx.db.execute(
        delete(LeadImportRow).where(LeadImportRow.import_id.in_(abandoned))
    ).rowcount
    ctx.db.execute(
        update(LeadImport)
        .where(LeadImport.id.in_(abandoned))
        .values(staged_rows=0, staged_through=1, staged_digest="")
    )
    return gone


def stored_blobs(db: Session, now: datetime) -> set[str]:
    """The files imports still need (for the storage sweeper and verifier): those queued, and
    drafts younger than DRAFTS_KEPT. A finished import no longer reads its file."""
    query = select(LeadImport.blob_sha256).where(
        or_(
            LeadImport.status == ImportStatus.queued,
            and_(
                LeadImport.status == ImportStatus.draft,
                LeadImport.created_at > now - DRAFTS_KEPT,
            ),
        )
    )
    return set(db.scalars(query.distinct()))


def checked_mapping(lead_import: LeadImport, mapping: Mapping) -> Mapping:
    """Every field, each mapped to one of the file's columns or to nothing; company required."""
    columns = range(len(lead_import.headers))
    checked = {f.name: mapping.get(f.name) for f in import_csv.FIELDS}
    if any(index is not None and index not in columns for index in checked.values()):
        raise ServiceError("Choose columns of this file.")
    if checked["company"] is None:
        raise ServiceError("Choose the column that holds the company name.")
    return checked


# Checking every row --------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """What a row duplicates: one of the owner's leads, or an earlier row of the file."""

    lead_id: int | None = None
    row: int | None = None


@dataclass
class PreviewRow:
    row: int
    #: Field → the value as it will be stored, or as written when it has an error.
    values: dict[str, str]
    problems: list[str]


@dataclass
class Check:
    """Everything reading the file with a mapping found."""

    rows: int = 0
    error_count: int = 0
    #: The first ERRORS_KEPT rows with errors: ``{"row": …, "problems": [...]}``.
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Row number → what it duplicates (found by :func:`_find_duplicates`).
    duplicates: dict[int, Duplicate] = field(default_factory=dict)
    preview: list[PreviewRow] = field(default_factory=list)
    #: The first rows with errors after the preview's, to correct in place as well.
    later_errors: list[PreviewRow] = field(default_factory=list)
    #: The numbers of every row with an error (left out when the valid rows are imported).
    invalid_rows: set[int] = field(default_factory=set, repr=False)
    #: ``(row, dedupe key)`` of the valid rows with an email, in file order.
    keys: list[tuple[int, str]] = field(default_factory=list, repr=False)

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def add_errors(self, row: int, problems: list[str]) -> None:
        self.error_count += 1
        self.invalid_rows.add(row)
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"row": row, "problems": problems})


def dedupe_key(email: str) -> str | None:
    """What two duplicate leads share: the address at a free-mail provider, else its domain."""
    if not email:
        return None
    domain = email.rpartition("@")[2]
    return email if domain in FREE_MAIL_DOMAINS else "@" + domain


def _data_rows(
    ctx: ServiceContext, blob_sha256: str, delimiter: str, corrections: Corrections
) -> Iterator[tuple[int, list[str]]]:
    """The file's non-blank rows after the header, read from storage, with the cells corrected
    in the preview in place of the file's."""
    try:
        chunks = ctx.files().open(blob_sha256)
    except ObjectNotFound:
        raise ServiceError("The uploaded file is no longer stored; upload it again.") from None
    try:
        for number, values in import_csv.read_rows(chunks, delimiter):
            if number > 1 and (fixed := corrections.get(str(number))):
                values = _corrected(values, fixed)
            if number > 1 and not import_csv.is_blank(values):
                yield number, values
    except CsvError as problem:
        raise ServiceError(str(problem)) from None


def _corrected(values: list[str], fixed: dict[str, str]) -> list[str]:
    values = list(values)
    for column, value in fixed.items():
        index = int(column)
        values.extend([""] * (index + 1 - len(values)))
        values[index] = value
    return values


def correct_cells(
    ctx: ServiceContext, import_id: int, cells: dict[tuple[int, int], str]
) -> LeadImport:
    """Keep cells corrected in the preview (``(row, column index) → value``) for a draft
    import: every later check, the rejected rows' file and the import read them instead."""
    actor = _member(ctx)
    lead_import = get_import(ctx.db, actor, import_id)
    if lead_import.status != ImportStatus.draft:
        raise AlreadyStarted("This import has already been started.")
    corrections = {row: dict(columns) for row, columns in lead_import.corrections.items()}
    for (row, column), value in sorted(cells.items()):
        if row < 2 or column not in range(len(lead_import.headers)):
            raise ServiceError("Correct cells of this file's rows and columns.")
        if len(value) > MAX_CELL:
            raise ServiceError(f"Row {row}: a cell holds at most {MAX_CELL:,} characters.")
        if problem := control_character(value):
            raise ServiceError(f"Row {row} holds {problem}.")
        corrections.setdefault(str(row), {})[str(column)] = value
    if sum(len(columns) for columns in corrections.values()) > MAX_CORRECTED_CELLS:
        raise ServiceError(
            f"At most {MAX_CORRECTED_CELLS:,} cells are corrected here: correct the file "
            "itself and upload it again."
        )
    lead_import.corrections = corrections
    return lead_import


def _shown_values(values: list[str], mapping: Mapping, details: dict[str, Any]) -> dict[str, str]:
    shown = {}
    for name, index in mapping.items():
        if name in details:
            value = details[name]
            shown[name] = "" if value is None else str(value)
        else:
            shown[name] = values[index].strip() if index is not None and index < len(values) else ""
    return shown


def _read(
    ctx: ServiceContext,
    blob_sha256: str,
    delimiter: str,
    mapping: Mapping,
    corrections: Corrections,
    progress: Callable[[int], None] | None = None,
) -> Check:
    """Clean and check every row, without the database: errors, each row's dedupe key, the
    first rows for the preview, and the first rows with errors after those (to correct)."""
    found = Check()
    for number, values in _data_rows(ctx, blob_sha256, delimiter, corrections):
        found.rows += 1
        details, problems = import_csv.clean_row(values, mapping)
        if problems:
            found.add_errors(number, problems)
        elif key := dedupe_key(details["contact_email"]):
            found.keys.append((number, key))
        if len(found.preview) < PREVIEW_ROWS:
            shown = _shown_values(values, mapping, {} if problems else details)
            found.preview.append(PreviewRow(number, shown, problems))
        elif problems and len(found.later_errors) < PREVIEW_ROWS:
            found.later_errors.append(
                PreviewRow(number, _shown_values(values, mapping, {}), problems)
            )
        if progress and found.rows % CHECK_PROGRESS_EVERY == 0:
            progress(found.rows)
    return found


def _find_duplicates(db: Session, owner_org_id: int, found: Check) -> None:
    """Mark the rows that share a dedupe key with one of the owner's leads or an earlier row."""
    existing = _existing_leads(db, owner_org_id, {key for _, key in found.keys})
    first_rows: dict[str, int] = {}
    for number, key in found.keys:
        if key in existing:
            found.duplicates[number] = Duplicate(lead_id=existing[key])
        elif key in first_rows:
            found.duplicates[number] = Duplicate(row=first_rows[key])
        else:
            first_rows[key] = number


def check(ctx: ServiceContext, lead_import: LeadImport, mapping: Mapping) -> Check:
    """Read every row with ``mapping``: errors, duplicates, and the first rows for the preview."""
    mapping = checked_mapping(lead_import, mapping)
    found = _read(
        ctx, lead_import.blob_sha256, lead_import.delimiter, mapping, lead_import.corrections
    )
    _find_duplicates(ctx.db, lead_import.owner_org_id, found)
    return found


def rejected_rows(
    ctx: ServiceContext, lead_import: LeadImport, mapping: Mapping
) -> Iterator[list[str]]:
    """The file's header and each row with an error, as written, with what is wrong with it in
    a last column: a file to correct and import again."""
    mapping = checked_mapping(lead_import, mapping)
    yield [*lead_import.headers, REJECTED_REASON]
    for number, values in _data_rows(
        ctx, lead_import.blob_sha256, lead_import.delimiter, lead_import.corrections
    ):
        problems = import_csv.clean_row(values, mapping)[1]
        if problems:
            yield [*values, f"Row {number}: {' '.join(problems)}"]


def _one_of(db: Session, column: ColumnElement[str], values: set[str]) -> list[ColumnElement]:
    """Conditions that together cover ``column IN values``: one array parameter on
    PostgreSQL, IN lists of LOOKUP_CHUNK elsewhere."""
    ordered = sorted(values)
    if db.get_bind().dialect.name == "postgresql":
        return [column == any_(literal(ordered, ARRAY(String)))] if ordered else []
    return [column.in_(ordered[i : i + LOOKUP_CHUNK]) for i in range(0, len(ordered), LOOKUP_CHUNK)]


def _existing_leads(db: Session, owner_org_id: int, keys: set[str]) -> dict[str, int]:
    """Dedupe key → the owner's first lead with it (index ``ix_lead_owner_domain_email``)."""
    owner = Lead.owner_org_id == owner_org_id
    found: dict[str, int] = {}
    domains = {key[1:] for key in keys if key.startswith("@")}
    for condition in _one_of(db, Lead.email_domain, domains):
        query = select(Lead.email_domain, func.min(Lead.id)).where(owner, condition)
        found.update(("@" + d, i) for d, i in db.execute(query.group_by(Lead.email_domain)))
    emails = keys - {"@" + domain for domain in domains}
    for condition in _one_of(db, Lead.contact_email, emails):
        query = select(Lead.contact_email, func.min(Lead.id)).where(
            owner, Lead.email_domain.in_(FREE_MAIL_DOMAINS), condition
        )
        found.update((e, i) for e, i in db.execute(query.group_by(Lead.contact_email)))
    return found


# Starting and running the import -------------------------------------------------------------


@dataclass(frozen=True)
class ImportOptions:
    mapping: Mapping
    skip_duplicates: bool = True
    publish: bool = False
    #: Import the valid rows and leave out those with errors (else any error imports nothing).
    skip_invalid: bool = False


class AlreadyStarted(ServiceError):
    """The import was started before (another tab, a double click, the back button)."""


def start_import(ctx: ServiceContext, import_id: int, options: ImportOptions) -> LeadImport:
    """Queue the job that imports the file with these options; a draft starts once."""
    actor = _member(ctx)
    lead_import = get_import(ctx.db, actor, import_id)
    mapping = checked_mapping(lead_import, options.mapping)
    started = ctx.db.execute(
        update(LeadImport)
        .where(LeadImport.id == lead_import.id, LeadImport.status == ImportStatus.draft)
        .values(
            status=ImportStatus.queued,
            mapping=mapping,
            skip_duplicates=options.skip_duplicates,
            publish=options.publish,
        )
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not started:
        raise AlreadyStarted("This import has already been started.")
    job = jobs.enqueue(
        ctx.db,
        IMPORT_JOB,
        {
            "import_id": lead_import.id,
            "blob_sha256": lead_import.blob_sha256,
            "delimiter": lead_import.delimiter,
            "mapping": mapping,
            "corrections": lead_import.corrections,
            "rows": lead_import.row_count,
            "skip_invalid": options.skip_invalid,
        },
        now=ctx.now(),
        organization_id=actor.organization_id,
        created_by_id=actor.id,
    )
    lead_import.job_id = job.id
    return lead_import


@jobs.job_handler(IMPORT_JOB)
def _run_import(ctx: ServiceContext, run: jobs.JobRun) -> str:
    return import_leads(ctx, run.payload, run.progress)


def import_leads(
    ctx: ServiceContext,
    payload: dict[str, Any],
    progress: ProgressFn,
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> str:
    """Import a queued import's file: every row, or none if any row has an error (unless the
    payload's ``skip_invalid`` leaves those rows out). Returns what happened, in words.

    The file is read and checked outside any transaction. The rows to import are then staged
    (``lead_import_row``), ``chunk_rows`` per transaction, each with the import's checkpoint,
    so a worker stopped mid-import resumes after the last committed chunk on its next attempt.
    No lead exists until one last transaction publishes every staged row at once (set-based),
    scores and shares the new leads and writes the audit entry: all or nothing, as before.
    """
    actor = _member(ctx)
    rows = payload["rows"]
    total = 2 * rows

    def checking(done: int) -> None:
        progress(done, total, f"Checking rows: {done:,} of {rows:,}.")

    checking(0)
    found = _read(
        ctx,
        payload["blob_sha256"],
        payload["delimiter"],
        payload["mapping"],
        payload.get("corrections", {}),
        checking,
    )
    if not found.valid and not payload.get("skip_invalid"):
        lead_import = _begin(ctx, actor, payload["import_id"])
        if lead_import is None:
            return "This import had already run."
        lead_import.error_count, lead_import.errors = found.error_count, found.errors
        lead_import.status = ImportStatus.invalid
        return f"Nothing was imported: {found.error_count:,} row(s) have errors."
    lead_import = _queued(ctx, actor, payload["import_id"])
    if lead_import is None:
        return "This import had already run."
    _find_duplicates(ctx.db, lead_import.owner_org_id, found)
    ctx.db.commit()  # end the read: on SQLite a transaction that read cannot write later
    _stage(
        ctx, lead_import, found, _staging_progress(progress, rows, found, lead_import), chunk_rows
    )
    lead_import = _begin(ctx, actor, payload["import_id"])
    if lead_import is None:
        return "This import had already run."
    _find_duplicates(ctx.db, lead_import.owner_org_id, rechecked := _recheck(found))
    if _digest(rechecked) != lead_import.staged_digest:
        # Another import of the owner published meanwhile: its leads are duplicates now.
        found = rechecked
        _stage(ctx, lead_import, found, lambda staged: None, chunk_rows, commit=False)
    lead_import.error_count, lead_import.errors = found.error_count, found.errors
    lead_import.status = ImportStatus.imported
    lead_import.duplicate_count = len(found.duplicates)
    lead_import.skipped_count = len(found.duplicates) if lead_import.skip_duplicates else 0
    lead_import.imported_count = _to_import(found, lead_import.skip_duplicates)
    progress(total, total, "Scoring and sharing the new leads.")
    _publish(ctx, lead_import)
    _analyze(ctx.db, lead_import.imported_count)
    new_leads = select(Lead.id).where(Lead.import_id == lead_import.id)
    scoring.score_leads(ctx.db, lead_import.owner_org_id, new_leads)
    grant_new_leads(ctx.db, lead_import.owner_org_id, new_leads)
    _audit(ctx, lead_import)
    return _summary(lead_import)


def _queued(ctx: ServiceContext, actor: User, import_id: int) -> LeadImport | None:
    """The import to run, if it still waits to (NotFound for another organization's)."""
    lead_import = ctx.db.get(LeadImport, import_id)
    if lead_import is None or lead_import.owner_org_id != actor.organization_id:
        raise jobs.JobFailed("This import no longer exists.")
    return lead_import if lead_import.status == ImportStatus.queued else None


def _to_import(found: Check, skip_duplicates: bool) -> int:
    return found.rows - found.error_count - (len(found.duplicates) if skip_duplicates else 0)


def _recheck(found: Check) -> Check:
    """The same rows, their duplicates to be looked up again."""
    return replace(found, duplicates={})


def _digest(found: Check) -> str:
    """What the rows were staged with: which rows duplicate which lead or earlier row."""
    marks = sorted((row, d.lead_id or 0, d.row or 0) for row, d in found.duplicates.items())
    return hashlib.sha256(json.dumps(marks).encode()).hexdigest()


def _staging_progress(
    progress: ProgressFn, rows: int, found: Check, lead_import: LeadImport
) -> Callable[[int], None]:
    """Progress while staging: the second half of the bar, staged rows of those to import."""
    of = _to_import(found, lead_import.skip_duplicates)
    resumed = lead_import.staged_rows if lead_import.staged_digest == _digest(found) else 0
    since = f" (resumed after {resumed:,})" if resumed else ""

    def staging(staged: int) -> None:
        done = rows + staged * rows // max(of, 1)
        progress(done, 2 * rows, f"Importing rows: {staged:,} of {of:,}{since}.")

    return staging


def _stage(
    ctx: ServiceContext,
    lead_import: LeadImport,
    found: Check,
    progress: Callable[[int], None],
    chunk_rows: int,
    *,
    commit: bool = True,
) -> None:
    """Stage the rows to import after the import's checkpoint, ``chunk_rows`` at a time, each
    chunk with its checkpoint in one transaction (``commit``). Rows staged with other
    duplicates than ``found`` has are staged again from the start."""
    digest = _digest(found)
    if lead_import.staged_digest != digest:
        ctx.db.execute(delete(LeadImportRow).where(LeadImportRow.import_id == lead_import.id))
        _checkpoint(ctx.db, lead_import, 0, 1, digest)
    progress(lead_import.staged_rows)
    skip_duplicates = lead_import.skip_duplicates
    batch: list[dict[str, Any]] = []
    number = lead_import.staged_through
    for number, values in _data_rows(
        ctx, lead_import.blob_sha256, lead_import.delimiter, lead_import.corrections
    ):
        duplicate = found.duplicates.get(number)
        if number <= lead_import.staged_through or number in found.invalid_rows:
            continue
        if duplicate and skip_duplicates:
            continue
        details = import_csv.clean_row(values, lead_import.mapping)[0]
        batch.append(
            {
                **lead_columns(details),
                "import_id": lead_import.id,
                "row": number,
                "duplicate_of_id": duplicate.lead_id if duplicate else None,
                "duplicate_of_row": duplicate.row if duplicate else None,
            }
        )
        if len(batch) == chunk_rows:
            _stage_chunk(ctx, lead_import, batch, number, digest, commit)
            progress(lead_import.staged_rows)
            batch = []
    _stage_chunk(ctx, lead_import, batch, number, digest, commit)
    progress(lead_import.staged_rows)


def _stage_chunk(
    ctx: ServiceContext,
    lead_import: LeadImport,
    batch: list[dict[str, Any]],
    through: int,
    digest: str,
    commit: bool,
) -> None:
    """Write the checkpoint (first: a write opens the transaction), then the chunk's rows."""
    _checkpoint(ctx.db, lead_import, lead_import.staged_rows + len(batch), through, digest)
    insert_rows(ctx.db, LeadImportRow, batch)
    if commit:
        ctx.db.commit()


def _checkpoint(db: Session, lead_import: LeadImport, staged: int, through: int, digest: str):
    """Move the import's checkpoint on from where this worker left it; another worker that
    took the import over has moved it, and this one must stop (``LostLease``)."""
    moved = db.execute(
        update(LeadImport)
        .where(
            LeadImport.id == lead_import.id,
            LeadImport.status == ImportStatus.queued,
            LeadImport.staged_through == lead_import.staged_through,
            LeadImport.staged_rows == lead_import.staged_rows,
        )
        .values(staged_rows=staged, staged_through=through, staged_digest=digest)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise jobs.LostLease(lead_import.id)
    set_committed_value(lead_import, "staged_rows", staged)
    set_committed_value(lead_import, "staged_through", through)
    set_committed_value(lead_import, "staged_digest", digest)


def _begin(ctx: ServiceContext, actor: User, import_id: int) -> LeadImport | None:
    """Open the import's last transaction by marking it finished (a write first: on SQLite a
    transaction that read before someone else wrote cannot write); None if it already ran."""
    _take_turn(ctx.db, actor.organization_id)
    marked = ctx.db.execute(
        update(LeadImport)
        .where(
            LeadImport.id == import_id,
            LeadImport.owner_org_id == actor.organization_id,
            LeadImport.status == ImportStatus.queued,
        )
        .values(finished_at=ctx.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    lead_import = ctx.db.get(LeadImport, import_id)
    if lead_import is None or lead_import.owner_org_id != actor.organization_id:
        raise jobs.JobFailed("This import no longer exists.")
    if marked:
        ctx.db.refresh(lead_import)
    return lead_import if marked else None


def _take_turn(db: Session, owner_org_id: int) -> None:
    """Two imports of one owner publish one after the other, so neither misses the other's
    rows as duplicates (SQLite has one writer anyway)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text("SELECT pg_advisory_xact_lock(:key, :owner)"),
            {"key": IMPORT_LOCK, "owner": owner_org_id},
        )


#: The staged columns a lead takes as they are.
_STAGED_COLUMNS = (
    "company",
    "contact_name",
    "contact_email",
    "email_domain",
    "country",
    "region",
    "industry",
    "product_line",
    "campaign",
    "score",
    "amount",
    "duplicate_of_id",
)


def _publish(ctx: ServiceContext, lead_import: LeadImport) -> None:
    """Turn every staged row into a lead, set-based: give each its id, point the rows that
    duplicate an earlier row at its lead, insert them all, and drop the staged rows."""
    db, staged = ctx.db, LeadImportRow
    mine = staged.import_id == lead_import.id
    if db.get_bind().dialect.name == "postgresql":
        next_id = func.nextval(func.pg_get_serial_sequence("lead", "id"))
        db.execute(update(staged).where(mine).values(lead_id=next_id))
    else:  # SQLite: we are its one writer, max(id) + 1 onwards are free
        start = db.scalar(select(func.max(Lead.id))) or 0
        ranked = (
            select(staged.row, func.row_number().over(order_by=staged.row).label("n"))
            .where(mine)
            .subquery()
        )
        db.execute(
            update(staged)
            .where(mine, staged.row == ranked.c.row)
            .values(lead_id=start + ranked.c.n)
        )
    earlier = aliased(staged)
    db.execute(
        update(staged)
        .where(mine, earlier.import_id == staged.import_id, earlier.row == staged.duplicate_of_row)
        .values(duplicate_of_id=earlier.lead_id)
    )
    lead_table = Lead.__table__.c
    fixed = {
        name: value
        for name, value in _fixed_columns(ctx, lead_import).items()
        if name not in _STAGED_COLUMNS and name != "id"
    }
    # PostgreSQL types a bare parameter of a SELECT as text (a NULL too); SQLite would turn a
    # CAST to DATETIME into a number.
    typed = cast if db.get_bind().dialect.name == "postgresql" else type_coerce
    rows = select(
        staged.lead_id,
        *(getattr(staged, name) for name in _STAGED_COLUMNS),
        *(typed(literal(v, lead_table[n].type), lead_table[n].type) for n, v in fixed.items()),
    ).where(mine)
    db.execute(insert(Lead).from_select(["id", *_STAGED_COLUMNS, *fixed], rows))
    db.execute(delete(staged).where(mine))


def _analyze(db: Session, inserted: int) -> None:
    """Refresh PostgreSQL's statistics of the lead table after a large insert (ANALYZE counts
    the rows of its own transaction). With stale ones it takes the new leads for one row and
    picks nested loops, quadratic in the import, for the set-based scoring and grants."""
    if inserted >= ANALYZE_AFTER_ROWS and db.get_bind().dialect.name == "postgresql":
        db.execute(text("ANALYZE lead"))


def _fixed_columns(ctx: ServiceContext, lead_import: LeadImport) -> dict[str, Any]:
    """What every imported lead has in common, with the column defaults an ORM insert would
    apply (a bulk insert applies none)."""
    defaults = {
        column.name: column.default.arg
        for column in Lead.__table__.columns
        if column.default is not None and column.default.is_scalar
    }
    return {
        **defaults,
        "owner_org_id": lead_import.owner_org_id,
        "status": LeadStatus.available if lead_import.publish else LeadStatus.new,
        "created_at": ctx.now(),
        "updated_at": ctx.now(),
        "import_id": lead_import.id,
    }


def lead_columns(details: dict[str, Any]) -> dict[str, Any]:
    """A cleaned row's lead columns: what ``LeadDetails(**details).columns()`` gives (the
    cleaning already strips, lower-cases the email and upper-cases the country), without the
    cost of building a dataclass per row."""
    return {**details, "email_domain": details["contact_email"].rpartition("@")[2]}


def _summary(lead_import: LeadImport) -> str:
    summary = f"{lead_import.imported_count:,} lead(s) imported"
    if lead_import.error_count:
        summary += f"; {lead_import.error_count:,} row(s) with errors left out"
    if lead_import.skipped_count:
        summary += f"; {lead_import.skipped_count:,} duplicate(s) left out"
    elif lead_import.duplicate_count:
        summary += f", {lead_import.duplicate_count:,} of them marked as possible duplicates"
    return summary + "."


def _audit(ctx: ServiceContext, lead_import: LeadImport) -> None:
    audit.record(
        ctx,
        "lead.imported",
        lead_import,
        summary=f"{lead_import.filename}: {_summary(lead_import)}",
        after={
            "file": lead_import.filename,
            "rows": lead_import.row_count,
            "imported": lead_import.imported_count,
            "duplicates": lead_import.duplicate_count,
            "skipped": lead_import.skipped_count,
            "rejected": lead_import.error_count,
            "published": lead_import.publish,
        },
    )
