"""Documents through /api/v1: list, one document, upload (multipart and raw body), new versions,
content with ranges; another organization's token gets 404s; refusals are problem+json."""

import base64
import hashlib
import io
import os
from dataclasses import replace

import pytest
from sqlalchemy import select

from documents.models import DocumentVersion, TextStatus
from partners.api_tokens import create_token
from partners.roles import OrgKind, Role, Tier

from factories import context, create_org, create_user, vendor_with_partner

PDF = b"%PDF-1.7\n" + os.urandom(4000)


@pytest.fixture
def world(db):
    vendor, partner, _partnership = vendor_with_partner(db, Tier.gold)
    ctx = context(db)
    stranger = create_user(db, create_org(db, OrgKind.partner), Role.admin)
    return {
        "token": create_token(ctx, create_user(db, vendor, Role.member)),
        "viewer_token": create_token(ctx, create_user(db, vendor, Role.viewer)),
        "partner_token": create_token(ctx, create_user(db, partner, Role.member)),
        "stranger_token": create_token(ctx, stranger),
    }


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _raw_upload(client, token: str, data: bytes, **query):
    return client.http.post(
        "/api/v1/documents",
        data=data,
        query_string=query,
        headers=_auth(token),
        content_type="application/octet-stream",
    )


def test_upload_list_get_and_download_through_the_api(client, world):
    created = _raw_upload(
        client, world["token"], PDF, filename="Price list.pdf", folder="Sales", tags="pricing, q3"
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert created.headers["Location"] == body["url"]
    assert (body["title"], body["folder"], body["tags"]) == (
        "Price list",
        "Sales",
        ["pricing", "q3"],
    )
    version = body["current_version"]
    assert version["sha256"] == hashlib.sha256(PDF).hexdigest() and version["size"] == len(PDF)

    second = PDF + b"% v2\n"
    added = client.http.post(
        f"/api/v1/documents/{body['id']}/versions",
        data={"file": (io.BytesIO(second), "Price list.pdf"), "comment": "Q3 prices"},
        headers=_auth(world["token"]),
        content_type="multipart/form-data",
    )
    assert added.status_code == 201 and added.get_json()["number"] == 2

    listing = client.http.get("/api/v1/documents?q=price", headers=_auth(world["token"]))
    assert [item["id"] for item in listing.get_json()["items"]] == [body["id"]]
    one = client.http.get(body["url"], headers=_auth(world["token"])).get_json()
    assert [v["number"] for v in one["versions"]] == [2, 1]
    for entry, data in zip(one["versions"], (second, PDF), strict=True):
        content = client.http.get(entry["content_url"], headers=_auth(world["token"]))
        assert content.status_code == 200 and content.data == data
    ranged = client.http.get(
        one["versions"][1]["content_url"],
        headers={**_auth(world["token"]), "Range": "bytes=0-8"},
    )
    assert (ranged.status_code, ranged.data) == (206, PDF[:9])


def test_another_organizations_token_gets_404_for_everything(client, world):
    document = _raw_upload(client, world["token"], PDF, filename="a.pdf").get_json()
    stranger = _auth(world["stranger_token"])
    for url in (document["url"], document["current_version"]["content_url"]):
        response = client.http.get(url, headers=stranger)
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"
    more = client.http.post(
        f"{document['url']}/versions",
        data=PDF,
        query_string={"filename": "b.pdf"},
        headers=stranger,
        content_type="application/octet-stream",
    )
    assert more.status_code == 404
    assert client.http.get("/api/v1/documents", headers=stranger).get_json()["items"] == []


def test_refusals_are_problems_with_a_code(client, world, app):
    wrong = _raw_upload(client, world["token"], b"\x89PNG\r\n\x1a\n" + bytes(40), filename="x.pdf")
    assert wrong.status_code == 422
    assert wrong.get_json()["code"] == "type_mismatch"
    path = _raw_upload(client, world["token"], PDF, filename="../x.pdf")
    assert path.get_json()["code"] == "path_in_filename"
    unnamed = _raw_upload(client, world["token"], PDF)
    assert unnamed.status_code == 422 and "filename" in unnamed.get_json()["detail"]
    assert _raw_upload(client, world["viewer_token"], PDF, filename="x.pdf").status_code == 403
    settings = app.extensions["concord.settings"]
    app.extensions["concord.settings"] = replace(settings, max_upload_bytes=1000)
    big = _raw_upload(client, world["token"], PDF, filename="big.pdf")
    assert big.status_code == 413 and big.get_json()["code"] == "too_large"
    listing = client.http.get("/api/v1/documents", headers=_auth(world["token"]))
    assert listing.get_json()["items"] == []


def test_the_openapi_spec_describes_the_document_endpoints(client):
    spec = client.http.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/documents"])
    assert "/documents/{document_id}/versions/{number}/content" in spec["paths"]
    assert "Document" in spec["components"]["schemas"]


def _digest_header(data: bytes) -> dict:
    return {
        "Content-Digest": f"sha-256=:{base64.b64encode(hashlib.sha256(data).digest()).decode()}:"
    }


def test_a_body_with_its_digest_is_stored_as_it_arrives(client, world, db, app):
    """A PDF (its kind decided by its first bytes) with Content-Digest is not spooled: its text
    is indexed by the worker; a wrong digest stores nothing; Office files are still spooled."""
    streamed = client.http.post(
        "/api/v1/documents",
        data=PDF,
        query_string={"filename": "sheet.pdf"},
        headers={**_auth(world["token"]), **_digest_header(PDF)},
        content_type="application/octet-stream",
    )
    assert streamed.status_code == 201, streamed.get_json()
    version = db.scalars(select(DocumentVersion)).one()
    assert (version.sha256, version.text_status) == (
        hashlib.sha256(PDF).hexdigest(),
        TextStatus.pending,
    )

    other = PDF + b"tampered"
    wrong = client.http.post(
        "/api/v1/documents",
        data=other,
        query_string={"filename": "other.pdf"},
        headers={**_auth(world["token"]), **_digest_header(PDF)},
        content_type="application/octet-stream",
    )
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "checksum_mismatch"
    stored = [info.key for info in app.extensions["concord.storage"].iter_objects()]
    assert stored == [version.sha256]

    text = b"Partner price list\n"
    spooled = client.http.post(
        "/api/v1/documents",
        data=text,
        query_string={"filename": "notes.txt"},
        headers={**_auth(world["token"]), **_digest_header(text)},
        content_type="application/octet-stream",
    )
    assert spooled.status_code == 201
    found = client.http.get("/api/v1/documents?q=price+list", headers=_auth(world["token"]))
    assert [item["title"] for item in found.get_json()["items"]] == ["notes"]

    bad = client.http.post(
        "/api/v1/documents",
        data=PDF,
        query_string={"filename": "x.pdf"},
        headers={**_auth(world["token"]), "Content-Digest": "md5=:abc:"},
        content_type="application/octet-stream",
    )
    assert bad.status_code == 422 and "Content-Digest" in bad.get_json()["detail"]
