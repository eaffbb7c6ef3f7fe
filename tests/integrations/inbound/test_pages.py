"""The admin's inbound-webhook pages: a secret shown once, CSRF, another's endpoint is 404."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from integrations.inbound.models import InboundEndpoint
from integrations.inbound.service import create_endpoint
from partners.events import Event
from partners.models import AuditEntry
from partners.roles import OrgKind, Role

from factories import context, create_org, create_user


def test_an_admin_creates_an_endpoint_sees_its_secret_once_and_reads_its_log(app, client, db):
    vendor = create_org(db, OrgKind.vendor)
    admin = create_user(db, vendor, Role.admin)
    client.login(admin.email)
    form = {"name": "CRM", "actions": ["lead.create"], "user": str(admin.id)}
    assert client.post("/admin/inbound-webhooks/", form, csrf=False).status_code == 400
    assert db.scalar(select(func.count()).select_from(InboundEndpoint)) == 0

    created = client.post("/admin/inbound-webhooks/", form)
    assert created.status_code == 201
    endpoint = db.scalars(select(InboundEndpoint)).one()
    assert endpoint.secret in created.get_data(as_text=True)
    trail = [entry.after for entry in db.scalars(select(AuditEntry))]
    trail += [event.payload for event in db.scalars(select(Event))]
    assert "whsec_" not in json.dumps(trail)

    body = json.dumps({"type": "lead.create", "data": {"company": "Globex"}}).encode()
    now = datetime.now(UTC)
    headers = {
        "webhook-id": "msg_log_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign("msg_log_1", now, body.decode()),
    }
    sender = app.test_client(use_cookies=False)
    assert sender.post(f"/hooks/in/{endpoint.id}", data=body, headers=headers).status_code == 201

    log = client.get(f"/admin/inbound-webhooks/{endpoint.id}").get_data(as_text=True)
    assert "msg_log_1" in log and "lead.create" in log
    assert endpoint.secret not in log and "whsec_" not in log

    old = endpoint.secret
    rotated = client.post(f"/admin/inbound-webhooks/{endpoint.id}/rotate")
    db.expire_all()
    assert rotated.status_code == 200
    assert endpoint.secret != old and endpoint.secret in rotated.get_data(as_text=True)


def test_another_organizations_endpoint_is_404(client, db):
    other = create_org(db, OrgKind.vendor)
    theirs = _endpoint(db, other, "ERP", "order.status")
    secret = theirs.secret
    admin = create_user(db, create_org(db, OrgKind.vendor), Role.admin)
    client.login(admin.email)
    assert client.get(f"/admin/inbound-webhooks/{theirs.id}").status_code == 404
    assert client.post(f"/admin/inbound-webhooks/{theirs.id}/rotate").status_code == 404
    db.expire_all()
    assert theirs.secret == secret


def _admin_ctx(db, org):
    return context(db, create_user(db, org, Role.admin))


def _endpoint(db, org, name, *actions):
    """An endpoint of ``org`` made by its admin, acting as a member."""
    return create_endpoint(_admin_ctx(db, org), create_user(db, org), name, list(actions))
