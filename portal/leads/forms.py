"""Forms for the lead inbox, the owner's leads and sharing rules."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from partners.roles import OrgKind, Tier
from partners.sharing.criteria import LIST_CRITERIA, Criteria
from partners.sharing.levels import AccessLevel
from partners.sharing.models import GranteeKind, RecordType
from partners.sharing.rules import Grantee, RuleSpec
from portal.leads import scoring
from portal.leads.models import ActivityKind, LeadScoringRule, LeadStatus, ScoreCriterion
from portal.leads.policy import PartnerRouting
from portal.leads.queries import LeadFilters
from portal.leads.service import LeadDetails
from web.input import Form

SCORE = NumberRange(min=0, max=100, message="A score is between 0 and 100.")
#: Numbers typed as text, so they look like every other input and keep the numeric keypad.
NUMBER = {"widget": TextInput(), "render_kw": {"inputmode": "decimal"}}


class LeadFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search company or contact", validators=[Optional(), Length(max=100)])
    region = StringField("Region", validators=[Optional(), Length(max=40)])
    industry = StringField("Industry", validators=[Optional(), Length(max=80)])
    country = StringField("Country", validators=[Optional(), Length(max=2)])
    score_min = IntegerField("Score from", validators=[Optional(), SCORE], **NUMBER)
    score_max = IntegerField("to", validators=[Optional(), SCORE], **NUMBER)
    sort = SelectField(
        "Sort",
        choices=[SelectChoice("newest", "Newest first"), SelectChoice("score", "Best score")],
        validate_choice=False,  # anything unknown sorts newest first
    )
    waiting = BooleanField("Only those waiting for our answer")

    def filters(self) -> LeadFilters:
        """What was asked for; a value that does not validate is ignored rather than refused."""
        self.validate()

        def valid(field):
            return None if field.errors else field.data

        return LeadFilters(
            search=valid(self.q) or "",
            region=valid(self.region) or "",
            industry=valid(self.industry) or "",
            country=valid(self.country) or "",
            score_min=valid(self.score_min),
            score_max=valid(self.score_max),
            sort=valid(self.sort) or "newest",
            waiting=bool(valid(self.waiting)),
        )


class OwnedLeadFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any")]
        + [SelectChoice(s.value, s.value.capitalize()) for s in LeadStatus],
    )


class LeadForm(Form):
    company = StringField("Company", validators=[DataRequired(), Length(max=200)])
    contact_name = StringField("Contact name", validators=[Optional(), Length(max=200)])
    contact_email = EmailField("Contact email", validators=[Optional(), Email(), Length(max=254)])
    country = StringField(
        "Country",
        description="Two letters, e.g. DE.",
        validators=[Optional(), Length(min=2, max=2)],
    )
    region = StringField("Region", validators=[Optional(), Length(max=40)])
    industry = StringField("Industry", validators=[Optional(), Length(max=80)])
    product_line = StringField("Product line", validators=[Optional(), Length(max=80)])
    campaign = StringField("Campaign code", validators=[Optional(), Length(max=80)])
    score = IntegerField("Score", default=50, validators=[Optional(), SCORE], **NUMBER)
    amount = DecimalField(
        "Estimated amount", places=2, validators=[Optional(), NumberRange(min=0)], **NUMBER
    )
    publish = BooleanField("Publish to the pool now", default=True)
    submit = SubmitField("Create lead")

    def details(self) -> LeadDetails:
        return LeadDetails(
            company=self.company.data,
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            country=self.country.data or "",
            region=self.region.data or "",
            industry=self.industry.data or "",
            product_line=self.product_line.data or "",
            campaign=self.campaign.data or None,
            score=self.data.get("score") or 0,  # the view drops the field when rules score
            amount=self.amount.data,
        )


def _values(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


LIST_HELP = "Comma-separated; leave empty for any."


class RuleForm(Form):
    name = StringField("Rule name", validators=[DataRequired(), Length(max=120)])
    record_type = SelectField(
        "Shares",
        default=RecordType.lead.value,
        choices=[SelectChoice(t.value, t.label) for t in RecordType],
    )
    regions = StringField("Regions", description=LIST_HELP, validators=[Length(max=300)])
    industries = StringField("Industries", description=LIST_HELP, validators=[Length(max=300)])
    countries = StringField("Countries", description=LIST_HELP, validators=[Length(max=300)])
    campaigns = StringField("Campaigns", description=LIST_HELP, validators=[Length(max=300)])
    product_lines = StringField(
        "Product lines", description=LIST_HELP, validators=[Length(max=300)]
    )
    folders = StringField("Folders", description=LIST_HELP, validators=[Length(max=300)])
    tags = StringField("Tags", description=LIST_HELP, validators=[Length(max=300)])
    score_min = IntegerField("Score from", validators=[Optional(), SCORE], **NUMBER)
    score_max = IntegerField("Score to", validators=[Optional(), SCORE], **NUMBER)
    amount_min = DecimalField("Amount from", validators=[Optional(), NumberRange(min=0)], **NUMBER)
    amount_max = DecimalField("Amount to", validators=[Optional(), NumberRange(min=0)], **NUMBER)
    grantee_kind = SelectField(
        "Share with",
        choices=[
            SelectChoice(GranteeKind.all_partners.value, "All partners"),
            SelectChoice(GranteeKind.tier.value, "Partners at a tier and above"),
            SelectChoice(GranteeKind.kind.value, "Partners of a kind"),
            SelectChoice(GranteeKind.organization.value, "One partner"),
        ],
    )
    grantee_org = SelectField("Partner", choices=[], validate_choice=False)
    grantee_tier = SelectField(
        "Tier and above",
        default=Tier.registered.value,
        choices=[SelectChoice(t.value, t.label) for t in Tier],
    )
    grantee_org_kind = SelectField(
        "Kind",
        default=OrgKind.partner.value,
        choices=[SelectChoice(k.value, k.label) for k in (OrgKind.partner, OrgKind.distributor)],
    )
    level = SelectField(
        "Access",
        default=AccessLevel.claim.name,
        choices=[SelectChoice(level.name, level.label) for level in AccessLevel],
    )
    active = BooleanField("Active", default=True)
    preview = SubmitField("Preview")
    save = SubmitField("Save rule")

    def spec(self) -> RuleSpec:
        criteria = Criteria(
            regions=_values(self.regions.data),
            industries=_values(self.industries.data),
            countries=tuple(c.upper() for c in _values(self.countries.data)),
            campaigns=_values(self.campaigns.data),
            product_lines=_values(self.product_lines.data),
            folders=tuple(folder.strip("/") for folder in _values(self.folders.data)),
            tags=tuple(tag.lower() for tag in _values(self.tags.data)),
            score_min=self.score_min.data,
            score_max=self.score_max.data,
            amount_min=self.amount_min.data,
            amount_max=self.amount_max.data,
        )
        kind = GranteeKind(self.grantee_kind.data)
        grantee = Grantee(
            kind,
            organization_id=int(self.grantee_org.data)
            if kind == GranteeKind.organization and self.grantee_org.data
            else None,
            tier=Tier(self.grantee_tier.data) if kind == GranteeKind.tier else None,
            org_kind=OrgKind(self.grantee_org_kind.data) if kind == GranteeKind.kind else None,
        )
        return RuleSpec(
            self.name.data.strip(),
            criteria,
            grantee,
            AccessLevel[self.level.data],
            RecordType(self.record_type.data),
        )

    def fill(self, spec: RuleSpec, active: bool) -> None:
        """Show a saved rule in the form."""
        criteria = spec.criteria
        for name in LIST_CRITERIA:
            getattr(self, name).data = ", ".join(getattr(criteria, name))
        for name in ("score_min", "score_max", "amount_min", "amount_max"):
            getattr(self, name).data = getattr(criteria, name)
        grantee = spec.grantee
        self.name.data, self.level.data, self.active.data = spec.name, spec.level.name, active
        self.record_type.data = spec.record_type.value
        self.grantee_kind.data = grantee.kind.value
        self.grantee_org.data = str(grantee.organization_id or "")
        self.grantee_tier.data = grantee.tier.value if grantee.tier else Tier.registered.value
        kind = grantee.org_kind or OrgKind.partner
        self.grantee_org_kind.data = kind.value


ACTIVITY_CHOICES = [SelectChoice(kind.value, kind.label) for kind in ActivityKind]


class ActivityForm(Form):
    kind = SelectField("Kind", choices=ACTIVITY_CHOICES, default=ActivityKind.call.value)
    body = TextAreaField(
        "What happened",
        validators=[
            DataRequired("Describe the contact or the qualification data."),
            Length(max=5000),
        ],
    )
    submit = SubmitField("Log activity")


class AcceptForm(ActivityForm):
    body = TextAreaField(
        "First contact or qualification data",
        validators=[
            DataRequired("Log your first contact or qualification data to accept the lead."),
            Length(max=5000),
        ],
    )
    submit = SubmitField("Accept lead")


class DeclineForm(Form):
    reason = TextAreaField(
        "Why you decline it",
        validators=[DataRequired("Say why you decline the lead."), Length(max=300)],
    )
    submit = SubmitField("Decline lead")


#: The moves a claimant makes by hand; "lost" has its own form (it needs a reason) and
#: "converted" comes from converting the lead into a deal.
MANUAL_MOVES = (LeadStatus.working, LeadStatus.qualified)


class ProgressForm(Form):
    """Rendered as one submit button per move, each posting its status."""

    status = SelectField(
        "Move to", choices=[SelectChoice(s.value, s.value.capitalize()) for s in MANUAL_MOVES]
    )


class LostForm(Form):
    reason = TextAreaField(
        "Why it is lost",
        validators=[DataRequired("Say why the lead is lost."), Length(max=300)],
    )
    submit = SubmitField("Mark lost")


class AssignForm(Form):
    lead_ids = SelectMultipleField("Leads", coerce=int, choices=[], validate_choice=False)
    all_new = BooleanField("Every new or returned lead")
    submit = SubmitField("Assign")


HOURS = NumberRange(min=0, max=1000, message="Between 0 and 1000.")


def settings_form(routing_rows) -> type[Form]:
    """The settings page's form: per-tier tables, then one weight and tags per partnership."""

    class LeadSettingsForm(Form):
        min_tier = SelectField(
            "Route only to partners at this tier or above",
            choices=[SelectChoice(t.value, t.label) for t in Tier],
        )
        submit = SubmitField("Save settings")

    for tier in Tier:
        setattr(
            LeadSettingsForm,
            f"sla_{tier.value}",
            IntegerField(
                f"{tier.label}: hours to accept", validators=[InputRequired(), HOURS], **NUMBER
            ),
        )
        setattr(
            LeadSettingsForm,
            f"max_{tier.value}",
            IntegerField(
                f"{tier.label}: open claims", validators=[InputRequired(), HOURS], **NUMBER
            ),
        )
    for partnership, org, _routing in routing_rows:
        setattr(
            LeadSettingsForm,
            f"weight_{partnership.id}",
            IntegerField(f"{org.name}: weight", validators=[InputRequired(), HOURS], **NUMBER),
        )
        setattr(
            LeadSettingsForm,
            f"industries_{partnership.id}",
            StringField(
                f"{org.name}: industries", description=LIST_HELP, validators=[Length(max=300)]
            ),
        )
        setattr(
            LeadSettingsForm,
            f"product_lines_{partnership.id}",
            StringField(
                f"{org.name}: product lines", description=LIST_HELP, validators=[Length(max=300)]
            ),
        )
    return LeadSettingsForm


def fill_settings(form, settings, routing_rows) -> None:
    form.min_tier.data = settings.min_tier.value
    for tier in Tier:
        getattr(form, f"sla_{tier.value}").data = settings.sla_hours.get(tier.value)
        getattr(form, f"max_{tier.value}").data = settings.max_open_claims.get(tier.value)
    for partnership, _org, routing in routing_rows:
        getattr(form, f"weight_{partnership.id}").data = routing.weight if routing else 1
        getattr(form, f"industries_{partnership.id}").data = ", ".join(
            routing.industries if routing else ()
        )
        getattr(form, f"product_lines_{partnership.id}").data = ", ".join(
            routing.product_lines if routing else ()
        )


def settings_values(form, routing_rows) -> dict:
    """The form's values as ``policy.save_settings`` takes them."""
    return {
        "sla_hours": {t.value: getattr(form, f"sla_{t.value}").data for t in Tier},
        "max_open_claims": {t.value: getattr(form, f"max_{t.value}").data for t in Tier},
        "min_tier": Tier(form.min_tier.data),
        "partners": {
            partnership.id: PartnerRouting(
                getattr(form, f"weight_{partnership.id}").data,
                _values(getattr(form, f"industries_{partnership.id}").data),
                _values(getattr(form, f"product_lines_{partnership.id}").data),
            )
            for partnership, _org, _routing in routing_rows
        },
    }


class ScoringRuleForm(Form):
    criterion = SelectField(
        "When the lead's",
        choices=[SelectChoice(c.value, label) for c, label in scoring.CRITERION_LABELS.items()],
    )
    match_values = StringField(
        "Values",
        description="For industry, country, region, product line and campaign: comma-separated, "
        "e.g. Software, SaaS. Case does not matter.",
        validators=[Length(max=300)],
    )
    bound = DecimalField(
        "Amount",
        description="For the amount criteria.",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="An amount is 0 or more.")],
        **NUMBER,
    )
    points = IntegerField(
        "Points",
        description=f"From -{scoring.MAX_POINTS} to {scoring.MAX_POINTS}; "
        "negative points lower the score.",
        validators=[
            InputRequired("Give the points a matching lead earns."),
            NumberRange(
                min=-scoring.MAX_POINTS,
                max=scoring.MAX_POINTS,
                message=f"Between -{scoring.MAX_POINTS} and {scoring.MAX_POINTS}.",
            ),
        ],
        **NUMBER,
    )
    submit = SubmitField("Save scoring rule")

    def _criterion(self) -> ScoreCriterion | None:
        try:
            return ScoreCriterion(self.criterion.data)
        except ValueError:
            return None

    def validate(self, extra_validators=None) -> bool:
        """Each field's checks, then the values or the amount the chosen criterion needs (an
        empty optional field stops its own validators, so this cannot be one of them)."""
        valid = super().validate(extra_validators)
        criterion = self._criterion()
        if criterion in scoring.LIST_CRITERIA and not _values(self.match_values.data):
            self.match_values.errors.append("List the values that earn the points.")
            valid = False
        if criterion in scoring.AMOUNT_CRITERIA and self.bound.data is None:
            if not self.bound.errors:
                self.bound.errors.append("Give the amount.")
            valid = False
        return valid

    def validate_points(self, field) -> None:
        if field.data == 0:
            raise ValidationError("A rule of 0 points changes nothing.")

    def spec(self) -> scoring.ScoringRuleSpec:
        return scoring.ScoringRuleSpec(
            ScoreCriterion(self.criterion.data),
            self.points.data,
            _values(self.match_values.data),
            self.bound.data,
        )

    def fill(self, rule: LeadScoringRule) -> None:
        """Show a saved rule in the form."""
        self.criterion.data = rule.criterion.value
        self.match_values.data = ", ".join(rule.match_values)
        self.bound.data, self.points.data = rule.bound, rule.points


class ForwardForm(Form):
    """A distributor passes a lead it works to one of its resellers."""

    reseller = SelectField("Reseller", coerce=int, choices=[])
    note = StringField("Note for the reseller", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Forward lead")


class RecallForm(Form):
    reason = StringField("Why you take it back", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Recall from reseller")
