"""Campaign steps over HTTP, shared by the campaign page tests."""

from sqlalchemy import select

from portal.campaigns.models import Campaign


def sign_in(client, user) -> None:
    """Sign ``user`` in, signing out whoever was."""
    client.logout()
    assert client.login(user.email).status_code == 302


def new_campaign(client, db, **fields) -> Campaign:
    form = {
        "name": "Spring launch",
        "description": "Edge Router X2 for retail chains",
        "starts_on": "2026-03-01",
        "ends_on": "2026-05-31",
        "region": "EMEA",
        "product_line": "Routers",
        "budget": "25000",
    }
    form.update(fields)
    response = client.post("/campaigns/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.scalars(select(Campaign).order_by(Campaign.id.desc())).first()


def invite(client, campaign: Campaign, *organizations, **audience) -> None:
    response = client.post(
        f"/campaigns/{campaign.id}/participants",
        {"organization_ids": [str(org.id) for org in organizations], **audience},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def respond(client, campaign: Campaign, user, answer: str = "accept", reason: str = ""):
    """``user`` (signed in on ``client``) accepts or declines the invitation."""
    sign_in(client, user)
    response = client.post(f"/campaigns/{campaign.id}/respond", {answer: "x", "reason": reason})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
