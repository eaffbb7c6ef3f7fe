"""Importing leads from CSV through the service and its job: the file is checked before anything
is stored, every row or none is imported, duplicates are flagged, and imported leads reach
partners through the owner's sharing rules."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from documents.storage import open_storage
from partners.context import NotFound
from partners.db import utcnow
from partners.jobs import Job, JobStatus, Worker
from partners.models import AuditEntry
from partners.roles import OrgKind, Role
from partners.sharing import AccessLevel
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads import imports
from portal.leads.import_csv import clean_row, guess_mapping
from portal.leads.imports import AlreadyStarted, ImportOptions
from portal.leads.models import ImportStatus, Lead, LeadImport, LeadImportRow, LeadStatus
from portal.leads.service import LeadDetails
from portal.leads.sharing import lead_inbox

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user

HEADER = "Company,Contact,Email,Country,Region,Industry,Amount,Score"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows)).encode() + b"\n"


@pytest.fixture
def storage(tmp_path):
    return open_storage((tmp_path / "files").as_uri())


@pytest.fixture
def owner(db):
    return create_user(db, create_org(db, OrgKind.vendor), Role.member)


@pytest.fixture
def ctx(db, owner, storage):
    return context(db, owner, storage=storage)


@pytest.fixture
def worker(session_factory, storage):
    return Worker(session_factory, lambda db, actor: context(db, actor, storage=storage))


def upload(ctx, data: bytes, name: str = "leads.csv") -> LeadImport:
    return imports.upload(ctx, name, io.BytesIO(data))


def run_import(db, ctx, worker, lead_import: LeadImport, **options) -> LeadImport:
    imports.start_import(ctx, lead_import.id, ImportOptions(lead_import.mapping, **options))
    db.commit()
    assert worker.run_next() == lead_import.job_id
    db.expire_all()
    return db.get(LeadImport, lead_import.id)


def imported_leads(db, lead_import: LeadImport) -> list[Lead]:
    query = select(Lead).where(Lead.import_id == lead_import.id).order_by(Lead.id)
    return list(db.scalars(query))


def test_columns_are_guessed_from_their_header_names():
    headers = ["Account Name", "E-Mail", "Full name", "Country Code", "Territory", "Sector",
               "Product", "UTM Campaign", "Deal size", "Lead score", "Notes"]  # fmt: skip
    assert guess_mapping(headers) == {
        "company": 0,
        "contact_email": 1,
        "contact_name": 2,
        "country": 3,
        "region": 4,
        "industry": 5,
        "product_line": 6,
        "campaign": 7,
        "amount": 8,
        "score": 9,
    }
    # A column fills one field; unknown or missing ones map to nothing.
    assert guess_mapping(["name", "company", "notes"]) == {
        "company": 1,
        "contact_name": 0,
        **dict.fromkeys(
            ("contact_email", "country", "region", "industry", "product_line", "campaign"), None
        ),
        "amount": None,
        "score": None,
    }


def test_a_cleaned_row_gets_the_columns_the_lead_form_gives():
    values = [" Acme ", " Ann ", " ANN@Acme.Example ", "de", "EMEA", "retail", "1.234,50", "7"]
    details, problems = clean_row(values, guess_mapping(HEADER.split(",")))
    assert problems == []
    assert imports.lead_columns(details) == LeadDetails(**details).columns()
    assert imports.lead_columns(details)["email_domain"] == "acme.example"


def test_a_bom_and_semicolons_are_read(ctx):
    data = "\ufeffFirma;E-Mail;Amount\nMüller GmbH;info@mueller.de;1.234,50\n".encode()
    lead_import = upload(ctx, data.replace(b"Firma", b"Company"))
    assert (lead_import.delimiter, lead_import.headers) == (";", ["Company", "E-Mail", "Amount"])
    assert lead_import.row_count == 1
    found = imports.check(ctx, lead_import, lead_import.mapping)
    assert found.valid
    assert found.preview[0].values["company"] == "Müller GmbH"
    assert found.preview[0].values["amount"] == "1234.50"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00workbook", "Excel or OpenDocument workbook"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "not a CSV file: it contains binary data"),
        ("Company\nCafé Zürich\n".encode("latin-1"), "not UTF-8 text"),
        (b"", "The file is empty."),
        (b"Company,Email\n\n", "a header but no rows"),
    ],
)
def test_files_that_are_not_lead_csvs_are_refused_and_nothing_is_stored(
    db, ctx, storage, data, message
):
    with pytest.raises(imports.ServiceError, match=message):
        upload(ctx, data)
    assert db.scalar(select(func.count()).select_from(LeadImport)) == 0
    assert list(storage.iter_objects()) == []


def test_a_file_over_the_size_limit_is_refused(db, ctx, storage, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(imports.ServiceError, match="larger than"):
        upload(ctx, csv_bytes(*["Acme,Ann,ann@acme.example,DE,EMEA,retail,10,50"] * 5))
    assert list(storage.iter_objects()) == []


def test_the_preview_numbers_rows_as_the_file_does(ctx):
    lead_import = upload(
        ctx,
        csv_bytes(
            "Alpha,Ann,ann@alpha.example,DE,EMEA,retail,100,80",  # row 2
            "",  # row 3: blank, skipped
            'Beta,"Bob\nBrown",bob@beta.example,FR,EMEA,health,,',  # row 4, over two lines
            "Gamma,Gil,not-an-email,Germany,EMEA,energy,lots,101",  # row 5
            ",Dan,dan@delta.example,US,NA,,,",  # row 6
        ),
    )
    assert lead_import.row_count == 4
    found = imports.check(ctx, lead_import, lead_import.mapping)
    assert [row.row for row in found.preview] == [2, 4, 5, 6]
    assert found.preview[1].values["contact_name"] == "Bob\nBrown"
    assert found.error_count == 2
    assert found.errors == [
        {
            "row": 5,
            "problems": [
                "Email “not-an-email” is not an email address.",
                "Country “Germany” is not a two-letter country code such as DE.",
                "Amount “lots” is not an amount.",
                "Score “101” is not a whole number from 0 to 100.",
            ],
        },
        {"row": 6, "problems": ["Company is empty."]},
    ]
    assert found.preview[2].values["country"] == "Germany"  # shown as written
    assert found.preview[0].values["country"] == "DE"


def test_the_company_column_is_required(ctx):
    lead_import = upload(ctx, csv_bytes("Alpha,Ann,ann@alpha.example,DE,EMEA,retail,1,2"))
    with pytest.raises(imports.ServiceError, match="company name"):
        imports.check(ctx, lead_import, {**lead_import.mapping, "company": None})


def test_one_invalid_row_means_nothing_is_imported_and_the_errors_are_listed(db, ctx, worker):
    rows = [f"Company {n},C {n},c{n}@company{n}.example,DE,EMEA,retail,10,50" for n in range(300)]
    rows[149] = "Broken,,broken@,DE,EMEA,retail,10,50"  # row 151 of the file
    lead_import = run_import(db, ctx, worker, upload(ctx, csv_bytes(*rows)))
    assert lead_import.status == ImportStatus.invalid
    assert (lead_import.error_count, lead_import.imported_count) == (1, 0)
    assert lead_import.errors == [
        {"row": 151, "problems": ["Email “broken@” is not an email address."]}
    ]
    assert imported_leads(db, lead_import) == []
    job = db.get(Job, lead_import.job_id)
    assert (job.status, job.message) == (
        JobStatus.done,
        "Nothing was imported: 1 row(s) have errors.",
    )
    assert imports.state(lead_import).finished


def test_control_characters_in_cells_are_refused_row_by_row_and_nothing_is_stored(db, ctx, worker):
    """Past the first 64 KB (where a NUL no longer reads as a binary file) as before it: each
    cell with a control character is named with its row, and no lead is stored."""
    rows = [f"Company {n},C {n},c{n}@company{n}.example,DE,EMEA,retail,10,50" for n in range(2000)]
    rows[3] = "Acme\x1bLabs,Ann\x07,ann@acme.example,DE,EMEA,retail,10,50"  # row 5
    rows[1999] = "Nul\x00Corp,Nia,nia@nul.example,DE,EMEA,retail,10,50"  # row 2001
    lead_import = run_import(db, ctx, worker, upload(ctx, csv_bytes(*rows)))
    assert lead_import.status == ImportStatus.invalid
    assert lead_import.errors == [
        {
            "row": 5,
            "problems": [
                "Company contains an invisible control character (U+001B) at position 5; "
                "remove it from the file.",
                "Contact name contains an invisible control character (U+0007) at position 4; "
                "remove it from the file.",
            ],
        },
        {
            "row": 2001,
            "problems": [
                "Company contains an invisible control character (U+0000) at position 4; "
                "remove it from the file."
            ],
        },
    ]
    assert imported_leads(db, lead_import) == []


DUPLICATES = (
    "Acme Labs,Bea,bea@acme.example,DE,EMEA,retail,,",  # 2: same domain as the existing lead
    "Solo One,Sam,sam@gmail.com,DE,EMEA,retail,,",  # 3: free mail: only the address counts
    "Solo Two,Sue,sue@gmail.com,DE,EMEA,retail,,",  # 4
    "Solo One again,Sam,SAM@gmail.com,DE,EMEA,retail,,",  # 5: row 3's address
    "Newco,Nia,nia@newco.example,DE,EMEA,retail,,",  # 6
    "Newco Sales,Ned,ned@newco.example,DE,EMEA,retail,,",  # 7: row 6's domain
    "No Email Inc,Nobody,,DE,EMEA,retail,,",  # 8: nothing to compare
)


@pytest.fixture
def existing(db, owner):
    return create_lead(db, owner, company="Acme", contact_email="ann@acme.example")


def test_duplicates_are_flagged_in_the_preview_and_left_out(db, ctx, worker, existing):
    lead_import = upload(ctx, csv_bytes(*DUPLICATES))
    found = imports.check(ctx, lead_import, lead_import.mapping)
    assert found.duplicates == {
        2: imports.Duplicate(lead_id=existing.id),
        5: imports.Duplicate(row=3),
        7: imports.Duplicate(row=6),
    }
    lead_import = run_import(db, ctx, worker, lead_import)
    assert lead_import.status == ImportStatus.imported
    assert (lead_import.imported_count, lead_import.duplicate_count) == (4, 3)
    assert lead_import.skipped_count == 3
    leads = imported_leads(db, lead_import)
    assert [lead.company for lead in leads] == ["Solo One", "Solo Two", "Newco", "No Email Inc"]
    assert {lead.duplicate_of_id for lead in leads} == {None}
    assert {lead.status for lead in leads} == {LeadStatus.new}
    assert db.get(Job, lead_import.job_id).message == "4 lead(s) imported; 3 duplicate(s) left out."


def test_duplicates_may_be_imported_marked_as_possible_duplicates(db, ctx, worker, existing):
    lead_import = upload(ctx, csv_bytes(*DUPLICATES))
    lead_import = run_import(db, ctx, worker, lead_import, skip_duplicates=False)
    assert (lead_import.imported_count, lead_import.skipped_count) == (7, 0)
    by_company = {lead.company: lead for lead in imported_leads(db, lead_import)}
    assert by_company["Acme Labs"].duplicate_of_id == existing.id
    assert by_company["Solo One again"].duplicate_of_id == by_company["Solo One"].id
    assert by_company["Solo One again"].contact_email == "sam@gmail.com"
    assert by_company["Newco"].duplicate_of_id is None
    assert by_company["Newco Sales"].duplicate_of_id == by_company["Newco"].id
    marked = [lead for lead in by_company.values() if lead.duplicate_of_id]
    assert len(marked) == 3
    assert db.get(Job, lead_import.job_id).message == (
        "7 lead(s) imported, 3 of them marked as possible duplicates."
    )


def test_ten_thousand_rows_are_imported_and_reach_partners_through_a_sharing_rule(
    db, ctx, worker, owner
):
    vendor = owner.organization
    emea, elsewhere = create_org(db), create_org(db)
    create_partnership(db, vendor, emea)
    create_partnership(db, vendor, elsewhere)
    create_rule(
        db,
        create_user(db, vendor, Role.manager),
        Grantee(GranteeKind.organization, emea.id),
        AccessLevel.claim,
        regions=("EMEA",),
    )
    rows = [
        f"Company {n},Contact {n},c{n}@company{n}.example,DE,{'EMEA' if n % 2 else 'NA'},"
        f"retail,{n}.50,{n % 101}"
        for n in range(10_000)
    ]
    lead_import = run_import(db, ctx, worker, upload(ctx, csv_bytes(*rows)), publish=True)
    assert (lead_import.status, lead_import.imported_count) == (ImportStatus.imported, 10_000)
    leads = imported_leads(db, lead_import)
    assert len(leads) == 10_000 and {lead.status for lead in leads} == {LeadStatus.available}
    assert leads[42].amount == pytest.approx(42.5) and leads[42].score == 42

    def pool_size(user) -> int:
        return db.scalar(select(func.count()).select_from(lead_inbox(user).subquery()))

    assert pool_size(create_user(db, emea)) == 5_000
    assert pool_size(create_user(db, elsewhere)) == 0
    job = db.get(Job, lead_import.job_id)
    assert (job.progress_done, job.progress_total) == (20_000, 20_000)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "lead.imported"))
    assert entry.after == {
        "file": "leads.csv",
        "rows": 10_000,
        "imported": 10_000,
        "duplicates": 0,
        "skipped": 0,
        "rejected": 0,
        "published": True,
    }
    lead_entries = select(func.count()).where(AuditEntry.action.startswith("lead."))
    assert db.scalar(lead_entries) == 1  # one for the import, none per lead


def test_an_import_starts_once_and_belongs_to_its_organization(db, ctx, storage):
    lead_import = upload(ctx, csv_bytes("Alpha,Ann,ann@alpha.example,DE,EMEA,retail,1,2"))
    options = ImportOptions(lead_import.mapping)
    imports.start_import(ctx, lead_import.id, options)
    with pytest.raises(AlreadyStarted):
        imports.start_import(ctx, lead_import.id, options)
    assert db.scalar(select(func.count()).select_from(Job)) == 1

    stranger = create_user(db, create_org(db, OrgKind.vendor), Role.admin)
    with pytest.raises(NotFound):
        imports.get_import(db, stranger, lead_import.id)
    with pytest.raises(NotFound):
        imports.start_import(context(db, stranger, storage=storage), lead_import.id, options)


def test_the_storage_sweeper_keeps_the_files_of_queued_imports_and_recent_drafts(db, ctx):
    draft = upload(ctx, csv_bytes("Alpha,Ann,ann@alpha.example,DE,EMEA,retail,1,2"))
    queued = upload(ctx, csv_bytes("Beta,Bob,bob@beta.example,DE,EMEA,retail,1,2"))
    imports.start_import(ctx, queued.id, ImportOptions(queued.mapping))
    now = utcnow()
    assert imports.stored_blobs(db, now) == {draft.blob_sha256, queued.blob_sha256}
    assert imports.stored_blobs(db, now + timedelta(days=8)) == {queued.blob_sha256}


class WorkerStopped(Exception):
    """The worker dies here: what it committed stays, the rest rolls back."""


def stop_after_first_chunk(done: int, total: int | None, message: str | None) -> None:
    if message and message.startswith("Importing rows: 3 of"):
        raise WorkerStopped


def stopped_between_chunks(db, ctx, lead_import: LeadImport, **options) -> dict:
    """Start the import, run it three rows a chunk and stop it after the first chunk."""
    imports.start_import(ctx, lead_import.id, ImportOptions(lead_import.mapping, **options))
    db.commit()
    payload = db.get(Job, lead_import.job_id).payload
    with pytest.raises(WorkerStopped):
        imports.import_leads(ctx, payload, stop_after_first_chunk, chunk_rows=3)
    db.rollback()
    return payload


def staged(db, lead_import: LeadImport) -> int:
    query = select(func.count()).where(LeadImportRow.import_id == lead_import.id)
    return db.scalar(query)


def test_an_import_stopped_between_chunks_resumes_without_losing_or_doubling_rows(
    db, ctx, existing
):
    lead_import = upload(ctx, csv_bytes(*DUPLICATES))
    payload = stopped_between_chunks(db, ctx, lead_import, skip_duplicates=False)
    db.refresh(lead_import)
    assert imported_leads(db, lead_import) == []  # every row or none: none yet
    assert (lead_import.status, lead_import.staged_rows, staged(db, lead_import)) == (
        ImportStatus.queued,
        3,
        3,
    )

    reported = []
    message = imports.import_leads(
        ctx, payload, lambda *report: reported.append(report), chunk_rows=3
    )
    assert message == "7 lead(s) imported, 3 of them marked as possible duplicates."
    assert "Importing rows: 3 of 7 (resumed after 3)." in [m for _, _, m in reported]
    assert reported[-1][:2] == (14, 14)
    by_company = {lead.company: lead for lead in imported_leads(db, lead_import)}
    assert sorted(by_company) == sorted(row.split(",")[0] for row in DUPLICATES)
    assert len(imported_leads(db, lead_import)) == 7  # each row once
    # A duplicate staged before the stop points at an earlier row staged after it, and back.
    assert by_company["Solo One again"].duplicate_of_id == by_company["Solo One"].id
    assert by_company["Newco Sales"].duplicate_of_id == by_company["Newco"].id
    assert by_company["Acme Labs"].duplicate_of_id == existing.id
    assert staged(db, lead_import) == 0
    assert db.scalar(select(func.count()).where(AuditEntry.action == "lead.imported")) == 1


def test_a_resumed_import_leaves_out_the_leads_another_import_brought_meanwhile(db, ctx, worker):
    rows = (f"Co {n},,c{n}@co{n}.example,DE,EMEA,retail,1,2" for n in range(6))
    first = upload(ctx, csv_bytes(*rows))
    stopped_between_chunks(db, ctx, first)
    other = upload(ctx, csv_bytes("Co One Again,,sales@co1.example,DE,EMEA,retail,1,2"))
    imports.start_import(ctx, other.id, ImportOptions(other.mapping))
    db.commit()
    imports.import_leads(ctx, db.get(Job, other.job_id).payload, lambda *report: None)
    db.commit()

    assert worker.run_next() == first.job_id  # the stopped job, on its next attempt
    db.expire_all()
    assert db.get(Job, first.job_id).message == "5 lead(s) imported; 1 duplicate(s) left out."
    assert [lead.company for lead in imported_leads(db, first)] == [
        "Co 0", "Co 2", "Co 3", "Co 4", "Co 5"
    ]  # fmt: skip
    assert staged(db, first) == 0


def test_the_staged_rows_of_an_import_that_failed_for_good_are_swept(db, ctx):
    lead_import = upload(ctx, csv_bytes(*DUPLICATES))
    stopped_between_chunks(db, ctx, lead_import)
    assert imports.sweep_abandoned_staging(ctx) == 0  # its job will try again: kept
    assert staged(db, lead_import) == 3

    job = db.get(Job, lead_import.job_id)
    job.status = JobStatus.failed  # as the worker settles it after its last attempt
    assert imports.sweep_abandoned_staging(ctx) == 3
    db.refresh(lead_import)
    assert staged(db, lead_import) == 0
    assert (lead_import.staged_rows, lead_import.staged_through) == (0, 1)
    assert imported_leads(db, lead_import) == []
