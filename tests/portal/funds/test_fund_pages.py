"""Market development funds through HTTP: the vendor allocates, the partner requests, the vendor
approves less with a reason, the partner attaches proof and claims, the vendor pays; a claim
over the approved amount and bad amounts are refused with nothing stored; another partner
gets 404 and sees no figure."""

import io
import re

import pytest
from sqlalchemy import select

from partners.roles import OrgKind, Role, Tier
from portal.funds.models import FundAllocation, FundRequest, FundStatus

from factories import create_org, create_partnership, create_user
from support.campaigns import sign_in

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4


@pytest.fixture
def people(db):
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    bluebird = create_org(db, OrgKind.partner, "Bluebird Solutions")
    cobalt = create_org(db, OrgKind.partner, "Cobalt Systems")
    for partner in (bluebird, cobalt):
        create_partnership(db, vendor, partner, tier=Tier.gold)
    return {
        "bluebird": bluebird,
        "manager": create_user(db, vendor, Role.manager),
        "bea": create_user(db, bluebird, Role.member),
        "carl": create_user(db, cobalt, Role.member),
    }


def allocate(client, db, people, amount="5000") -> FundAllocation:
    sign_in(client, people["manager"])
    response = client.post(
        "/funds/allocations",
        {
            "partner_org_id": str(people["bluebird"].id),
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "amount": amount,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.scalars(select(FundAllocation)).one()


def request(client, db, people, allocation, amount="1200.00") -> FundRequest:
    sign_in(client, people["bea"])
    response = client.post(
        "/funds/requests",
        {"allocation_id": str(allocation.id), "activity": "Spring trade fair", "amount": amount},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.scalars(select(FundRequest)).one()


def test_from_allocation_to_paid_claim(client, db, people):
    allocation = allocate(client, db, people)
    page = client.get("/funds/").get_data(as_text=True)
    assert "Bluebird Solutions" in page and "5,000.00" in page
    fund_request = request(client, db, people, allocation)

    sign_in(client, people["manager"])
    url = f"/funds/requests/{fund_request.id}"
    less = client.post(f"{url}/decision", {"amount": "1000", "approve": "y"})
    assert less.status_code == 422 and "Say why you approve less" in less.get_data(as_text=True)
    done = client.post(
        f"{url}/decision", {"amount": "1000", "reason": "No catering", "approve": "y"}
    )
    assert done.status_code == 302
    db.refresh(fund_request)
    assert fund_request.status == FundStatus.approved

    sign_in(client, people["bea"])
    page = client.get(url).get_data(as_text=True)
    assert "No catering" in page and f"attach=fund_request:{fund_request.id}" in page
    refused = client.post(f"{url}/claim", {"amount": "990"})
    assert "Attach the proof of spend" in refused.get_data(as_text=True)
    uploaded = client.post(
        "/documents/upload",
        {"file": (io.BytesIO(PDF), "invoice.pdf"), "attach": f"fund_request:{fund_request.id}"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    over = client.post(f"{url}/claim", {"amount": "1000.01"})
    assert over.status_code == 422
    assert "Claim at most the 1,000.00 approved for this activity." in over.get_data(as_text=True)
    db.refresh(fund_request)
    assert fund_request.amount_claimed is None
    assert client.post(f"{url}/claim", {"amount": "990"}).status_code == 302

    sign_in(client, people["manager"])
    assert client.post(f"{url}/claim-decision", {"pay": "y"}).status_code == 302
    db.refresh(fund_request)
    assert (fund_request.status, str(fund_request.amount_paid)) == (FundStatus.paid, "990.00")
    sign_in(client, people["bea"])
    overview = client.get("/funds/").get_data(as_text=True)
    assert re.search(r'class="number remaining">4,010.00<', overview)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1.005", "at most two decimal places"),
        ("-1", "Number must be between"),
        ("x", "Enter an amount."),
    ],
)
def test_a_bad_amount_is_refused_and_nothing_is_stored(client, db, people, amount, message):
    allocation = allocate(client, db, people)
    sign_in(client, people["bea"])
    response = client.post(
        "/funds/requests",
        {"allocation_id": str(allocation.id), "activity": "Fair", "amount": amount},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page, page[page.find("<main") :]
    assert db.scalars(select(FundRequest)).all() == []


def test_another_partner_gets_404_and_sees_no_figure(client, db, people):
    allocation = allocate(client, db, people, amount="7777")
    fund_request = request(client, db, people, allocation)
    sign_in(client, people["carl"])
    assert client.get(f"/funds/requests/{fund_request.id}").status_code == 404
    page = client.get("/funds/").get_data(as_text=True)
    assert "7,777" not in page and "Spring trade fair" not in page
    forged = client.post(
        "/funds/requests", {"allocation_id": str(allocation.id), "activity": "X", "amount": "1"}
    )
    assert forged.status_code == 422  # not one of its allocations to choose
    assert (
        client.post(f"/funds/requests/{fund_request.id}/claim", {"amount": "1"}).status_code == 404
    )
    assert len(db.scalars(select(FundRequest)).all()) == 1
