"""Generating documents from the partnership and lead pages, attaching from a lead page, and the
admins' templates page (placeholder problems shown, replace, reset)."""

import io
import re

import docx
import pytest
from sqlalchemy import select

from documents.generate.defaults import BUILDERS
from documents.models import Document, DocumentTemplate
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from portal.deals import service as deals
from portal.leads.service import claim_lead
from portal.leads.sharing import share_lead

from factories import context, create_lead, create_org, create_partnership, create_user

PROBLEMS = re.compile(r'<ul class="error problems" role="alert">(.*?)</ul>', re.S)


@pytest.fixture
def world(db):
    vendor = create_org(db, OrgKind.vendor, "Northwind")
    partner = create_org(db, OrgKind.partner, "Contoso")
    partnership = create_partnership(db, vendor, partner, tier=Tier.gold)
    return {
        "partnership": partnership,
        "partner": partner,
        "admin": create_user(db, vendor, Role.admin),
        "viewer": create_user(db, vendor, Role.viewer),
        "partner_user": create_user(db, partner, Role.member),
    }


def text_of(app, document: Document) -> str:
    data = b"".join(app.extensions["concord.storage"].open(document.current.sha256))
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_the_partnership_page_generates_the_agreement(client, other_client, app, db, world):
    client.login(world["admin"].email)
    url = f"/partners/{world['partnership'].id}"
    assert "Generate the partner agreement" in client.get(url).get_data(as_text=True)
    response = client.post(f"/documents/generate/partnership/{world['partnership'].id}")
    assert response.status_code == 302
    document = db.scalars(select(Document)).one()
    assert response.headers["Location"].endswith(f"/documents/{document.id}")
    assert "Contoso" in text_of(app, document)
    other_client.login(world["partner_user"].email)
    download = other_client.get(f"/documents/{document.id}/versions/1/download")
    assert download.status_code == 200


def test_a_lead_page_attaches_documents_and_generates_the_handoff(
    client, other_client, app, db, world, make_docx
):
    lead = create_lead(db, world["admin"], company="Initech")
    owner_ctx = context(db, world["admin"])
    share_lead(owner_ctx, lead.id, organization=world["partner"], level=AccessLevel.claim)
    client.login(world["admin"].email)
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert f"/documents/upload?attach=lead:{lead.id}" in page
    assert "Generate the handoff summary" not in page  # nobody has claimed it yet
    upload_page = client.get(f"/documents/upload?attach=lead:{lead.id}").get_data(as_text=True)
    assert f'value="lead:{lead.id}"' in upload_page
    client.post(
        "/documents/upload",
        {"file": (io.BytesIO(make_docx("Datasheet")), "sheet.docx"), "attach": f"lead:{lead.id}"},
        content_type="multipart/form-data",
    )
    sheet = db.scalars(select(Document)).one()
    assert f'href="/documents/{sheet.id}"' in client.get(f"/leads/{lead.id}").get_data(as_text=True)

    claim_lead(context(db, world["partner_user"]), lead.id)
    other_client.login(world["partner_user"].email)
    partner_page = other_client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert f'href="/documents/{sheet.id}"' in partner_page  # attached: the claimant sees it

    response = client.post(f"/documents/generate/lead/{lead.id}")
    assert response.status_code == 302
    handoff = db.scalars(select(Document).where(Document.generated_kind == "lead_handoff")).one()
    assert "Initech" in text_of(app, handoff)
    assert other_client.get(f"/documents/{handoff.id}").status_code == 200


def test_viewers_do_not_generate(client, db, world):
    client.login(world["viewer"].email)
    page = client.get(f"/partners/{world['partnership'].id}").get_data(as_text=True)
    assert "Generate the partner agreement" not in page
    assert (
        client.post(f"/documents/generate/partnership/{world['partnership'].id}").status_code == 403
    )


def test_the_templates_page_shows_each_problem_and_replaces_and_resets(
    client, db, world, make_docx
):
    client.login(world["admin"].email)
    page = client.get("/documents/templates").get_data(as_text=True)
    assert "Partner agreement" in page and "{{ partner.name }}" in page
    bad = make_docx("Dear {{ partner.nmae }},", "{% if tier %}Gold{% endif %}")
    refused = client.post(
        "/documents/templates/partner_agreement",
        {"partner_agreement-file": (io.BytesIO(bad), "ours.docx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    problems = PROBLEMS.search(refused.get_data(as_text=True)).group(1)
    assert problems.count("<li>") == 3  # the placeholder, {% if %} and {% endif %}
    assert "partner.nmae" in problems and "partner.name" in problems  # the near miss suggested
    assert db.scalar(select(DocumentTemplate)) is None

    template = BUILDERS["partner_agreement"]()
    buffer = io.BytesIO()
    template.save(buffer)
    accepted = client.post(
        "/documents/templates/partner_agreement",
        {"partner_agreement-file": (io.BytesIO(buffer.getvalue()), "ours.docx")},
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 302
    assert db.scalar(select(DocumentTemplate)).filename == "ours.docx"
    assert "your template <strong>ours.docx</strong>" in client.get(
        "/documents/templates"
    ).get_data(as_text=True)
    download = client.get("/documents/templates/partner_agreement/download")
    assert download.data == buffer.getvalue()
    assert client.post("/documents/templates/partner_agreement/reset").status_code == 302
    assert db.scalar(select(DocumentTemplate)) is None
    default = client.get("/documents/templates/partner_agreement/download")
    assert default.status_code == 200 and default.data[:2] == b"PK"
    assert client.get("/documents/templates/nonsense/download").status_code == 404


def test_partners_have_no_templates_page(other_client, world):
    other_client.login(world["partner_user"].email)
    assert other_client.get("/documents/templates").status_code == 404


def test_a_deal_page_lists_attachments_and_generates_the_confirmation(
    client, other_client, app, db, world
):
    partner_user = world["partner_user"]
    details = deals.DealDetails(customer="Globex", products=(deals.ProductLine("Router", 2),))
    deal = deals.register_deal(context(db, partner_user), world["partnership"].parent_id, details)
    client.login(world["admin"].email)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert f"/documents/upload?attach=deal:{deal.id}" in page
    assert "Generate the registration confirmation" not in page  # not approved yet
    deals.approve_registration(context(db, world["admin"]), deal.id)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "Generate the registration confirmation" in page
    assert client.post(f"/documents/generate/deal/{deal.id}").status_code == 302
    confirmation = db.scalars(select(Document)).one()
    assert confirmation.title == "Registration Globex" and "Dear Contoso" in text_of(
        app, confirmation
    )
    other_client.login(partner_user.email)
    assert other_client.get(f"/documents/{confirmation.id}").status_code == 200
