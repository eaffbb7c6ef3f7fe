"""The import pages through HTTP: upload, map and preview, import, progress and result; stale
and forged forms, other companies' imports, and files that are not lead CSVs."""

import io
import re

import pytest
from sqlalchemy import func, select

from app.worker import worker_for
from partners.jobs import Job
from partners.roles import OrgKind, Role
from portal.leads.models import ImportStatus, Lead, LeadImport

from factories import create_lead, create_org, create_user

CSV = (
    b"Company;Contact;Email;Country;Score\n"
    b"Alpha Retail;Ann;ann@alpha.example;DE;80\n"
    b"Beta Health;Bob;bob@beta.example;FR;40\n"
    b"Beta Again;Bea;bea@beta.example;FR;30\n"
)
PREVIEWED = re.compile(r'name="previewed" type="hidden" value="([^"]*)"')


@pytest.fixture
def member(db):
    return create_user(db, create_org(db, OrgKind.vendor, "Acme"), Role.member)


@pytest.fixture
def signed_in(client, member):
    client.login(member.email)
    return client


def post_file(client, data: bytes, name: str = "leads.csv", **kwargs):
    return client.post(
        "/leads/imports/new",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        **kwargs,
    )


def uploaded(db) -> LeadImport:
    return db.scalars(select(LeadImport).order_by(LeadImport.id.desc())).first()


def mapping_data(lead_import: LeadImport, **overrides) -> dict:
    data = {
        f"map_{name}": "" if index is None else str(index)
        for name, index in lead_import.mapping.items()
    }
    return {"duplicates": "skip", **data, **overrides}


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_upload_map_preview_import_and_watch_it_finish(app, db, signed_in):
    client = signed_in
    assert "Import CSV" in client.get("/leads/manage").get_data(as_text=True)
    assert client.get("/leads/imports/new").status_code == 200
    response = post_file(client, CSV)
    lead_import = uploaded(db)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/leads/imports/{lead_import.id}/mapping"

    page = client.get(f"/leads/imports/{lead_import.id}/mapping").get_data(as_text=True)
    assert 'class="preview-rows">3<' in page and 'class="preview-duplicates">1<' in page
    assert "Row 4: same email or company domain as row 3" in page
    assert "Alpha Retail" in page and "alpha.example" in page
    token = PREVIEWED.search(page).group(1)

    # Importing with a mapping that was not previewed shows the preview again.
    url = f"/leads/imports/{lead_import.id}/mapping"
    changed = mapping_data(lead_import, map_contact_name="", previewed=token, start="Import")
    page = client.post(url, changed).get_data(as_text=True)
    assert "The columns changed since the preview" in page
    assert count(db, Job) == 0

    options = {"previewed": token, "start": "Import", "publish": "y"}
    response = client.post(url, mapping_data(lead_import, **options))
    assert response.status_code == 302
    status_url = f"/leads/imports/{lead_import.id}"
    assert response.headers["Location"] == status_url
    page = client.get(status_url).get_data(as_text=True)
    assert f'data-progress-url="{status_url}/progress.json"' in page
    assert "<progress" in page and "Reload" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    progress = client.get(f"{status_url}/progress.json").get_json()
    assert progress["status"] == "queued" and progress["finished"] is False

    assert worker_for(app).run_next() is not None
    progress = client.get(f"{status_url}/progress.json").get_json()
    assert progress["status"] == "imported" and progress["finished"] is True
    page = client.get(status_url).get_data(as_text=True)
    assert "2 lead(s) imported; 1 duplicate(s) left out." in page
    assert "data-progress-url" not in page
    db.expire_all()
    assert uploaded(db).status == ImportStatus.imported
    listing = client.get("/leads/imports").get_data(as_text=True)
    assert "leads.csv" in listing and "imported" in listing


def test_a_lead_imported_as_a_possible_duplicate_says_so_on_its_page(app, db, signed_in, member):
    existing = create_lead(db, member, company="Beta", contact_email="info@beta.example")
    post_file(signed_in, CSV)
    lead_import = uploaded(db)
    url = f"/leads/imports/{lead_import.id}/mapping"
    token = PREVIEWED.search(signed_in.get(url).get_data(as_text=True)).group(1)
    signed_in.post(
        url, mapping_data(lead_import, duplicates="mark", previewed=token, start="Import")
    )
    worker_for(app).run_next()
    marked = db.scalar(select(Lead).where(Lead.company == "Beta Health"))
    assert marked.duplicate_of_id == existing.id
    page = signed_in.get(f"/leads/{marked.id}").get_data(as_text=True)
    assert f'<a href="/leads/{existing.id}">lead #{existing.id}</a>' in page


def test_rows_with_errors_cannot_be_imported(db, signed_in):
    post_file(signed_in, b"Company,Email\nAlpha,ann@alpha.example\n,bob@beta.example\n")
    lead_import = uploaded(db)
    url = f"/leads/imports/{lead_import.id}/mapping"
    page = signed_in.get(url).get_data(as_text=True)
    assert "Row 3: Company is empty." in page
    assert 'name="start"' not in page
    token = PREVIEWED.search(page).group(1)
    response = signed_in.post(url, mapping_data(lead_import, previewed=token, start="Import"))
    assert "Correct the rows with errors" in response.get_data(as_text=True)
    assert count(db, Job) == 0


def test_the_valid_rows_are_imported_and_the_rejected_ones_downloaded_with_reasons(
    app, db, signed_in
):
    post_file(
        signed_in,
        b"Company,Email,Score\n"
        b"Alpha,ann@alpha.example,10\n"
        b",bob@beta.example,20\n"  # row 3: no company
        b"Gamma,not-an-email,=1+1\n"  # row 4: two errors, a formula kept as written
        b"Delta,dan@delta.example,30\n",
        name="spring fair.csv",
    )
    lead_import = uploaded(db)
    url = f"/leads/imports/{lead_import.id}/mapping"
    page = signed_in.get(url).get_data(as_text=True)
    assert "import the 2 valid rows" in page
    token = PREVIEWED.search(page).group(1)

    rejected = signed_in.post(url, mapping_data(lead_import, previewed=token, rejected="CSV"))
    assert rejected.status_code == 200 and rejected.mimetype == "text/csv"
    assert 'filename="spring-fair-rejected.csv"' in rejected.headers["Content-Disposition"]
    assert rejected.get_data(as_text=True).splitlines() == [
        "Company,Email,Score,Why it was not imported",
        ",bob@beta.example,20,Row 3: Company is empty.",
        "Gamma,not-an-email,=1+1,Row 4: Email “not-an-email” is not an email address. "
        "Score “=1+1” is not a whole number from 0 to 100.",
    ]
    assert count(db, Job) == 0

    response = signed_in.post(url, mapping_data(lead_import, previewed=token, start_valid="y"))
    assert response.status_code == 302
    worker_for(app).run_next()
    assert sorted(db.scalars(select(Lead.company))) == ["Alpha", "Delta"]
    page = signed_in.get(f"/leads/imports/{lead_import.id}").get_data(as_text=True)
    assert "2 lead(s) imported; 2 row(s) with errors left out." in page
    assert "rows 3, 4." in page


def test_forged_and_stale_forms_are_refused(db, signed_in):
    assert post_file(signed_in, CSV, csrf=False).status_code == 400
    assert count(db, LeadImport) == 0
    post_file(signed_in, CSV)
    lead_import = uploaded(db)
    url = f"/leads/imports/{lead_import.id}/mapping"
    token = PREVIEWED.search(signed_in.get(url).get_data(as_text=True)).group(1)
    data = mapping_data(lead_import, previewed=token, start="Import")
    assert signed_in.post(url, data, csrf=False).status_code == 400
    assert signed_in.post(url, data).status_code == 302
    # The same form again (back button, second tab, double click): no second job.
    again = signed_in.post(url, data)
    assert again.status_code == 400
    assert "already been started" in again.get_data(as_text=True)
    assert count(db, Job) == 1
    assert signed_in.get(url).status_code == 302  # the mapping page of a started import


def test_another_companys_import_answers_404(db, client, member):
    client.login(member.email)
    post_file(client, CSV)
    lead_import = uploaded(db)
    client.logout()
    intruder = create_user(db, create_org(db, OrgKind.vendor), Role.admin)
    client.login(intruder.email)
    base = f"/leads/imports/{lead_import.id}"
    for url in (base, f"{base}/mapping", f"{base}/progress.json"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/mapping", mapping_data(lead_import)).status_code == 404
    assert "leads.csv" not in client.get("/leads/imports").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel or OpenDocument workbook"),
    ],
)
def test_a_binary_upload_is_refused_with_a_clear_message(db, signed_in, data, message):
    response = post_file(signed_in, data, name="leads.xlsx")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, LeadImport) == 0 and count(db, Job) == 0


def test_an_oversized_upload_is_refused(db, signed_in, monkeypatch):
    monkeypatch.setattr("portal.leads.imports.MAX_IMPORT_BYTES", 50)
    response = post_file(signed_in, CSV)
    assert response.status_code == 422
    assert "The file is larger than" in response.get_data(as_text=True)
    assert count(db, LeadImport) == 0 and count(db, Job) == 0


def test_partners_have_no_import_pages(db, client):
    client.login(create_user(db, create_org(db, OrgKind.partner), Role.admin).email)
    assert client.get("/leads/imports/new").status_code == 404


BROKEN = (
    b"Company,Email\n"
    b"Alpha,ann@alpha.example\n"
    b",bob@beta.example\n"  # row 3: no company
    b"Gamma,not-an-email\n"  # row 4: a bad email
)


def test_cells_corrected_in_the_preview_are_checked_again_and_imported(app, db, signed_in):
    post_file(signed_in, BROKEN)
    lead_import = uploaded(db)
    url = f"/leads/imports/{lead_import.id}/mapping"
    page = signed_in.get(url).get_data(as_text=True)
    assert 'name="cell-3-0" value=""' in page and 'aria-label="Row 3: Company"' in page
    assert 'name="cell-4-1" value="not-an-email"' in page
    assert 'name="cell-2-0"' not in page  # a row without errors is shown, not edited

    fixed = signed_in.post(
        url,
        mapping_data(
            lead_import, **{"cell-3-0": "Beta Health", "cell-4-1": "gil@gamma.example"}, correct="y"
        ),
    )
    page = fixed.get_data(as_text=True)
    assert fixed.status_code == 200 and "Every row can be imported." in page
    token = PREVIEWED.search(page).group(1)
    assert signed_in.post(url, mapping_data(lead_import, previewed=token, start="Import"))
    worker_for(app).run_next()
    leads = dict(db.execute(select(Lead.company, Lead.contact_email)).all())
    assert leads == {
        "Alpha": "ann@alpha.example",
        "Beta Health": "bob@beta.example",
        "Gamma": "gil@gamma.example",
    }


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("cell-3-0", "Beta\x00Health", "invisible control character (U+0000)"),
        ("cell-3-7", "Beta Health", "Correct cells of this file"),
        ("cell-1-0", "Company", "Correct cells of this file"),
        ("cell-3-0", "x" * 1001, "a cell holds at most 1,000 characters"),
    ],
)
def test_a_correction_that_cannot_be_kept_is_refused_and_nothing_is_stored(
    db, signed_in, cell, value, message
):
    post_file(signed_in, BROKEN)
    lead_import = uploaded(db)
    url = f"/leads/imports/{lead_import.id}/mapping"
    response = signed_in.post(url, mapping_data(lead_import, **{cell: value}, correct="y"))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.refresh(lead_import)
    assert lead_import.corrections == {}


def test_rows_with_errors_beyond_the_preview_are_offered_for_correction(db, signed_in):
    rows = b"".join(b"Company %d,c%d@example.com\n" % (n, n) for n in range(30))
    post_file(signed_in, b"Company,Email\n" + rows + b",late@example.com\n")  # row 32
    lead_import = uploaded(db)
    page = signed_in.get(f"/leads/imports/{lead_import.id}/mapping").get_data(as_text=True)
    assert "Further rows with errors" in page and 'name="cell-32-0"' in page


def test_corrections_wait_for_a_started_import_no_more(app, db, signed_in):
    post_file(signed_in, BROKEN)
    lead_import = uploaded(db)
    url = f"/leads/imports/{lead_import.id}/mapping"
    token = PREVIEWED.search(signed_in.get(url).get_data(as_text=True)).group(1)
    signed_in.post(url, mapping_data(lead_import, previewed=token, start_valid="y"))
    late = signed_in.post(url, mapping_data(lead_import, **{"cell-3-0": "Beta"}, correct="y"))
    assert late.status_code == 400
    db.refresh(lead_import)
    assert lead_import.corrections == {}
