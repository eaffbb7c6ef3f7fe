"""Every audited change records its event in the same transaction: the list of services that
write audit entries is found in the source and kept here, a representative set is driven through
the real services, a rolled-back change leaves neither, and payloads carry no secrets."""

import ast
import json
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import func, select, text

from partners import api_tokens, auth, onboarding, people
from partners.events import Event
from partners.models import AuditEntry, User
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads.models import Lead
from portal.leads.service import claim_lead

from factories import (
    TEST_PASSWORD,
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "config", "documents", "integrations", "partners", "portal", "web")

#: Every function that calls ``audit.record`` / ``audit.record_many``, found by
#: :func:`audited_functions`. A new audited service must be added here (and, if it is a new kind
#: of change, to the driven set below).
AUDITED = {
    "documents.generation._store",
    "documents.generation.reset_template",
    "documents.generation.upload_template",
    "documents.service.add_version",
    "documents.service.attach_document",
    "documents.service.delete_document",
    "documents.service.edit_document",
    "documents.service.lock_document",
    "documents.service.unlock_document",
    "documents.service.upload_document",
    "integrations.edi_exchange.ingest._ingest_interchange",
    "integrations.edi_exchange.ingest._resend",
    "integrations.edi_exchange.ingest.ingest",
    "integrations.edi_exchange.profiles.save_profile",
    "integrations.inbound.service.create_endpoint",
    "integrations.inbound.service.rotate_secret",
    "partners.api_tokens.create_token",
    "partners.auth.change_email",
    "partners.auth.change_password",
    "partners.auth.disable_totp",
    "partners.auth.enable_totp",
    "partners.auth.end_session",
    "partners.auth.request_password_reset",
    "partners.auth.reset_password",
    "partners.auth.start_session",
    "partners.onboarding.change_tier",
    "partners.onboarding.create_organization",
    "partners.onboarding.link",
    "partners.onboarding.set_status",
    "partners.onboarding.update_terms",
    "partners.people.accept_invitation",
    "partners.people.change_role",
    "partners.people.create_team",
    "partners.people.create_user",
    "partners.people.deactivate",
    "partners.people.delete_team",
    "partners.people.invite",
    "partners.people.reactivate",
    "partners.people.set_members_see_all",
    "partners.people.set_require_two_factor",
    "partners.people.set_team_members",
    "partners.sharing.rules.create_rule",
    "partners.sharing.rules.deactivate_rule",
    "partners.sharing.rules.update_rule",
    "partners.sharing.shares._end",
    "partners.sharing.shares.share_record",
    "portal.campaigns.attachments.attach",
    "portal.campaigns.attachments.detach",
    "portal.campaigns.service.change_status",
    "portal.campaigns.service.create_campaign",
    "portal.campaigns.service.invite_partners",
    "portal.campaigns.service.remove_participant",
    "portal.campaigns.service.respond_to_invitation",
    "portal.campaigns.service.update_campaign",
    "portal.funds.service._decided",
    "portal.funds.service.claim_funds",
    "portal.funds.service.request_funds",
    "portal.funds.service.set_allocation",
    "portal.cases.service._escalate",
    "portal.cases.service._new_case",
    "portal.cases.service._set_status",
    "portal.cases.service.add_note",
    "portal.cases.service.involve_partner",
    "portal.cases.service.rate_case",
    "portal.cases.service.save_sla_policy",
    "portal.cases.service.triage_case",
    "portal.deals.service._decide",
    "portal.deals.service.change_stage",
    "portal.deals.service.convert_lead",
    "portal.deals.service.create_deal",
    "portal.deals.service.expire_protections",
    "portal.deals.service.register_deal",
    "portal.deals.service.save_settings",
    "portal.deals.service.update_deal",
    "portal.knowledge.announcements.create_announcement",
    "portal.knowledge.service.create_article",
    "portal.knowledge.service.edit_article",
    "portal.knowledge.service.link_solving_article",
    "portal.knowledge.service.publish_article",
    "portal.knowledge.service.rate_article",
    "portal.leads.assignment._assign",
    "portal.leads.forwarding._end",
    "portal.leads.forwarding.accept_forward",
    "portal.leads.forwarding.forward_lead",
    "portal.leads.imports._audit",
    "portal.leads.policy.save_settings",
    "portal.leads.scoring._change",
    "portal.leads.service._give_back",
    "portal.leads.service.accept_lead",
    "portal.leads.service.advance_lead",
    "portal.leads.service.claim_lead",
    "portal.leads.service.create_lead",
    "portal.leads.service.log_activity",
    "portal.leads.service.publish_lead",
    "portal.leads.service.update_lead",
    "portal.orders.service.acknowledge_order",
    "portal.orders.service.invoice_order",
    "portal.orders.service.place_orders",
    "portal.orders.service.ship_order",
}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            yield ".".join(relative.parts), ast.parse(path.read_text(), str(path))


class _Audited(ast.NodeVisitor):
    def __init__(self, module: str) -> None:
        self.module, self.stack, self.found = module, [], set()

    def visit_FunctionDef(self, node) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        called = node.func
        if (
            isinstance(called, ast.Attribute)
            and called.attr in ("record", "record_many")
            and isinstance(called.value, ast.Name)
            and called.value.id == "audit"
        ):
            self.found.add(".".join([self.module, *self.stack]))
        self.generic_visit(node)


def audited_functions() -> set[str]:
    found = set()
    for module, tree in _modules():
        visitor = _Audited(module)
        visitor.visit(tree)
        found |= visitor.found
    return found


def test_the_list_of_audited_services_is_complete():
    assert audited_functions() == AUDITED


def _imports(tree: ast.Module, model: str, owner: str) -> bool:
    """Whether a module imports the model itself (not another ``Event``, as threading's)."""
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module in (owner, "partners.models")
        and any(alias.name == model for alias in node.names)
        for node in ast.walk(tree)
    )


WRITES = {"insert", "insert_rows", "update", "delete", "add", "add_all", "bulk_insert_mappings"}


#: Event rows are written by partners/events.py, and on PostgreSQL by the audit entry's own
#: statement in partners/audit.py.
@pytest.mark.parametrize(
    ("model", "owner"), [("AuditEntry", "partners.audit"), ("Event", "partners.events")]
)
def test_audit_entries_and_events_are_written_only_by_their_modules(model, owner):
    writers = set()
    for module, tree in _modules():
        if module in (owner, "partners.audit", "partners.models"):
            continue
        if not _imports(tree, model, owner):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            arguments = [*node.args, *(k.value for k in node.keywords)]
            constructs = name == model
            writes = name in WRITES and any(
                (isinstance(a, ast.Name) and a.id == model)
                or (isinstance(a, ast.Attribute) and getattr(a.value, "id", "") == model)
                or (isinstance(a, ast.Call) and getattr(a.func, "id", "") == model)
                for a in arguments
            )
            if constructs or writes:
                writers.add(module)
    assert writers == set()
    # and events come from nowhere but the audit call
    callers = {
        module
        for module, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Name | ast.Attribute)
        and getattr(node, "id", getattr(node, "attr", "")) == "insert_events"
    }
    assert callers <= {"partners.audit", "partners.events"}


# Driven through the real services -------------------------------------------------------------


def _new_entries_and_events(db, before: tuple[int, int]):
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.id > before[0]).order_by(AuditEntry.id)
    ).all()
    events = db.scalars(select(Event).where(Event.id > before[1]).order_by(Event.id)).all()
    return entries, events


def _marks(db) -> tuple[int, int]:
    return (
        db.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))),
        db.scalar(select(func.coalesce(func.max(Event.id), 0))),
    )


def _expect_one_pair(db, before, action: str, actor: User | None, record_type: str, record_id):
    entries, events = _new_entries_and_events(db, before)
    assert [e.action for e in entries] == [action]
    assert [e.type for e in events] == [action]
    entry, event = entries[0], events[0]
    assert (event.actor_user_id, event.actor_org_id) == (
        actor.id if actor else None,
        actor.organization_id if actor else None,
    )
    assert event.subject_org_id == entry.subject_org_id
    assert (event.record_type, event.record_id) == (record_type, record_id)
    assert event.at == entry.at
    assert event.payload["summary"] == entry.summary
    if db.get_bind().dialect.name == "postgresql":  # written by this very transaction
        own = db.scalar(select(text("pg_current_xact_id()::text::bigint")))
        assert event.txid == own
    return event


@pytest.fixture
def claimable(db):
    vendor = create_org(db, OrgKind.vendor)
    owner = create_user(db, vendor, Role.manager)
    partner = create_org(db)
    partnership = create_partnership(db, vendor, partner)
    create_rule(db, owner, Grantee(GranteeKind.all_partners), AccessLevel.claim)
    lead = create_lead(db, owner)
    return owner, create_user(db, partner), lead, partnership


def test_a_claim_records_its_event_with_the_lead_as_it_then_was(db, claimable):
    _owner, claimant, lead, _partnership = claimable
    before = _marks(db)
    claim_lead(context(db, claimant), lead.id)
    event = _expect_one_pair(db, before, "lead.claimed", claimant, "lead", lead.id)
    claimed = db.get(Lead, lead.id)
    assert event.payload["record"]["claimed_by_org_id"] == claimed.claimed_by_org_id


def test_a_lead_created_and_published_records_both_events(db, claimable):
    owner = claimable[0]
    before = _marks(db)
    lead = create_lead(db, owner, publish=False)
    event = _expect_one_pair(db, before, "lead.created", owner, "lead", lead.id)
    assert event.payload["record"]["company"] == lead.company


def test_a_tier_change_records_its_event(db, claimable):
    owner, _claimant, _lead, partnership = claimable
    admin = create_user(db, owner.organization, Role.admin)
    before = _marks(db)
    onboarding.change_tier(context(db, admin), partnership, Tier.gold)
    event = _expect_one_pair(
        db, before, "partnership.tier_changed", admin, "partnership", partnership.id
    )
    assert event.payload["record"]["tier"] == "gold"


def test_an_invitation_records_its_event(db, claimable):
    owner = claimable[0]
    admin = create_user(db, owner.organization, Role.admin)
    before = _marks(db)
    invited = people.invite(context(db, admin), admin.organization, email="new@vendor.example")
    event = _expect_one_pair(db, before, "user.invited", admin, "user", invited.id)
    assert event.payload["record"]["email"] == "new@vendor.example"


# No secrets -----------------------------------------------------------------------------------


def _all_payload_text(db, before) -> str:
    _entries, events = _new_entries_and_events(db, before)
    assert events
    return json.dumps([event.payload for event in events])


def test_payloads_never_carry_password_hashes_totp_secrets_or_token_hashes(db):
    user = create_user(db, create_org(db), Role.admin)
    ctx = context(db, user)
    before = _marks(db)
    auth.change_password(ctx, user, TEST_PASSWORD, "a much newer passphrase", keep_session=None)
    secret = auth.new_totp_secret()
    auth.enable_totp(ctx, user, "a much newer passphrase", secret, pyotp.TOTP(secret).now())
    raw = api_tokens.create_token(ctx, user, "ci")
    text = _all_payload_text(db, before)
    db.refresh(user)
    token = db.scalars(select(api_tokens.ApiToken).where(api_tokens.ApiToken.user_id == user.id))
    for secret_value in (user.password_hash, secret, user.totp_secret, raw, token.one().token_hash):
        assert secret_value and secret_value not in text
    for column in ("password_hash", "totp_secret", "token_hash"):
        assert f'"{column}"' not in text


# Rolled back ----------------------------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_event_and_no_entry(db, claimable):
    _owner, claimant, lead, _partnership = claimable
    before = _marks(db)
    savepoint = db.begin_nested()
    claim_lead(context(db, claimant), lead.id)
    assert len(_new_entries_and_events(db, before)[1]) == 1
    savepoint.rollback()
    assert _new_entries_and_events(db, before) == ([], [])
