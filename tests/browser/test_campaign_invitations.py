"""In Chromium: the vendor's channel manager invites partners to a campaign, some picked and the
rest by audience; one partner accepts, the other declines with a reason; a participant attaches
its deal, which the owner sees counted and the other participant never sees."""

from playwright.sync_api import expect
from sqlalchemy import select

from partners.models import Organization, User
from partners.roles import Tier
from portal.deals.service import DealDetails, register_deal

from factories import context


def test_invite_by_pick_and_audience_then_accept_and_decline(
    browser, acme_partners, base_url, sign_in, shots
):
    people = acme_partners(
        {
            "Bluebird Solutions": Tier.gold,
            "Cobalt Systems": Tier.registered,
            "Dune Digital": Tier.platinum,
        }
    )
    manager = browser.new_context().new_page()
    sign_in(manager, people["manager"])
    manager.goto(f"{base_url}/campaigns/new")
    manager.get_by_label("Name").fill("Spring launch")
    manager.get_by_role("button", name="Create campaign").click()
    manager.get_by_label("Partners").select_option(label="Cobalt Systems")
    manager.get_by_label("Every partner at tier").select_option("gold")
    shots(manager, "01-invite-form")
    manager.get_by_role("button", name="Invite").click()
    expect(
        manager.get_by_text("Invited: Bluebird Solutions, Cobalt Systems, Dune Digital.")
    ).to_be_visible()
    shots(manager, "02-invited")
    campaign_url = manager.url

    bluebird = browser.new_context().new_page()
    sign_in(bluebird, people["Bluebird Solutions"])
    # The invitation waits on the partner's home page; its link opens the campaign.
    bluebird.goto(f"{base_url}/home")
    invitations = bluebird.get_by_role(
        "region", name="Campaign invitations waiting for your answer"
    )
    expect(invitations).to_contain_text("Spring launch from Acme Networks")
    shots(bluebird, "03-home-invitation")
    invitations.get_by_role("link", name="Spring launch").click()
    assert bluebird.url == campaign_url
    expect(bluebird.get_by_role("heading", name="You are invited to take part")).to_be_visible()
    expect(bluebird.get_by_text("Cobalt Systems")).to_have_count(0)
    shots(bluebird, "03b-invitation")
    bluebird.get_by_role("button", name="Accept and take part").click()
    expect(bluebird.get_by_text("takes part in Spring launch now")).to_be_visible()
    expect(bluebird.get_by_role("button", name="Leave the campaign")).to_be_visible()
    shots(bluebird, "04-accepted")
    bluebird.goto(f"{base_url}/home")
    expect(bluebird.get_by_text("Campaign invitations waiting for your answer")).to_have_count(0)

    cobalt = browser.new_context().new_page()
    sign_in(cobalt, people["Cobalt Systems"])
    cobalt.goto(campaign_url)
    cobalt.get_by_label("Reason (optional)").fill("No budget this quarter")
    cobalt.get_by_role("button", name="Decline").click()
    expect(cobalt.get_by_text("You declined the campaign Spring launch")).to_be_visible()
    shots(cobalt, "05-declined")

    manager.reload()
    expect(manager.get_by_text("“No budget this quarter”")).to_be_visible()
    expect(manager.get_by_text("Taking part", exact=True).last).to_be_visible()
    shots(manager, "06-owner-sees-answers")


def test_a_partner_attaches_its_deal_and_another_partner_never_sees_it(
    browser, acme_partners, base_url, live_app, sign_in, shots
):
    people = acme_partners({"Bluebird Solutions": Tier.gold, "Cobalt Systems": Tier.gold})
    with live_app.extensions["concord.db"].factory() as session:
        for name, deal in (
            ("Bluebird Solutions", "Orchid roll-out"),
            ("Cobalt Systems", "Pine WAN"),
        ):
            partner = session.scalar(select(User).where(User.email == people[name]))
            vendor = session.scalar(
                select(Organization).where(Organization.name == "Acme Networks")
            )
            register_deal(
                context(session, partner), vendor.id, DealDetails(customer=deal, name=deal)
            )
        session.commit()
    manager = browser.new_context().new_page()
    sign_in(manager, people["manager"])
    manager.goto(f"{base_url}/campaigns/new")
    manager.get_by_label("Name").fill("Retail spring")
    manager.get_by_role("button", name="Create campaign").click()
    manager.get_by_label("Every partner at tier").select_option("gold")
    manager.get_by_role("button", name="Invite").click()
    campaign_url = manager.url

    pages = {}
    for name in ("Bluebird Solutions", "Cobalt Systems"):
        page = pages[name] = browser.new_context().new_page()
        sign_in(page, people[name])
        page.goto(campaign_url)
        page.get_by_role("button", name="Accept and take part").click()
    bluebird = pages["Bluebird Solutions"]
    bluebird.get_by_label("Lead or deal").select_option(label="Orchid roll-out (Orchid roll-out)")
    bluebird.get_by_role("button", name="Attach to the campaign").click()
    expect(bluebird.get_by_text("Attached to Retail spring")).to_be_visible()
    counted = bluebird.get_by_role("region", name="Leads and deals counted")
    expect(counted.get_by_role("link", name="Orchid roll-out")).to_be_visible()
    shots(bluebird, "07-attached")
    counted.get_by_role("link", name="Orchid roll-out").click()
    expect(bluebird.get_by_role("link", name="Retail spring")).to_be_visible()

    cobalt = pages["Cobalt Systems"]
    cobalt.reload()
    expect(cobalt.get_by_text("Orchid")).to_have_count(0)
    shots(cobalt, "08-other-participant")
    manager.reload()
    expect(manager.get_by_role("region", name="Leads and deals counted")).to_contain_text(
        "Orchid roll-out"
    )
