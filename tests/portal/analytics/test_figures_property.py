"""Property: every dashboard and scorecard figure a viewer gets equals a count over the records
the sharing reference model (tests/partners/test_sharing_property.py) says that viewer sees."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from partners.models import Partnership
from portal.analytics import service
from portal.analytics.figures import Filters
from portal.deals.models import DealStage
from portal.deals.sharing import DEALS
from portal.leads.models import LeadStatus
from portal.leads.sharing import LEADS


def _reference_model():
    path = Path(__file__).parents[2] / "partners" / "test_sharing_property.py"
    spec = importlib.util.spec_from_file_location("sharing_reference_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


reference = _reference_model()


def seen(records: dict, expected: dict, kind, owner_id: int) -> list:
    return [r for r in records[kind] if (kind, r.id) in expected and r.owner_org_id == owner_id]


def funnel_by_hand(leads: list, claimant: int | None = None) -> list[int]:
    taken = [
        r
        for r in leads
        if r.claimed_at is not None and (claimant is None or r.claimed_by_org_id == claimant)
    ]
    return [
        sum(r.status != LeadStatus.new for r in leads),
        len(taken),
        sum(r.accepted_at is not None for r in taken),
        sum(r.status == LeadStatus.converted for r in taken),
    ]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=reference.scenarios)
def test_every_figure_counts_what_the_viewer_may_see(db, tmp_path, scenario):
    savepoint = db.begin_nested()
    try:
        _owners, records, everyone = reference.build(
            db, scenario, reference.local_storage(tmp_path)
        )
        db.flush()
        for who, user in everyone:
            expected = reference.expected_records(scenario, records, who)
            if who[0] == "vendor":
                leads = seen(records, expected, LEADS, user.organization_id)
                deals = seen(records, expected, DEALS, user.organization_id)
                figures = service.vendor_dashboard(db, user, Filters())
                funnel = [row[1] for row in figures.table("funnel").rows]
                assert funnel[:4] == funnel_by_hand(leads), who
                stages = Counter(d.stage for d in deals)
                assert [row[1] for row in figures.table("pipeline_stage").rows] == [
                    stages[stage] for stage in DealStage
                ], who
                open_deals = sum(not d.stage.closed for d in deals)
                assert sum(r[1] for r in figures.table("pipeline_partner").rows) == open_deals
                continue
            for partnership in db.scalars(
                select(Partnership).where(Partnership.child_id == user.organization_id)
            ):
                leads = seen(records, expected, LEADS, partnership.parent_id)
                deals = seen(records, expected, DEALS, partnership.parent_id)
                card = dict(
                    (row[0], row[1])
                    for row in service.scorecard(db, user, partnership).table("scorecard").rows
                )
                received, claimed, accepted, _converted = funnel_by_hand(
                    leads, user.organization_id
                )
                assert card["Leads received"] == received, who
                assert card["Leads claimed"] == claimed, who
                assert card["Leads accepted"] == accepted, who
                mine = [d for d in deals if d.partner_org_id == user.organization_id]
                assert card["Deals closed"] == sum(d.stage.closed for d in mine), who
    finally:
        savepoint.rollback()
