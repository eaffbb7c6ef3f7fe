"""Forms for campaigns: the filter bar, the campaign itself, its status and its participants."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import (
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from partners.roles import OrgKind, Tier
from portal.campaigns.models import Campaign, CampaignStatus
from portal.campaigns.queries import CampaignFilters
from portal.campaigns.service import CampaignDetails, PartnerAudience
from portal.deals.models import Deal
from portal.leads.models import Lead
from web.input import Form

#: Kinds of organization a vendor's partnerships reach.
PARTNER_KINDS = (OrgKind.partner, OrgKind.distributor)

STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in CampaignStatus]
#: What the button moving a campaign to each status says.
STATUS_ACTIONS = {
    CampaignStatus.active: "Launch the campaign",
    CampaignStatus.completed: "Mark completed",
    CampaignStatus.cancelled: "Cancel the campaign",
}


class CampaignFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search by name", validators=[Optional(), Length(max=100)])
    #: An unknown status is ignored by :class:`CampaignFilters`, not refused.
    status = SelectField(
        "Status", choices=[SelectChoice("", "Any"), *STATUS_CHOICES], validate_choice=False
    )

    def filters(self) -> CampaignFilters:
        self.validate()
        search = "" if self.q.errors else self.q.data or ""
        return CampaignFilters(search=search, status=self.status.data or "")


class CampaignForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "Description",
        description="What the campaign is about, for the partners taking part.",
        validators=[Optional(), Length(max=5000)],
    )
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    region = StringField("Region", validators=[Optional(), Length(max=40)])
    product_line = StringField("Product line", validators=[Optional(), Length(max=80)])
    budget = DecimalField(
        "Budget",
        places=2,
        description="Optional. Only your organization sees it.",
        validators=[Optional(), NumberRange(min=0, message="A budget is 0 or more.")],
        widget=TextInput(),
        render_kw={"inputmode": "decimal"},
    )
    submit = SubmitField("Save campaign")

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The campaign cannot end before it starts.")

    def fill(self, campaign: Campaign) -> None:
        self.process(obj=campaign)

    def details(self) -> CampaignDetails:
        return CampaignDetails(
            name=self.name.data or "",
            description=self.description.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            region=self.region.data or "",
            product_line=self.product_line.data or "",
            budget=self.budget.data,
        )


class StatusForm(Form):
    """One button per move the campaign's status allows; the button's value is the status."""

    status = SelectField("New status", choices=STATUS_CHOICES)


class ParticipantForm(Form):
    """Invite several partners at once: those picked and every partner matching an audience
    (the sharing rules' terms: a tier or higher, a kind of organization, plus a region)."""

    organization_ids = SelectMultipleField(
        "Partners",
        coerce=int,
        choices=[],
        description="Your active partners not invited yet. Hold Ctrl (⌘ on a Mac) to pick several.",
        validate_choice=False,  # the service refuses anything else, with a message
    )
    tier = SelectField(
        "Every partner at tier",
        choices=[
            SelectChoice("", "—"),
            *(SelectChoice(t.value, f"{t.label} or higher") for t in Tier),
        ],
        validators=[Optional()],
    )
    kind = SelectField(
        "Every partner of kind",
        choices=[
            SelectChoice("", "—"),
            *(SelectChoice(k.value, k.value.capitalize()) for k in PARTNER_KINDS),
        ],
        validators=[Optional()],
    )
    region = StringField(
        "Every partner in region",
        description="As on the partnership (e.g. EMEA).",
        validators=[Optional(), Length(max=40)],
    )
    submit = SubmitField("Invite")

    def audience(self) -> PartnerAudience:
        return PartnerAudience(
            tier=Tier(self.tier.data) if self.tier.data else None,
            kind=OrgKind(self.kind.data) if self.kind.data else None,
            region=self.region.data or "",
        )


class ResponseForm(Form):
    """The invited organization's answer: the button pressed decides."""

    reason = TextAreaField(
        "Reason (optional)",
        description="Tells the campaign's owner why you decline.",
        validators=[Optional(), Length(max=500)],
    )
    accept = SubmitField("Accept and take part")
    decline = SubmitField("Decline")


class AttachForm(Form):
    """Attach one of the organization's leads or deals (``lead:12``, ``deal:5``)."""

    record = SelectField("Lead or deal", validate_choice=True)
    submit = SubmitField("Attach to the campaign")

    def offer(self, leads: Iterable[Lead], deals: Iterable[Deal]) -> None:
        self.record.choices = [
            *(SelectChoice(f"lead:{lead.id}", lead.company, optgroup="Leads") for lead in leads),
            *(
                SelectChoice(f"deal:{deal.id}", f"{deal.name} ({deal.customer})", optgroup="Deals")
                for deal in deals
            ),
        ]

    def chosen(self) -> tuple[str, int]:
        record_type, _, record_id = (self.record.data or "").partition(":")
        return record_type, int(record_id)
