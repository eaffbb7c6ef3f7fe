"""The library through HTTP: upload by form, versions, downloads (ranges, presigned redirects on
S3 over moto's server), previews, locks, sharing and the access log; strangers get 404s."""

import io
import os
import re
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from document_samples import pdf_with_text
from sqlalchemy import func, select

from app import create_app
from documents.models import Document, DocumentAccess, DocumentVersion
from partners.roles import OrgKind, Role, Tier

from conftest import make_settings
from factories import create_org, create_user, vendor_with_partner
from support.browser_client import PortalClient

PDF = b"%PDF-1.7\n" + os.urandom(5000)
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(300)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
VERSION_LINK = re.compile(r'href="(/documents/\d+/versions/(\d+)/download)"')


@pytest.fixture
def world(db):
    vendor, partner, _partnership = vendor_with_partner(db, Tier.gold)
    return {
        "vendor": vendor,
        "partner": partner,
        "manager": create_user(db, vendor, Role.manager),
        "member": create_user(db, vendor, Role.member),
        "partner_user": create_user(db, partner, Role.member),
        "stranger": create_user(db, create_org(db, OrgKind.partner), Role.admin),
    }


def upload(client, data: bytes, name: str, **fields):
    return client.post(
        "/documents/upload",
        {"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def new_version(client, document_id: int, data: bytes, name: str, **fields):
    return client.post(
        f"/documents/{document_id}/versions",
        {"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def only_document(db) -> Document:
    return db.scalars(select(Document)).one()


def test_upload_new_version_and_download_each_version(client, db, world):
    client.login(world["manager"].email)
    response = upload(client, PDF, "Price list.pdf", folder="Sales", tags="price list, EMEA")
    assert response.status_code == 302
    document = only_document(db)
    second = pdf_with_text("Price list, revised")
    assert (
        new_version(client, document.id, second, "Price list.pdf", comment="Q3").status_code == 302
    )

    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    links = {int(number): url for url, number in VERSION_LINK.findall(page)}
    versions = {v.number: v for v in db.scalars(select(DocumentVersion))}
    assert set(links) == set(versions) == {1, 2}
    for number, data in ((1, PDF), (2, second)):
        response = client.get(links[number])
        assert response.status_code == 200 and response.data == data
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["ETag"] == f'"{versions[number].sha256}"'
        assert versions[number].sha256 in page
    assert "Q3" in page and world["manager"].display_name in page


def test_a_range_request_gets_206_and_exactly_those_bytes(client, db, world):
    client.login(world["manager"].email)
    upload(client, PDF, "Price list.pdf")
    url = f"/documents/{only_document(db).id}/versions/1/download"
    response = client.get(url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.data == PDF[100:200]
    assert response.headers["Content-Range"] == f"bytes 100-199/{len(PDF)}"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.data) == (206, PDF[-10:])
    beyond = client.get(url, headers={"Range": f"bytes={len(PDF) + 5}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(PDF)}"
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"another-version"'})
    assert (stale.status_code, stale.data) == (200, PDF)
    # Only the request from the first byte counts as a download; resumed or seeking ones do not.
    assert db.scalar(select(func.count()).select_from(DocumentAccess)) == 1


def test_another_organization_gets_404_for_the_document_and_everything_in_it(
    client, other_client, db, world
):
    client.login(world["manager"].email)
    upload(client, PNG, "logo.png")
    document_id = only_document(db).id
    other_client.login(world["stranger"].email)
    for url in (
        f"/documents/{document_id}",
        f"/documents/{document_id}/versions/1/download",
        f"/documents/{document_id}/versions/1/preview",
        f"/documents/{document_id}/versions/1/inline",
        f"/documents/{document_id}/versions/9/download",
    ):
        assert other_client.get(url).status_code == 404, url
    assert new_version(other_client, document_id, PNG, "x.png").status_code == 404
    for action in ("lock", "unlock", "detach", "delete"):
        assert other_client.post(f"/documents/{document_id}/{action}").status_code == 404, action
    listing = other_client.get("/documents/").get_data(as_text=True)
    assert f'/documents/{document_id}"' not in listing and "No documents yet" in listing
    assert db.scalar(select(func.count()).select_from(DocumentAccess)) == 0


def test_shared_documents_appear_in_the_partners_library(client, other_client, db, world):
    client.login(world["manager"].email)
    upload(client, PDF, "Price list.pdf", tags="pricing")
    document = only_document(db)
    response = client.post(
        f"/documents/{document.id}/share", {"target": "tier:gold", "level": "1", "reason": "Q3"}
    )
    assert response.status_code == 302
    other_client.login(world["partner_user"].email)
    library = other_client.get("/documents/?q=price").get_data(as_text=True)
    assert f'href="/documents/{document.id}"' in library and "shared with us" in library
    assert other_client.get(f"/documents/{document.id}/versions/1/download").data == PDF
    owner_page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Gold partners and above" in owner_page
    assert world["partner"].name in owner_page  # the access log, and why they can see it
    assert "Why can they see this?" in owner_page
    partner_page = other_client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Who opened it" not in partner_page and "Why can they see" not in partner_page


def test_searching_shows_neither_the_count_nor_the_titles_of_unseen_documents(
    client, other_client, db, world
):
    client.login(world["manager"].email)
    upload(client, pdf_with_text("Zephyr pricing"), "Zephyr price list.pdf")
    upload(client, pdf_with_text("Zephyr margins"), "Zephyr margin plan.pdf")
    shared = db.scalar(select(Document).where(Document.title == "Zephyr price list"))
    client.post(f"/documents/{shared.id}/share", {"target": "partners", "level": "1"})
    assert ">2 documents<" in client.get("/documents/?q=zephyr").get_data(as_text=True)
    other_client.login(world["partner_user"].email)
    for term in ("zephyr", "margin", "zephyr margins"):
        page = other_client.get(f"/documents/?q={term}").get_data(as_text=True)
        assert "margin plan" not in page.lower(), term
    page = other_client.get("/documents/?q=zephyr").get_data(as_text=True)
    assert ">1 document<" in page and "Zephyr price list" in page
    assert "No document matches" in other_client.get("/documents/?q=margins").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(50), "invoice.pdf", "This file is a PNG image"),
        (b"MZ\x90\x00" + bytes(50), "invoice.pdf", "a Windows program"),
        (b"", "empty.pdf", "The file is empty"),
        (PDF, "../../secret.pdf", "without folders"),
    ],
)
def test_refused_uploads_show_why_and_store_nothing(client, db, world, app, data, name, message):
    client.login(world["member"].email)
    response = upload(client, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Document)) == 0
    assert list(app.extensions["concord.storage"].iter_objects()) == []


def test_an_oversized_upload_is_refused_with_the_limit(client, db, world, app):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    client.login(world["member"].email)
    response = upload(client, PDF, "big.pdf")
    assert response.status_code == 413
    assert "The file is larger than" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Document)) == 0


def test_a_stale_form_is_refused(client, db, world):
    client.login(world["member"].email)
    response = client.post(
        "/documents/upload",
        {"file": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
        csrf=False,
    )
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(Document)) == 0


def test_a_lock_blocks_a_colleagues_new_version(client, other_client, db, world):
    client.login(world["member"].email)
    upload(client, PDF, "Plan.pdf")
    document = only_document(db)
    assert client.post(f"/documents/{document.id}/lock", {"note": "Q3 edits"}).status_code == 302
    other_client.login(world["manager"].email)
    refused = new_version(other_client, document.id, PDF + b"x", "Plan.pdf")
    assert refused.status_code == 422
    assert "is revising this document" in refused.get_data(as_text=True)
    assert document.current_number == 1


def test_previews_docx_as_html_images_inline_and_the_rest_downloads(client, db, world, make_docx):
    client.login(world["manager"].email)
    upload(client, make_docx("Joint campaign brief", "<script>alert(1)</script>"), "brief.docx")
    upload(client, PNG, "logo.png")
    upload(client, PDF, "sheet.pdf")
    word, image, pdf = db.scalars(select(Document).order_by(Document.id)).all()

    html = client.get(f"/documents/{word.id}/versions/1/preview").get_data(as_text=True)
    assert "<p>Joint campaign brief</p>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    for page in (html, client.get("/documents/").get_data(as_text=True)):
        assert not INLINE_SCRIPT.search(page)  # the CSP forbids it; drag and drop is concord.js
    assert client.get(f"/documents/{image.id}/versions/1/preview").status_code == 200
    shown = client.get(f"/documents/{image.id}/versions/1/inline")
    assert shown.headers["Content-Type"] == "image/png" and shown.data == PNG
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    assert client.get(f"/documents/{pdf.id}/versions/1/inline").status_code == 404
    other = client.get(f"/documents/{pdf.id}/versions/1/preview")
    assert other.status_code == 302 and other.headers["Location"].endswith("/versions/1/download")
    actions = db.scalars(select(DocumentAccess.action).order_by(DocumentAccess.id)).all()
    assert [a.value for a in actions] == ["preview", "preview"]


def test_library_filters_by_folder_and_tag_and_sorts(client, db, world):
    client.login(world["manager"].email)
    upload(client, PDF, "b.pdf", title="Beta sheet", folder="Sales/EMEA", tags="datasheet")
    upload(client, PDF + b"2", "a.pdf", title="Alpha contract", folder="Legal")
    beta, alpha = (
        f'href="/documents/{d.id}"' for d in db.scalars(select(Document).order_by(Document.id))
    )

    def listed(query: str) -> str:
        return client.get(f"/documents/{query}").get_data(as_text=True)

    for query in ("?folder=Sales", "?tag=datasheet", "?q=beta"):
        page = listed(query)
        assert beta in page and alpha not in page, query
    by_title = listed("?sort=title")
    assert by_title.index(alpha) < by_title.index(beta)
    assert "No document matches" in listed("?q=zzz")


# S3: presigned downloads over moto's server ------------------------------------------------------


@pytest.fixture
def s3_app(tmp_path, smtp, engine, session_factory, clock, s3_url):
    settings = make_settings(
        tmp_path,
        smtp[0].port,
        engine.url.render_as_string(hide_password=False),
        CONCORD_STORAGE_URL=s3_url,
        CONCORD_DOWNLOAD_URL_SECONDS="45",
    )
    application = create_app(settings, testing=True, clock=clock)
    application.extensions["concord.db"].factory = session_factory
    return application


def test_s3_downloads_redirect_to_a_short_lived_url_only_after_the_access_check(s3_app, db, world):
    owner, stranger = PortalClient(s3_app), PortalClient(s3_app)
    owner.login(world["manager"].email)
    assert upload(owner, PDF, "Price list.pdf").status_code == 302
    document = only_document(db)
    second = PDF + b"% v2\n"
    assert new_version(owner, document.id, second, "Price list.pdf").status_code == 302

    for number, data in ((1, PDF), (2, second)):
        response = owner.get(f"/documents/{document.id}/versions/{number}/download")
        assert response.status_code == 302
        location = response.headers["Location"]
        query = parse_qs(urlsplit(location).query)
        assert query["X-Amz-Expires"] == ["45"]
        assert "attachment" in query["response-content-disposition"][0]
        with urllib.request.urlopen(location) as fetched:
            assert fetched.read() == data

    stranger.login(world["stranger"].email)
    refused = stranger.get(f"/documents/{document.id}/versions/1/download")
    assert refused.status_code == 404 and "Location" not in refused.headers
    # Each presigned URL is in the access log: to whom it was issued, until when it works.
    issued = db.scalars(select(DocumentAccess).order_by(DocumentAccess.id)).all()
    assert [(a.user_id, a.url_expires_at - a.at) for a in issued] == [
        (world["manager"].id, timedelta(seconds=45))
    ] * 2
    page = owner.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "a storage link for them, valid until" in page

    # A download link (documents.links) leads to a presigned URL too, for its user only.
    link = re.search(r'href="http://localhost(/documents/links/[^"]+)"', page).group(1)
    assert stranger.get(link).status_code == 404
    anonymous = PortalClient(s3_app).get(link)
    assert anonymous.status_code == 302 and "X-Amz-Expires=45" in anonymous.headers["Location"]
    assert db.scalars(select(DocumentAccess.user_id)).all() == [world["manager"].id] * 3


def test_s3_streams_when_presigning_is_off(s3_app, db, world):
    s3_app.extensions["concord.storage"].presign = False
    owner = PortalClient(s3_app)
    owner.login(world["manager"].email)
    upload(owner, PDF, "Price list.pdf")
    url = f"/documents/{only_document(db).id}/versions/1/download"
    assert owner.get(url).data == PDF
    assert owner.get(url, headers={"Range": "bytes=10-19"}).data == PDF[10:20]


def test_a_sharing_rule_publishes_a_folder_to_a_tier(client, other_client, db, world):
    client.login(world["manager"].email)
    upload(client, PDF, "sheet.pdf", folder="Collateral", tags="Datasheet")
    upload(client, PDF + b"draft", "draft.pdf", folder="Drafts")
    sheet, draft = db.scalars(select(Document).order_by(Document.id)).all()
    form = {
        "name": "Collateral for gold",
        "record_type": "document",
        "folders": "Collateral",
        "tags": "",
        "grantee_kind": "tier",
        "grantee_tier": "gold",
        "level": "view",
        "active": "y",
        "save": "Save rule",
    }
    assert client.post("/leads/rules/new", form).status_code == 302
    other_client.login(world["partner_user"].email)
    library = other_client.get("/documents/").get_data(as_text=True)
    assert f'href="/documents/{sheet.id}"' in library
    assert f'href="/documents/{draft.id}"' not in library
    rules = client.get("/leads/rules").get_data(as_text=True)
    assert "Collateral for gold" in rules and "Collateral" in rules


# Forms as browsers send them: read as they arrive, the file hashed while spooled ----------------


def browser_form(client, url: str, parts: list[tuple[str, str | tuple[str, bytes]]]):
    """A multipart body in the order given (browsers send a form's fields in page order: the
    CSRF token first, then the file, then the fields after it)."""
    boundary = "----concordtest"
    body = b""
    for name, value in parts:
        if isinstance(value, tuple):
            filename, data = value
            head = f'name="{name}"; filename="{filename}"\r\nContent-Type: application/pdf'
        else:
            head, data = f'name="{name}"', value.encode()
        body += f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return client.http.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored_and_leftovers(app) -> tuple[list[str], list[str]]:
    storage = app.extensions["concord.storage"]
    keys = [info.key for info in storage.iter_objects()]
    return keys, [leftover.name for leftover in storage.iter_leftovers()]


def test_a_browsers_form_is_read_as_it_arrives_and_what_is_refused_leaves_nothing(
    s3_app, db, world
):
    big = b"%PDF-1.7\n" + os.urandom(12 * 1024 * 1024)  # several S3 parts
    owner = PortalClient(s3_app)
    owner.login(world["manager"].email)
    token = owner.csrf_token()

    refused = browser_form(
        owner, "/documents/upload", [("csrf_token", token), ("file", ("logo.png", big))]
    )
    assert refused.status_code == 422 and "PDF" in refused.get_data(as_text=True)
    assert stored_and_leftovers(s3_app) == ([], [])

    late = browser_form(
        owner, "/documents/upload", [("file", ("sheet.pdf", big)), ("csrf_token", token)]
    )
    assert late.status_code == 400  # no token before the file: not a byte of it is kept
    assert stored_and_leftovers(s3_app) == ([], [])
    assert db.scalar(select(func.count()).select_from(Document)) == 0

    parts = [("csrf_token", token), ("file", ("sheet.pdf", big))]
    fields = [("title", "Q3 sheet"), ("folder", "Sales"), ("tags", "pricing")]
    response = browser_form(owner, "/documents/upload", parts + fields)
    assert response.status_code == 302
    document = only_document(db)
    assert (document.title, document.folder, document.tags) == ("Q3 sheet", "Sales", ["pricing"])
    assert stored_and_leftovers(s3_app) == ([document.current.sha256], [])
    assert owner.get(f"/documents/{document.id}/versions/1/download").status_code == 302

    again = browser_form(
        owner,
        f"/documents/{document.id}/versions",
        [("csrf_token", token), ("file", ("sheet.pdf", big)), ("comment", "same bytes")],
    )
    assert again.status_code == 302  # identical bytes: still one object
    assert stored_and_leftovers(s3_app) == ([document.current.sha256], [])
