"""In Chromium: the vendor's channel manager invites partners to a campaign, some picked and the
rest by audience; one partner accepts, the other declines with a reason."""

from playwright.sync_api import expect

from partners.roles import Tier


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
