"""Orders by EDI in Chromium: the distributor sends a file, the vendor answers line by line."""

from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD
from app.demo_edi import interchange


class DeltaProfile:
    """The demo's trading-partner identities (see app/demo.py)."""

    standard, version = "X12", "004010"
    their_id, their_qualifier, our_id, our_qualifier = "DELTADIST", "ZZ", "ACMENET", "ZZ"


def _nav(page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def test_distributor_sends_edi_and_vendor_acknowledges(
    browser, demo, base_url, sign_in, shots, tmp_path
):
    delta = browser.new_context().new_page()
    sign_in(delta, "admin@delta.example", DEMO_PASSWORD)
    _nav(delta, "Orders").click()
    expect(delta.get_by_role("link", name="PO-10001")).to_be_visible()
    shots(delta, "01-distributor-orders")

    good = tmp_path / "po-20001.edi"
    good.write_bytes(interchange(DeltaProfile, 2001, "PO-20001"))
    _nav(delta, "EDI").click()
    delta.get_by_role("link", name="Upload a file").click()
    delta.get_by_label("EDI file").set_input_files(str(good))
    delta.get_by_role("button", name="Send").click()
    expect(delta.get_by_text("1 order(s) created")).to_be_visible()
    # Worded from Delta's side: it sent the file to Acme, and Acme's 997 answers it.
    expect(delta.get_by_text("Sent to Acme Networks")).to_be_visible()
    expect(delta.get_by_text("Answers from Acme Networks:")).to_be_visible()
    assert delta.get_by_text("Our answers").count() == 0
    shots(delta, "02-analyst-view")
    _nav(delta, "EDI").click()
    first = delta.get_by_role("row").nth(1)
    expect(first).to_contain_text("received")  # Acme's 997 to Delta
    assert first.get_by_text("sent").count() == 0
    expect(first).to_contain_text("Acme Networks")
    assert delta.get_by_role("cell", name="Delta Distribution").count() == 0
    expect(delta.get_by_role("columnheader", name="With")).to_be_visible()
    shots(delta, "02b-edi-list")

    broken = tmp_path / "broken.edi"
    broken.write_bytes(
        interchange(DeltaProfile, 2002, "PO-20002").replace(b"BEG*00*SA", b"BEG*00*")
    )
    _nav(delta, "EDI").click()
    delta.get_by_role("link", name="Upload a file").click()
    delta.get_by_label("EDI file").set_input_files(str(broken))
    delta.get_by_role("button", name="Send").click()
    expect(delta.locator("tr.has-errors").first).to_be_visible()
    expect(delta.get_by_text("BEG02").first).to_be_visible()
    shots(delta, "03-analyst-view-errors")

    acme = browser.new_context().new_page()
    sign_in(acme, "channel@acme.example", DEMO_PASSWORD)
    _nav(acme, "Orders").click()
    acme.get_by_role("link", name="PO-20001").click()
    acme.get_by_label("Decision for line 2").select_option("rejected")
    shots(acme, "04-acknowledge")
    acme.get_by_role("button", name="Acknowledge order").click()
    expect(acme.get_by_text("Order PO-20001 is acknowledged")).to_be_visible()
    expect(acme.get_by_role("link", name="Purchase order ack")).to_be_visible()
    acme.get_by_label("Tracking number").fill("1Z999AA10123456784")
    acme.get_by_role("button", name="Mark as shipped").click()
    expect(acme.get_by_text("Order PO-20001 is shipped")).to_be_visible()
    shots(acme, "05-shipped")

    delta.goto(f"{base_url}/orders/")
    delta.get_by_role("link", name="PO-20001").click()
    expect(delta.get_by_role("link", name="Ship notice")).to_be_visible()
    shots(delta, "06-distributor-sees-answers")
