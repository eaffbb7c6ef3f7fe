"""Generated documents in the library: built from records the actor may see, stored as documents,
shared with the partner concerned, opened here with python-docx; replacement templates."""

import io
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import docx
import pytest
from sqlalchemy import select

from documents import generation
from documents.generate.defaults import BUILDERS
from documents.models import Document, DocumentTemplate
from documents.storage import open_storage
from partners.context import Forbidden, ServiceError
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, access_level
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.deals import service as deals
from portal.leads import scoring
from portal.leads.models import ActivityKind, LeadActivity, LeadStatus, ScoreCriterion
from portal.leads.scoring import ScoringRuleSpec
from portal.leads.service import accept_lead, claim_lead

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user


@pytest.fixture
def world(db, tmp_path):
    vendor = create_org(db, OrgKind.vendor, "Northwind")
    partner = create_org(db, OrgKind.partner, "Contoso")
    rival = create_org(db, OrgKind.partner, "Fabrikam")
    partnership = create_partnership(db, vendor, partner, tier=Tier.gold, region="EMEA")
    create_partnership(db, vendor, rival, tier=Tier.gold)
    return SimpleNamespace(
        storage=open_storage(f"file://{tmp_path / 'store'}"),
        vendor=vendor,
        partner=partner,
        rival=rival,
        partnership=partnership,
        manager=create_user(db, vendor, Role.manager),
        admin=create_user(db, vendor, Role.admin),
        partner_admin=create_user(db, partner, Role.admin),
        rival_user=create_user(db, rival, Role.member),
    )


def ctx_for(db, world, user):
    return context(db, user, storage=world.storage)


def text_of(world, document: Document) -> str:
    """Every paragraph and table cell of the stored .docx, one per line."""
    data = b"".join(world.storage.open(document.current.sha256))
    opened = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in opened.paragraphs] + cells)


def test_partner_agreement_is_shared_with_the_partner_only(db, world):
    document = generation.generate_partner_agreement(
        ctx_for(db, world, world.manager), world.partnership.id
    )
    text = text_of(world, document)
    assert "Contoso" in text and "Northwind" in text
    assert "Gold" in text and "EMEA" in text
    assert f"PA-{world.partnership.id:05d}" in text
    assert "protected for 90 days" in text
    assert world.partner_admin.display_name in text  # the partner's signatory
    assert (document.owner_org_id, document.generated_kind, document.folder) == (
        world.vendor.id,
        "partner_agreement",
        "Generated",
    )
    assert access_level(db, world.partner_admin, document) == AccessLevel.view
    assert access_level(db, world.rival_user, document) is None
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "document.generated"))
    assert entry.subject_org_id == world.partner.id


def test_deal_confirmation_names_the_registrant_and_never_a_competitor(db, world):
    details = deals.DealDetails(
        customer="Globex Corporation",
        contact_email="cfo@globex.example",
        name="Globex network refresh",
        products=(deals.ProductLine("Quasar router", 3, Decimal("1200.50")),),
    )
    rival_deal = deals.register_deal(context(db, world.rival_user), world.vendor.id, details)
    partner_user = create_user(db, world.partner, Role.member)
    deal = deals.register_deal(context(db, partner_user), world.vendor.id, details)
    with pytest.raises(ServiceError, match="approved deal registration"):
        generation.generate_deal_confirmation(ctx_for(db, world, world.manager), deal.id)
    deals.approve_registration(context(db, world.manager), deal.id, days=60)
    deals.reject_registration(context(db, world.manager), rival_deal.id, "Contoso was first")

    document = generation.generate_deal_confirmation(ctx_for(db, world, world.manager), deal.id)
    text = text_of(world, document)
    assert "Contoso" in text and "Globex Corporation" in text and "Quasar router" in text
    assert "3,601.50" in text
    assert f"{deal.protected_until:%d %B %Y}".lstrip("0") in text
    assert "Fabrikam" not in text and f"DR-{rival_deal.id:06d}" not in text
    assert access_level(db, partner_user, document) == AccessLevel.view
    assert access_level(db, world.rival_user, document) is None


def test_lead_handoff_explains_the_score_and_shows_only_the_recipients_activity(db, world):
    ctx = context(db, world.manager)
    scoring.create_rule(ctx, ScoringRuleSpec(ScoreCriterion.industry, 30, ("energy",)))
    create_rule(db, world.manager, Grantee(GranteeKind.all_partners))
    lead = create_lead(db, world.manager, company="Initech", industry="energy")
    db.add(
        LeadActivity(
            lead_id=lead.id,
            organization_id=world.rival.id,
            kind=ActivityKind.note,
            body="Fabrikam's private note",
            at=datetime(2026, 1, 5, tzinfo=UTC),
        )
    )
    claim_lead(context(db, world.partner_admin), lead.id)
    accept_lead(context(db, world.partner_admin), lead.id, ActivityKind.call, "Spoke to the CTO")
    assert lead.status == LeadStatus.accepted

    document = generation.generate_lead_handoff(ctx_for(db, world, world.manager), lead.id)
    text = text_of(world, document)
    assert "Initech" in text and "Contoso" in text
    assert "Industry is energy" in text and "30" in text
    assert "Spoke to the CTO" in text
    assert "Fabrikam" not in text
    assert access_level(db, world.partner_admin, document) == AccessLevel.view


def test_a_replacement_template_is_used_and_can_be_reset(db, world):
    admin_ctx = ctx_for(db, world, world.admin)
    template = BUILDERS["partner_agreement"]()
    template.add_paragraph("Custom clause for {{ partner.name }}")
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    checked = generation.upload_template(admin_ctx, "partner_agreement", buffer, "ours.docx")
    assert checked.filename == "ours.docx"
    document = generation.generate_partner_agreement(admin_ctx, world.partnership.id)
    assert "Custom clause for Contoso" in text_of(world, document)

    generation.reset_template(admin_ctx, "partner_agreement")
    assert db.scalar(select(DocumentTemplate)) is None
    again = generation.generate_partner_agreement(admin_ctx, world.partnership.id)
    assert "Custom clause" not in text_of(world, again)


def test_a_template_with_unknown_placeholders_is_refused_with_each_problem(db, world, make_docx):
    bad = io.BytesIO(make_docx("Dear {{ partner.nmae }}", "{{ tier | upper }}"))
    with pytest.raises(generation.TemplateRefused) as refused:
        generation.upload_template(
            ctx_for(db, world, world.admin), "partner_agreement", bad, "x.docx"
        )
    assert len(refused.value.problems) == 2
    assert "partner.name" in " ".join(refused.value.problems)  # the near miss is suggested
    assert db.scalar(select(DocumentTemplate)) is None
    assert list(world.storage.iter_objects()) == []


def test_only_admins_replace_templates(db, world):
    with pytest.raises(Forbidden):
        generation.upload_template(
            ctx_for(db, world, world.manager), "lead_handoff", io.BytesIO(b"x"), "x.docx"
        )
