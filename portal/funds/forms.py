"""Forms for market development funds: an allocation, a request, a decision, a claim."""

from __future__ import annotations

from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.funds.service import MAX_AMOUNT, RequestDetails
from web.input import Form

_MONEY = [DataRequired("Enter an amount."), NumberRange(min=0, max=MAX_AMOUNT)]


def _coerce_id(value: object) -> int | None:
    return int(value) if value not in (None, "") else None


class AllocationForm(Form):
    partner_org_id = SelectField("Partner", coerce=_coerce_id, validators=[DataRequired()])
    starts_on = DateField("From", validators=[DataRequired()])
    ends_on = DateField("Until", validators=[DataRequired()])
    amount = DecimalField("Funds", places=2, validators=_MONEY)
    submit = SubmitField("Set the allocation")


class RequestForm(Form):
    allocation_id = SelectField(
        "From the allocation", coerce=_coerce_id, validators=[DataRequired()]
    )
    activity = StringField("Activity", validators=[DataRequired(), Length(max=200)])
    amount = DecimalField("Amount", places=2, validators=_MONEY)
    expected_leads = IntegerField(
        "Leads expected", validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    campaign_id = SelectField("For the campaign", coerce=_coerce_id, validators=[Optional()])
    description = TextAreaField("What you plan", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Request funds")

    def details(self) -> RequestDetails:
        return RequestDetails(
            activity=self.activity.data or "",
            amount=self.amount.data,
            description=self.description.data or "",
            expected_leads=self.expected_leads.data,
            campaign_id=self.campaign_id.data,
        )


class DecisionForm(Form):
    """Approve (the amount asked, or less) or reject; the vendor's reason goes to the partner."""

    amount = DecimalField(
        "Amount approved",
        places=2,
        description="Leave it empty to approve the amount asked for.",
        validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT)],
    )
    reason = StringField("Reason", validators=[Optional(), Length(max=500)])
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")


class ClaimForm(Form):
    amount = DecimalField("Amount spent", places=2, validators=_MONEY)
    note = TextAreaField("Note", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Claim the funds")


class ClaimDecisionForm(Form):
    reason = StringField("Reason", validators=[Optional(), Length(max=500)])
    pay = SubmitField("Approve the claim")
    reject = SubmitField("Reject the claim")
