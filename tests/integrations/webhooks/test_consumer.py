"""The webhooks consumer writes deliveries only for organizations the sharing engine says may
know of an event, with only what each may see: partner A's endpoint never receives partner B's
lead, a partner never hears of an internal case note, and the owner's summary stays with it."""

import json

from sqlalchemy import select

from integrations.webhooks.consumer import write_deliveries
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks.signing import new_secret
from partners.events import Event
from partners.roles import OrgKind, Role
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.cases.models import NoteVisibility
from portal.cases.service import CaseDetails, add_note, open_case_for_partner

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
)


def endpoint(db, org, patterns=("*",)):
    row = WebhookEndpoint(
        organization_id=org.id,
        url="https://hooks.example/in",
        event_types=list(patterns),
        secret=new_secret(),
    )
    db.add(row)
    db.flush()
    return row


def deliver(db, since_id):
    events = db.scalars(select(Event).where(Event.id > since_id).order_by(Event.id)).all()
    write_deliveries(db, events)
    return events


def bodies(db, hook):
    rows = db.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == hook.id))
    return [json.loads(row.body) for row in rows]


def last_event_id(db):
    return db.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0


def test_only_knowing_organizations_get_events_with_what_they_may_see(db):
    vendor = create_org(db, OrgKind.vendor)
    partner_a, partner_b = create_org(db), create_org(db)
    create_partnership(db, vendor, partner_a)
    create_partnership(db, vendor, partner_b)
    owner = create_user(db, vendor, Role.admin)
    create_rule(db, owner, Grantee(GranteeKind.organization, organization_id=partner_b.id))
    hook_vendor, hook_a, hook_b = (
        endpoint(db, vendor),
        endpoint(db, partner_a),
        endpoint(db, partner_b),
    )
    hook_b_cases = endpoint(db, partner_b, ("case.*",))
    start = last_event_id(db)

    create_lead(db, owner, company="Secret Prospect GmbH")
    deliver(db, start)

    assert bodies(db, hook_a) == []  # never offered to A
    assert bodies(db, hook_b_cases) == []  # patterns respected
    published = [b for b in bodies(db, hook_b) if b["type"] == "lead.published"]
    assert published and all("summary" not in b["data"] for b in published)
    assert "Secret Prospect" not in json.dumps(bodies(db, hook_b))
    owners_view = [b for b in bodies(db, hook_vendor) if b["type"] == "lead.published"]
    assert owners_view[0]["data"]["record"]["company"] == "Secret Prospect GmbH"


def test_an_internal_case_note_never_reaches_the_partner(db):
    vendor, partner = create_org(db, OrgKind.vendor), create_org(db)
    create_partnership(db, vendor, partner)
    agent = create_user(db, vendor, Role.manager)
    hook_vendor, hook_partner = endpoint(db, vendor), endpoint(db, partner)
    case = open_case_for_partner(context(db, agent), partner.id, CaseDetails("Broken unit"))
    start = last_event_id(db)

    add_note(context(db, agent), case.id, "Partner is unreliable", NoteVisibility.internal)
    add_note(context(db, agent), case.id, "We ship a spare", NoteVisibility.shared)
    deliver(db, start)

    partner_notes = [b for b in bodies(db, hook_partner) if b["type"] == "case.note_added"]
    vendor_notes = [b for b in bodies(db, hook_vendor) if b["type"] == "case.note_added"]
    assert len(vendor_notes) == 2
    assert len(partner_notes) == 1
    assert partner_notes[0]["data"]["after"] == {"visibility": "shared"}
    assert "unreliable" not in json.dumps(bodies(db, hook_partner))
