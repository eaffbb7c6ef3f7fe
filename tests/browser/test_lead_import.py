"""In Chromium: a vendor's channel manager imports a CSV with a row the check refuses, corrects
the cell in the preview instead of editing the file, and imports every row."""

from playwright.sync_api import expect

from app.worker import worker_for

CSV = b"Company,Email\nAlpha Retail,ann@alpha.example\n,bob@beta.example\nGamma,gil@gamma.example\n"


def test_a_cell_is_corrected_in_the_preview_and_every_row_imported(
    browser, acme_partners, base_url, live_app, sign_in, shots, tmp_path
):
    people = acme_partners({})
    page = browser.new_context().new_page()
    sign_in(page, people["manager"])
    page.goto(f"{base_url}/leads/imports/new")
    upload = tmp_path / "fair.csv"
    upload.write_bytes(CSV)
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map columns").click()
    expect(page.get_by_text("Row 3: Company is empty.")).to_be_visible()
    page.get_by_label("Row 3: Company").fill("Beta Health")
    shots(page, "01-correcting")
    page.get_by_role("button", name="Save the corrections and preview again").click()
    expect(page.get_by_text("Every row can be imported.")).to_be_visible()
    expect(page.get_by_role("cell", name="Beta Health")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    worker_for(live_app).run_next()
    page.reload()
    expect(page.get_by_text("3 lead(s) imported").first).to_be_visible()
    shots(page, "02-imported")
