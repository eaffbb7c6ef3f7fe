"""Inbound webhooks: signed by the Standard Webhooks and Svix libraries, refused otherwise."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook
from svix.webhooks import Webhook as SvixWebhook

from integrations.inbound.models import InboundMessage
from integrations.inbound.service import create_endpoint, new_secret
from partners.models import AuditEntry
from partners.roles import OrgKind, Role
from portal.cases.models import CaseNote
from portal.cases.service import CaseDetails, open_case_for_partner
from portal.deals.models import Deal
from portal.leads.models import Lead
from portal.orders.models import Order, OrderStatus
from portal.orders.service import LineInput, OrderInput, place_order

from factories import context, create_org, create_partnership, create_user, vendor_with_partner

LEAD = {"type": "lead.create", "data": {"company": "Globex", "contact_email": "a@globex.test"}}


@pytest.fixture
def client(app):
    """A partner system: no cookies, no CSRF token, only the signature."""
    return app.test_client(use_cookies=False)


@pytest.fixture
def endpoint(db):
    vendor = create_org(db, OrgKind.vendor)
    user = create_user(db, vendor)
    return create_endpoint(_admin_ctx(db, vendor), user, "CRM", ["lead.create", "case.note"])


def _signed(secret, body, msg_id="msg_1", at=None, signer=Webhook):
    at = at or datetime.now(UTC)
    signature = signer(secret).sign(msg_id, at, body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def _post(client, endpoint, payload, **signing):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = signing.pop("headers", None) or _signed(endpoint.secret, body, **signing)
    return client.post(f"/hooks/in/{endpoint.id}", data=body, headers=headers)


def _leads(db, endpoint):
    return db.scalar(
        select(func.count()).select_from(Lead).where(Lead.owner_org_id == endpoint.organization_id)
    )


@pytest.mark.parametrize("signer", [Webhook, SvixWebhook], ids=["standardwebhooks", "svix"])
def test_a_signed_message_creates_the_lead_as_the_endpoints_user(client, db, endpoint, signer):
    response = _post(client, endpoint, LEAD, signer=signer)
    assert response.status_code == 201, response.json
    lead = db.get(Lead, response.json["record"]["id"])
    assert lead.company == "Globex"
    assert lead.owner_org_id == endpoint.organization_id
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "lead.created")).one()
    assert entry.origin == f"inbound:{endpoint.id}:msg_1"
    assert entry.actor_user_id == endpoint.user_id
    assert "Set-Cookie" not in response.headers


def test_a_replayed_webhook_id_answers_200_and_does_nothing_twice(client, db, endpoint):
    assert _post(client, endpoint, LEAD).status_code == 201
    again = _post(client, endpoint, LEAD)
    assert again.status_code == 200
    assert again.json["duplicate"] is True
    assert _leads(db, endpoint) == 1


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("forged", 401, "signature"),
        ("wrong secret", 401, "signature"),
        ("stale", 401, "old"),
        ("no signature", 401, "Missing"),
        ("malformed JSON", 422, "schema"),
        ("schema mismatch", 422, "data does not match"),
        ("unknown type", 422, "schema"),
        ("oversize", 413, "at most"),
    ],
)
def test_a_bad_message_is_a_clear_problem_and_stores_nothing(
    client, db, endpoint, case, status, reason
):
    body = json.dumps(LEAD).encode()
    signing: dict = {}
    if case == "forged":
        headers = _signed(endpoint.secret, body)
        headers["webhook-signature"] = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        signing["headers"] = headers
    elif case == "wrong secret":
        signing["headers"] = _signed(new_secret(), body)
    elif case == "stale":
        signing["at"] = datetime.now(UTC) - timedelta(minutes=6)
    elif case == "no signature":
        signing["headers"] = {"webhook-id": "msg_1", "content-type": "application/json"}
    elif case == "malformed JSON":
        body = b'{"type": "lead.create", "data": '
    elif case == "schema mismatch":
        body = json.dumps({"type": "lead.create", "data": {"company": ""}}).encode()
    elif case == "unknown type":
        body = json.dumps({"type": "lead.delete", "data": {}}).encode()
    elif case == "oversize":
        body = json.dumps({**LEAD, "pad": "x" * 70_000}).encode()
    response = _post(client, endpoint, body, **signing)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert reason in response.json["detail"]
    assert _leads(db, endpoint) == 0
    assert db.scalar(select(func.count()).select_from(InboundMessage)) == 0


def test_another_organizations_case_is_404_like_a_missing_one(client, db):
    vendor, partner, _ = vendor_with_partner(db)
    vendor_user = create_user(db, vendor)
    case = open_case_for_partner(context(db, vendor_user), partner.id, CaseDetails("Broken"))
    stranger = create_org(db, OrgKind.partner)
    endpoint = create_endpoint(
        _admin_ctx(db, stranger), create_user(db, stranger), "CRM", ["case.note"]
    )
    theirs = _post(
        client, endpoint, {"type": "case.note", "data": {"case_id": case.id, "body": "x"}}
    )
    missing = _post(
        client,
        endpoint,
        {"type": "case.note", "data": {"case_id": case.id + 1000, "body": "x"}},
        msg_id="msg_2",
    )
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json == missing.json
    assert db.scalar(select(func.count()).select_from(CaseNote)) == 0


def test_a_note_on_a_case_the_user_sees_is_added(client, db):
    vendor, partner, _ = vendor_with_partner(db)
    case = open_case_for_partner(context(db, create_user(db, vendor)), partner.id, CaseDetails("X"))
    endpoint = create_endpoint(
        _admin_ctx(db, partner), create_user(db, partner), "Desk", ["case.note"]
    )
    payload = {"type": "case.note", "data": {"case_id": case.id, "body": "From our desk"}}
    response = _post(client, endpoint, payload)
    assert response.status_code == 201, response.json
    assert [note.body for note in db.scalars(select(CaseNote))] == ["From our desk"]


def test_an_unknown_endpoint_is_404(client, db, endpoint):
    body = json.dumps(LEAD).encode()
    response = client.post(
        f"/hooks/in/{endpoint.id + 1}", data=body, headers=_signed(endpoint.secret, body)
    )
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_a_partner_system_registers_a_deal_with_its_vendor(client, db):
    vendor, partner, _ = vendor_with_partner(db)
    endpoint = create_endpoint(
        _admin_ctx(db, partner), create_user(db, partner), "CRM", ["deal.register"]
    )
    payload = {"type": "deal.register", "data": {"vendor_id": vendor.id, "customer": "Initech"}}
    response = _post(client, endpoint, payload)
    assert response.status_code == 201, response.json
    deal = db.get(Deal, response.json["record"]["id"])
    assert (deal.customer, deal.partner_org_id) == ("Initech", partner.id)


def test_the_vendors_system_moves_an_order_on_and_a_strangers_order_is_404(client, db):
    vendor = create_org(db, OrgKind.vendor)
    distributor = create_org(db, OrgKind.distributor)
    create_partnership(db, vendor, distributor)
    order = place_order(
        context(db, create_user(db, distributor)),
        vendor=vendor,
        buyer=distributor,
        data=OrderInput("PO-1", None, [LineInput("1", Decimal(2))]),
    )
    mine = _endpoint(db, vendor, "ERP", "order.status")
    stranger = create_org(db, OrgKind.vendor)
    theirs = create_endpoint(
        _admin_ctx(db, stranger), create_user(db, stranger), "ERP", ["order.status"]
    )
    payload = {"type": "order.status", "data": {"order_id": order.id, "status": "acknowledged"}}
    assert _post(client, theirs, payload).status_code == 404
    assert db.get(Order, order.id).status == OrderStatus.received
    assert _post(client, mine, payload).status_code == 201
    db.expire_all()
    assert db.get(Order, order.id).status == OrderStatus.acknowledged


def _admin_ctx(db, org):
    return context(db, create_user(db, org, Role.admin))


def _endpoint(db, org, name, *actions):
    """An endpoint of ``org`` made by its admin, acting as a member."""
    return create_endpoint(_admin_ctx(db, org), create_user(db, org), name, list(actions))
