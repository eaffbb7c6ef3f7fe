"""Campaigns through HTTP: creating, editing and launching one, inviting and removing
participants, who sees it (participants read-only, everyone else 404), documents attached to it,
documents shared with its participants, and sharing rules and explicit shares for campaigns."""

import io
import re

import pytest
from sqlalchemy import select

from documents.models import Document
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from portal.campaigns.models import Campaign, CampaignParticipant, CampaignStatus

from factories import create_org, create_partnership, create_user
from support.campaigns import invite, new_campaign, respond, sign_in

CAMPAIGN_LINK = re.compile(r'href="/campaigns/(\d+)"')
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4


@pytest.fixture
def world(db):
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    bluebird = create_org(db, OrgKind.partner, "Bluebird Solutions")
    cobalt = create_org(db, OrgKind.partner, "Cobalt Systems")
    create_partnership(db, vendor, bluebird, tier=Tier.gold)
    create_partnership(db, vendor, cobalt, tier=Tier.gold)
    rival = create_org(db, OrgKind.vendor, "Rival Corp")
    stranger = create_org(db, OrgKind.partner, "Stranger Ltd")
    create_partnership(db, rival, stranger)
    return {
        "vendor": vendor,
        "bluebird": bluebird,
        "cobalt": cobalt,
        "stranger": stranger,
        "manager": create_user(db, vendor, Role.manager),
        "viewer": create_user(db, vendor, Role.viewer),
        "bea": create_user(db, bluebird, Role.member),
        "carl": create_user(db, cobalt, Role.member),
        "sam": create_user(db, stranger, Role.admin),
    }


def actions(db, campaign: Campaign) -> list[str]:
    entries = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.target_type == "Campaign", AuditEntry.target_id == str(campaign.id))
        .order_by(AuditEntry.id)
    )
    return [entry.action for entry in entries]


def test_a_vendor_creates_edits_and_launches_a_campaign(client, db, world):
    sign_in(client, world["manager"])
    empty = client.get("/campaigns/").get_data(as_text=True)
    assert "No campaigns yet" in empty and 'href="/campaigns/new"' in empty
    form = client.get("/campaigns/new").get_data(as_text=True)
    assert 'name="csrf_token"' in form and '<label for="name">Name</label>' in form
    campaign = new_campaign(client, db)
    assert campaign.status == CampaignStatus.draft and str(campaign.budget) == "25000.00"
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Spring launch" in page and "Launch the campaign" in page and "25,000" in page

    response = client.post(
        f"/campaigns/{campaign.id}/edit",
        {"name": "Spring launch EMEA", "region": "EMEA", "starts_on": "2026-03-01"},
    )
    assert response.status_code == 302
    db.refresh(campaign)
    assert campaign.name == "Spring launch EMEA" and campaign.budget is None

    # draft → completed skips a step: refused, with the reason
    refused = client.post(f"/campaigns/{campaign.id}/status", {"status": "completed"})
    assert refused.status_code == 422
    assert "A draft campaign cannot become completed." in refused.get_data(as_text=True)
    assert client.post(f"/campaigns/{campaign.id}/status", {"status": "active"}).status_code == 302
    db.refresh(campaign)
    assert campaign.status == CampaignStatus.active

    def listed(**filters) -> set[int]:
        page = client.get("/campaigns/", query_string=filters).get_data(as_text=True)
        return set(map(int, CAMPAIGN_LINK.findall(page)))

    assert listed(status="active") == {campaign.id}
    assert listed(status="draft") == set()
    assert listed(q="emea") == {campaign.id}
    assert "No campaigns match these filters." in client.get("/campaigns/?status=draft").text
    assert actions(db, campaign) == [
        "campaign.created",
        "campaign.updated",
        "campaign.status_changed",
    ]
    client.post(f"/campaigns/{campaign.id}/status", {"status": "completed"})
    ended = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "it no longer changes" in ended and "Edit campaign" not in ended
    assert client.post(f"/campaigns/{campaign.id}/edit", {"name": "x"}).status_code == 422


def test_campaign_forms_say_what_is_wrong(client, db, world):
    sign_in(client, world["manager"])
    response = client.post("/campaigns/new", {"name": "", "budget": "-5"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "This field is required." in text and "A budget is 0 or more." in text
    backwards = client.post(
        "/campaigns/new", {"name": "Late", "starts_on": "2026-05-01", "ends_on": "2026-04-01"}
    )
    assert "The campaign cannot end before it starts." in backwards.get_data(as_text=True)
    assert client.post("/campaigns/new", {"name": "No token"}, csrf=False).status_code == 400
    assert db.scalar(select(Campaign.id)) is None


def test_list_pages_through_many_campaigns(client, db, world):
    sign_in(client, world["manager"])
    for n in range(27):
        new_campaign(client, db, name=f"Campaign {n:02}")
    first = client.get("/campaigns/").get_data(as_text=True)
    assert "27 campaigns" in first and "Page 1 of 2" in first
    assert len(CAMPAIGN_LINK.findall(first)) == 25
    assert len(CAMPAIGN_LINK.findall(client.get("/campaigns/?page=2").text)) == 2


def test_participants_see_the_campaign_read_only_and_others_get_404(
    client, other_client, db, world
):
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    invite(client, campaign, world["bluebird"], world["cobalt"])
    # Only the vendor's own active partners can be invited.
    foreign = client.post(
        f"/campaigns/{campaign.id}/participants", {"organization_ids": str(world["stranger"].id)}
    )
    assert foreign.status_code == 422
    assert "Choose among your active partners" in foreign.get_data(as_text=True)
    respond(other_client, campaign, world["carl"])
    respond(other_client, campaign, world["bea"])
    assert CAMPAIGN_LINK.findall(other_client.get("/campaigns/").text) == [str(campaign.id)]
    page = other_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Spring launch" in page and "Cobalt Systems" in page
    assert "Edit campaign" not in page and "Budget" not in page and "Why can they see" not in page
    assert other_client.post(f"/campaigns/{campaign.id}/edit", {"name": "x"}).status_code == 404
    assert (
        other_client.post(f"/campaigns/{campaign.id}/status", {"status": "active"}).status_code
        == 404
    )
    assert (
        other_client.post(
            f"/campaigns/{campaign.id}/participants",
            {"organization_ids": str(world["bluebird"].id)},
        ).status_code
        == 404  # partners run no campaigns: the route does not exist for them
    )

    owner_page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "takes part in the campaign: Bluebird Solutions" in owner_page

    response = client.post(
        f"/campaigns/{campaign.id}/participants/{world['bluebird'].id}/remove", {}
    )
    assert response.status_code == 302
    assert other_client.get(f"/campaigns/{campaign.id}").status_code == 404
    assert "No campaigns yet" in other_client.get("/campaigns/").text
    assert actions(db, campaign) == [
        "campaign.created",
        "campaign.participant_invited",
        "campaign.participant_invited",
        "campaign.invitation_accepted",
        "campaign.invitation_accepted",
        "campaign.participant_removed",
    ]

    sign_in(other_client, world["sam"])
    for url in (f"/campaigns/{campaign.id}", f"/campaigns/{campaign.id}/edit"):
        assert other_client.get(url).status_code == 404, url
    assert (
        other_client.post(f"/campaigns/{campaign.id}/status", {"status": "active"}).status_code
        == 404
    )


def test_a_viewer_reads_but_changes_nothing(client, db, world):
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    sign_in(client, world["viewer"])
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Viewers can read campaigns" in page
    assert client.post(f"/campaigns/{campaign.id}/status", {"status": "active"}).status_code == 403


def upload(client, name: str, **fields):
    response = client.post(
        "/documents/upload",
        {"file": (io.BytesIO(PDF + name.encode()), name), **fields},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def document_titled(db, title: str) -> Document:
    return db.scalars(select(Document).where(Document.title == title)).one()


def test_a_document_shared_with_the_participants_follows_who_takes_part(
    client, other_client, db, world
):
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    invite(client, campaign, world["bluebird"])
    upload(client, "Briefing.pdf", title="Briefing")
    document = document_titled(db, "Briefing")
    form = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f'value="campaign:{campaign.id}">Participants of campaign Spring launch' in form
    response = client.post(
        f"/documents/{document.id}/share",
        {"target": f"campaign:{campaign.id}", "level": str(int(AccessLevel.view))},
    )
    assert response.status_code == 302

    # Invited, not yet accepted: the campaign to decide, not the participants' material.
    sign_in(other_client, world["bea"])
    assert other_client.get(f"/campaigns/{campaign.id}").status_code == 200
    assert other_client.get(f"/documents/{document.id}").status_code == 404
    respond(other_client, campaign, world["bea"])
    assert other_client.get(f"/documents/{document.id}").status_code == 200
    assert other_client.get(f"/documents/{document.id}/versions/1/download").status_code == 200
    owner_page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Participants of campaign Spring launch" in owner_page  # the share list
    assert "shared with the participants of campaign “Spring launch”" in owner_page  # why

    # Cobalt, a partner of the same vendor that does not take part, does not see it ...
    sign_in(client, world["carl"])
    assert client.get(f"/documents/{document.id}").status_code == 404
    sign_in(client, world["manager"])
    invite(client, campaign, world["cobalt"])
    respond(client, campaign, world["carl"])
    assert client.get(f"/documents/{document.id}").status_code == 200  # ... until it joins

    sign_in(client, world["manager"])
    client.post(f"/campaigns/{campaign.id}/participants/{world['bluebird'].id}/remove", {})
    assert other_client.get(f"/documents/{document.id}").status_code == 404
    assert other_client.get(f"/documents/{document.id}/versions/1/download").status_code == 404


def test_a_document_attached_to_a_campaign_is_seen_by_whoever_sees_the_campaign(
    client, other_client, db, world
):
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    invite(client, campaign, world["bluebird"])
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f'href="/documents/upload?attach=campaign:{campaign.id}"' in page
    upload(client, "Co-branded flyer.pdf", title="Flyer", attach=f"campaign:{campaign.id}")
    document = document_titled(db, "Flyer")
    assert (document.attached_type.value, document.attached_id) == ("campaign", campaign.id)

    sign_in(other_client, world["bea"])
    campaign_page = other_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f'href="/documents/{document.id}"' in campaign_page
    assert other_client.get(f"/documents/{document.id}").status_code == 200
    why = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f"attached to campaign #{campaign.id}" in why

    sign_in(other_client, world["carl"])  # a partner of the vendor, not taking part
    assert other_client.get(f"/documents/{document.id}").status_code == 404
    sign_in(other_client, world["sam"])
    assert other_client.get(f"/documents/{document.id}").status_code == 404
    # Only who may edit the campaign attaches to it.
    sign_in(other_client, world["bea"])
    response = other_client.post(
        "/documents/upload",
        {"file": (io.BytesIO(PDF), "x.pdf"), "attach": f"campaign:{campaign.id}"},
        content_type="multipart/form-data",
    )
    assert response.status_code in (404, 422)
    assert db.scalars(select(Document).where(Document.title == "x")).first() is None


def test_sharing_rules_reach_launched_campaigns_and_explicit_shares_work(
    client, other_client, db, world
):
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    rule = {
        "name": "EMEA campaigns for gold",
        "record_type": "campaign",
        "regions": "EMEA",
        "grantee_kind": "tier",
        "grantee_tier": "gold",
        "level": "view",
        "active": "y",
        "preview": "Preview",
    }
    preview = client.post("/leads/rules/new", rule).get_data(as_text=True)
    # Rules reach launched campaigns only: the draft does not count.
    assert re.search(r'preview-records">0</strong> campaigns match', preview)
    saved = client.post("/leads/rules/new", {**rule, "preview": "", "save": "Save rule"})
    assert saved.status_code == 302
    sign_in(other_client, world["carl"])
    assert other_client.get(f"/campaigns/{campaign.id}").status_code == 404  # still a draft
    client.post(f"/campaigns/{campaign.id}/status", {"status": "active"})
    assert other_client.get(f"/campaigns/{campaign.id}").status_code == 200
    page = other_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Bluebird" not in page  # not taking part: it does not learn who does

    quiet = new_campaign(client, db, name="Quiet one", region="NA")
    assert other_client.get(f"/campaigns/{quiet.id}").status_code == 404
    response = client.post(
        f"/sharing/campaign/{quiet.id}/share",
        {"target": f"org:{world['cobalt'].id}", "level": str(int(AccessLevel.edit))},
    )
    assert response.status_code == 302
    assert other_client.get(f"/campaigns/{quiet.id}").status_code == 200
    edited = other_client.post(f"/campaigns/{quiet.id}/edit", {"name": "Quiet, edited"})
    assert edited.status_code == 302
    db.refresh(quiet)
    assert quiet.name == "Quiet, edited"
    assert db.get(CampaignParticipant, (quiet.id, world["cobalt"].id)) is None


def test_the_demo_campaign_is_shared_with_its_participants(app, client, db):
    from app.demo import DEMO_PASSWORD, seed
    from partners.mail import Mailer

    seed(db, Mailer("log://", "demo@concord.local"), app.extensions["concord.storage"])
    db.flush()
    campaign = db.scalars(select(Campaign)).one()
    documents = db.scalars(select(Document).where(Document.folder.startswith("Campaigns"))).all()
    assert campaign.status == CampaignStatus.active and len(documents) == 2
    for email, sees in (
        ("admin@bluebird.example", True),
        ("admin@delta.example", True),
        ("admin@cobalt.example", False),
    ):
        client.logout()
        client.login(email, DEMO_PASSWORD)
        expected = 200 if sees else 404
        assert client.get(f"/campaigns/{campaign.id}").status_code == expected, email
        for document in documents:
            assert client.get(f"/documents/{document.id}").status_code == expected, email


def test_the_api_attaches_a_document_to_a_campaign(client, other_client, db, world):
    from partners.api_tokens import create_token

    from factories import context

    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    token = create_token(context(db), world["manager"])
    headers = {"Authorization": f"Bearer {token}"}
    created = other_client.http.post(
        "/api/v1/documents",
        data=PDF,
        query_string={"filename": "Brief.pdf", "attach": f"campaign:{campaign.id}"},
        headers=headers,
        content_type="application/octet-stream",
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["attached_to"] == {"type": "campaign", "id": campaign.id}
    refused = other_client.http.post(
        "/api/v1/documents",
        data=PDF,
        query_string={"filename": "Brief.pdf", "attach": "invoice:1"},
        headers=headers,
        content_type="application/octet-stream",
    )
    assert refused.status_code == 422
    assert "`campaign:<id>`" in refused.get_json()["detail"]


def test_a_viewer_learns_its_campaigns_in_the_same_two_round_trips(db, world):
    from sqlalchemy import event

    from partners.sharing.audiences import audience_id, campaign_audience, viewer_for
    from portal.campaigns import service

    from factories import context

    owner = context(db, world["manager"])
    campaign = service.create_campaign(owner, service.CampaignDetails("Spring launch"))
    service.invite_partners(owner, campaign.id, [world["bluebird"].id])
    service.respond_to_invitation(context(db, world["bea"]), campaign.id, accept=True)
    audience = audience_id(db, campaign_audience(campaign.id, world["vendor"].id))
    db.flush()
    statements: list[str] = []
    connection = db.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(connection, "before_cursor_execute", listener)
    try:
        viewer = viewer_for(db, world["bea"])
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert audience in viewer.company_audience_ids
    assert len(statements) == 2, statements
    assert audience not in viewer_for(db, world["carl"]).audience_ids


def test_several_at_once_and_every_partner_matching_an_audience(client, db, world):
    silver = create_org(db, OrgKind.partner, "Silver Sparrow")
    create_partnership(db, world["vendor"], silver, tier=Tier.silver)
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "And every partner matching" in page and "Gold or higher" in page
    assert "Taking part</strong> means" in page and "Shared with</strong>" in page

    invite(client, campaign, tier="gold")  # Bluebird and Cobalt, not the silver one
    shown = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Invited: Bluebird Solutions, Cobalt Systems." in shown
    rows = db.scalars(select(CampaignParticipant).order_by(CampaignParticipant.organization_id))
    assert [(r.organization_id, r.state.value) for r in rows] == [
        (world["bluebird"].id, "invited"),
        (world["cobalt"].id, "invited"),
    ]
    # An audience that matches nobody left to invite is refused with the reason, nothing stored.
    refused = client.post(f"/campaigns/{campaign.id}/participants", {"tier": "platinum"})
    assert refused.status_code == 422
    assert "an audience that matches some" in refused.get_data(as_text=True)
    # A foreign id among good ones refuses the whole request.
    mixed = client.post(
        f"/campaigns/{campaign.id}/participants",
        {"organization_ids": [str(silver.id), str(world["stranger"].id)]},
    )
    assert mixed.status_code == 422
    assert db.get(CampaignParticipant, (campaign.id, silver.id)) is None


def test_an_invitee_decides_and_a_declined_partner_loses_the_campaign(
    client, other_client, db, world
):
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db)
    invite(client, campaign, world["bluebird"], world["cobalt"])
    sign_in(other_client, world["bea"])
    page = other_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "You are invited to take part" in page and "Accept and take part" in page
    assert "Cobalt Systems" not in page  # who else is invited: not for an invitee
    assert "0 organizations take part." in page

    declined = respond(other_client, campaign, world["bea"], "decline", "No budget this quarter")
    assert declined.headers["Location"].endswith("/campaigns/")  # not a 404 dead end
    assert "You declined the campaign Spring launch" in other_client.get("/campaigns/").text
    assert other_client.get(f"/campaigns/{campaign.id}").status_code == 404
    again = other_client.post(f"/campaigns/{campaign.id}/respond", {"accept": "x"})
    assert again.status_code == 404  # a declined partner cannot take it back on its own

    owner_page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Declined" in owner_page and "No budget this quarter" in owner_page
    assert "Bluebird Solutions" in owner_page  # may be invited again
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "campaign.invitation_declined")
    ).one()
    assert entry.after == {"state": "declined", "reason": "No budget this quarter"}

    # An accepted participant that leaves loses the campaign too.
    respond(other_client, campaign, world["carl"])
    assert "Leave the campaign" in other_client.get(f"/campaigns/{campaign.id}").text
    respond(other_client, campaign, world["carl"], "decline")
    assert other_client.get(f"/campaigns/{campaign.id}").status_code == 404
    # A stranger answering is a 404, like a missing campaign.
    sign_in(other_client, world["sam"])
    assert (
        other_client.post(f"/campaigns/{campaign.id}/respond", {"accept": "x"}).status_code == 404
    )
