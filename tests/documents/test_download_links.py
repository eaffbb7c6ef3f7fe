"""Download links (documents.links): one version, one user, a short time. They work without a
session as their user, never for another signed-in user, stop when the user loses access, and
answer 410 once expired (the app's clock is moved, not slept on)."""

import io
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from documents.models import Document, DocumentAccess
from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import ExplicitShare

from factories import create_org, create_user, vendor_with_partner
from support.browser_client import PortalClient

PDF = b"%PDF-1.7\n" + os.urandom(4000)
LINK = re.compile(r'href="http://localhost(/documents/links/[^"]+)"')
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(db, client, clock):
    clock.set(START)
    vendor, partner, _partnership = vendor_with_partner(db, Tier.gold)
    manager = create_user(db, vendor, Role.manager)
    client.login(manager.email)
    client.post(
        "/documents/upload",
        {"file": (io.BytesIO(PDF), "Price list.pdf")},
        content_type="multipart/form-data",
    )
    document = db.scalars(select(Document)).one()
    client.post(f"/documents/{document.id}/share", {"target": f"org:{partner.id}", "level": "1"})
    return {
        "document": document,
        "manager": manager,
        "partner_user": create_user(db, partner, Role.member),
        "stranger": create_user(db, create_org(db, OrgKind.partner), Role.admin),
    }


def link_for(client, email: str, document: Document) -> str:
    client.login(email)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    return LINK.search(page).group(1)


def logged(db) -> list[tuple[int, str]]:
    rows = db.execute(select(DocumentAccess.user_id, DocumentAccess.action).order_by("id"))
    return [(user_id, action.value) for user_id, action in rows]


def test_a_link_works_for_its_user_without_a_session_and_for_nobody_else(
    app, client, other_client, db, world
):
    partner_id = world["partner_user"].id
    link = link_for(other_client, world["partner_user"].email, world["document"])
    assert other_client.get(link).data == PDF  # in the session it was issued in
    elsewhere = PortalClient(app)  # no session: a download manager, another device
    response = elsewhere.get(link)
    assert response.status_code == 200 and response.data == PDF
    assert logged(db) == [(partner_id, "download"), (partner_id, "download")]

    # The owner's manager sees the document, but this link is not theirs.
    assert client.get(link).status_code == 404
    stranger = PortalClient(app)
    stranger.login(world["stranger"].email)
    assert stranger.get(link).status_code == 404
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert elsewhere.get(forged).status_code == 404
    assert len(logged(db)) == 2


def test_a_link_expires_and_ends_with_the_users_access(app, client, other_client, db, world, clock):
    link = link_for(other_client, world["partner_user"].email, world["document"])
    anonymous = PortalClient(app)
    clock.set(START + timedelta(seconds=899))
    assert anonymous.get(link).status_code == 200
    clock.set(START + timedelta(seconds=901))
    expired = anonymous.get(link)
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    assert other_client.get(link).status_code == 410  # for its own user too

    fresh = link_for(other_client, world["partner_user"].email, world["document"])
    share = db.scalars(select(ExplicitShare)).one()
    client.post(f"/documents/{world['document'].id}/shares/{share.id}/revoke")
    assert anonymous.get(fresh).status_code == 404  # the share is gone: so is the link
    assert [action for _user, action in logged(db)] == ["download"]
