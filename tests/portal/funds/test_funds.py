"""Market development funds through the services: allocations, requests, approvals for less,
claims with proof, payment; exact Decimal balances; and one partner never sees another's."""

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from documents.models import AttachedTo
from documents.service import Attachment, Upload, upload_document
from documents.storage import open_storage
from partners.context import Forbidden, NotFound, ServiceError
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from portal.funds import service
from portal.funds.models import FundStatus
from portal.funds.service import RequestDetails
from portal.funds.sharing import visible_fund_requests

from factories import context, create_org, create_partnership, create_user

Q1 = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def people(db):
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    bluebird = create_org(db, OrgKind.partner, "Bluebird Solutions")
    cobalt = create_org(db, OrgKind.partner, "Cobalt Systems")
    for partner in (bluebird, cobalt):
        create_partnership(db, vendor, partner, tier=Tier.gold)
    return {
        "manager": create_user(db, vendor, Role.manager),
        "bea": create_user(db, bluebird, Role.member),
        "carl": create_user(db, cobalt, Role.member),
    }


@pytest.fixture
def allocation(db, people, storage_ctx):
    return service.set_allocation(
        storage_ctx(people["manager"]), people["bea"].organization_id, *Q1, Decimal("10000.00")
    )


@pytest.fixture
def storage_ctx(db, tmp_path):
    storage = open_storage((tmp_path / "files").as_uri())
    return lambda user: context(db, user, storage=storage)


def prove(ctx, request) -> None:
    upload = Upload(io.BytesIO(b"%PDF-1.7\ninvoice"), "invoice.pdf", 1 << 20)
    upload_document(ctx, upload, attach=Attachment(AttachedTo.fund_request, request.id))


def test_a_request_approved_for_less_claimed_with_proof_and_paid(
    db, people, allocation, storage_ctx
):
    bea, manager = storage_ctx(people["bea"]), storage_ctx(people["manager"])
    request = service.request_funds(
        bea,
        allocation.id,
        RequestDetails("Trade fair stand", Decimal("4000.50"), expected_leads=40),
    )
    assert service.balance(db, allocation).remaining == Decimal("10000.00")  # asked, not set aside

    with pytest.raises(ServiceError, match="Say why you approve less"):
        service.decide_request(manager, request.id, True, Decimal("3000"))
    service.decide_request(
        manager, request.id, True, Decimal("3000.25"), reason="Stand only, no catering"
    )
    assert request.status == FundStatus.approved
    assert service.balance(db, allocation).remaining == Decimal("6999.75")

    with pytest.raises(ServiceError, match="Attach the proof"):
        service.claim_funds(bea, request.id, Decimal("2900"))
    prove(bea, request)
    with pytest.raises(ServiceError, match=r"Claim at most the 3,000.25 approved"):
        service.claim_funds(bea, request.id, Decimal("3000.26"))
    service.claim_funds(bea, request.id, Decimal("2900.10"), "Invoice attached")
    assert service.balance(db, allocation).claimed == Decimal("2900.10")

    service.decide_claim(manager, request.id, pay=True)
    money = service.balance(db, allocation)
    assert (request.status, request.amount_paid) == (FundStatus.paid, Decimal("2900.10"))
    assert (money.paid, money.committed, money.remaining) == (
        Decimal("2900.10"),
        Decimal("2900.10"),
        Decimal("7099.90"),  # what was approved but not spent returns to the allocation
    )
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.target_type == "FundRequest")
    ).all()
    assert actions == ["funds.requested", "funds.approved", "funds.claimed", "funds.paid"]


def test_requests_and_approvals_stay_within_what_is_left(db, people, allocation, storage_ctx):
    bea, manager = storage_ctx(people["bea"]), storage_ctx(people["manager"])
    with pytest.raises(ServiceError, match=r"Only 10,000.00 is left"):
        service.request_funds(bea, allocation.id, RequestDetails("Too much", Decimal("10000.01")))
    first = service.request_funds(bea, allocation.id, RequestDetails("Webinar", Decimal("8000")))
    second = service.request_funds(bea, allocation.id, RequestDetails("Mailing", Decimal("5000")))
    service.decide_request(manager, first.id, True)
    with pytest.raises(ServiceError, match=r"Only 2,000.00 is left of this partner's allocation"):
        service.decide_request(manager, second.id, True)
    with pytest.raises(ServiceError, match=r"already set aside 8,000.00"):
        service.set_allocation(manager, people["bea"].organization_id, *Q1, Decimal("7999"))
    service.decide_request(manager, second.id, False, reason="Over budget this year")
    assert second.status == FundStatus.rejected
    with pytest.raises(ServiceError, match="nothing to decide"):
        service.decide_request(manager, second.id, True)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "more than zero"),
        (Decimal("-5"), "more than zero"),
        (Decimal("1.005"), "two decimal places"),
        (Decimal("NaN"), "more than zero"),
        (Decimal("1e12"), "at most"),
    ],
)
def test_amounts_that_are_not_money_are_refused(
    db, people, allocation, storage_ctx, amount, message
):
    with pytest.raises(ServiceError, match=message):
        service.request_funds(
            storage_ctx(people["bea"]), allocation.id, RequestDetails("X", amount)
        )


def test_a_rejected_claim_may_be_made_again(db, people, allocation, storage_ctx):
    bea, manager = storage_ctx(people["bea"]), storage_ctx(people["manager"])
    request = service.request_funds(bea, allocation.id, RequestDetails("Ads", Decimal("100")))
    service.decide_request(manager, request.id, True)
    prove(bea, request)
    service.claim_funds(bea, request.id, Decimal("100"))
    with pytest.raises(ServiceError, match="Say why you reject the claim"):
        service.decide_claim(manager, request.id, pay=False)
    service.decide_claim(manager, request.id, pay=False, reason="The invoice is unreadable")
    assert request.status == FundStatus.claim_rejected
    assert service.balance(db, allocation).committed == Decimal("100.00")  # still set aside
    service.claim_funds(bea, request.id, Decimal("95"))
    assert request.status == FundStatus.claimed


def test_another_partner_never_sees_or_touches_the_funds(db, people, allocation, storage_ctx):
    bea, carl = storage_ctx(people["bea"]), storage_ctx(people["carl"])
    request = service.request_funds(bea, allocation.id, RequestDetails("Fair", Decimal("10")))
    assert service.allocations_for(db, people["carl"]) == []
    assert db.scalars(visible_fund_requests(people["carl"])).all() == []
    assert db.scalars(visible_fund_requests(people["manager"])).all() == [request]
    with pytest.raises(NotFound):
        service.request_funds(carl, allocation.id, RequestDetails("Mine now", Decimal("1")))
    with pytest.raises(NotFound):
        service.claim_funds(carl, request.id, Decimal("1"))
    with pytest.raises(Forbidden):  # a partner's member decides nothing
        service.decide_request(bea, request.id, True)
