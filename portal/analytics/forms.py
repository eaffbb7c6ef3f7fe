"""The dashboard's filter bar."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.models import User
from partners.roles import Tier
from portal.account.forms import FilterForm
from portal.analytics.figures import Filters

PERIODS = {"30": "Last 30 days", "90": "Last 90 days", "365": "Last 12 months"}


class DashboardFilterForm(FilterForm):
    """Period, region, tier and partner; a value that is not offered is ignored."""

    period = SelectField(
        "Period",
        choices=[SelectChoice("", "All time")]
        + [SelectChoice(days, label) for days, label in PERIODS.items()],
        validate_choice=False,
    )
    region = SelectField("Region", validate_choice=False)
    tier = SelectField(
        "Partner tier",
        choices=[SelectChoice("", "Any")] + [SelectChoice(t.value, t.label) for t in Tier],
        validate_choice=False,
    )
    partner = SelectField("Partner", validate_choice=False)

    def offer(self, db: Session, user: User) -> DashboardFilterForm:
        """The regions and partners to choose from: the user's organization's partnerships."""
        partnerships = db.scalars(sharing.managed_partnerships(user)).all()
        regions = sorted({p.region for p in partnerships if p.region})
        self.region.choices = [SelectChoice("", "Any")] + [SelectChoice(r, r) for r in regions]
        self.partner.choices = [SelectChoice("", "Any")] + [
            SelectChoice(str(p.child_id), p.child.name) for p in partnerships
        ]
        return self

    def filters(self, now: datetime) -> Filters:
        valid = self.valid_data()
        offered = {field: {c.value for c in self[field].choices} for field in ("region", "partner")}
        period, partner = valid["period"], valid["partner"]
        return Filters(
            since=now - timedelta(days=int(period)) if period in PERIODS else None,
            region=valid["region"] if valid["region"] in offered["region"] else "",
            tier=Tier(valid["tier"]) if valid["tier"] in Tier.__members__ else None,
            partner_id=int(partner) if partner and partner in offered["partner"] else None,
        )
