"""Forms of the knowledge base and announcements."""

from __future__ import annotations

from datetime import UTC, datetime, time

from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from partners.models import Organization
from partners.roles import OrgKind, Tier
from portal.account.forms import FilterForm
from portal.knowledge.announcements import AnnouncementDetails
from portal.knowledge.models import AudienceKind
from portal.knowledge.service import MAX_BODY_LENGTH, ArticleAudience, ArticleDetails
from web.input import Form

TIER_CHOICES = [SelectChoice(tier.value, tier.label) for tier in Tier]
MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists, `code`, [links](https://…), tables."


class ArticleFilterForm(FilterForm):
    q = StringField("Search title, text and tags", validators=[Optional(), Length(max=100)])
    product_line = SelectField("Product line", validate_choice=False)


class ArticleForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        "Text", description=MARKDOWN_HELP, validators=[Optional(), Length(max=MAX_BODY_LENGTH)]
    )
    product_line = StringField("Product line", validators=[Optional(), Length(max=80)])
    tags = StringField(
        "Tags", description="Separated by commas.", validators=[Optional(), Length(max=300)]
    )

    def details(self) -> ArticleDetails:
        return ArticleDetails(
            self.title.data or "",
            self.body.data or "",
            self.product_line.data or "",
            self.tags.data or "",
        )


class ArticleAudienceForm(Form):
    """Whom to share with: the view lists the owner's partners."""

    audience = RadioField(
        "Share with",
        choices=[
            SelectChoice("rules", "Only those my sharing rules for articles reach"),
            SelectChoice("all", "All my partners"),
            SelectChoice("tier", "Partners of a tier and above"),
            SelectChoice("partner", "One partner"),
        ],
        default="rules",
        validators=[DataRequired()],
    )
    tier = SelectField("Lowest tier", choices=TIER_CHOICES, default=Tier.gold.value)
    partner = SelectField("Partner", coerce=int, validate_choice=False)

    def audience_for(self, partners: dict[int, Organization]) -> ArticleAudience | None:
        """The audience chosen; ``None`` (with the field's error) for a partner not offered."""
        choice = self.audience.data
        if choice == "all":
            return ArticleAudience(all_partners=True)
        if choice == "tier":
            return ArticleAudience(tier=Tier(self.tier.data))
        if choice == "partner":
            partner = partners.get(self.partner.data or 0)
            if partner is None:
                self.partner.errors = ["Choose one of your partners."]
                return None
            return ArticleAudience(organization=partner)
        return ArticleAudience()


class FeedbackForm(Form):
    helpful = HiddenField(validators=[AnyOf(["yes", "no"])])


def _end_of(day) -> datetime:
    return datetime.combine(day, time.max, UTC)


class AnnouncementForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        "Text", description=MARKDOWN_HELP, validators=[Optional(), Length(max=MAX_BODY_LENGTH)]
    )
    audience = SelectField(
        "Audience",
        choices=[SelectChoice(kind.value, kind.label) for kind in AudienceKind],
        default=AudienceKind.all_partners.value,
    )
    tier = SelectField(
        "Lowest tier (for a tier and above)", choices=TIER_CHOICES, default=Tier.gold.value
    )
    region = StringField("Region (for a region)", validators=[Optional(), Length(max=40)])
    partner_kind = SelectField(
        "Kind of partner (for a kind)",
        choices=[
            SelectChoice(kind.value, kind.label) for kind in (OrgKind.partner, OrgKind.distributor)
        ],
    )
    starts_on = DateField("Shown from", validators=[DataRequired()])
    expires_on = DateField(
        "Until (inclusive)",
        validators=[DataRequired()],
        description="It disappears after this day.",
    )

    def details(self) -> AnnouncementDetails:
        audience = AudienceKind(self.audience.data)
        return AnnouncementDetails(
            title=self.title.data or "",
            body=self.body.data or "",
            audience=audience,
            starts_at=datetime.combine(self.starts_on.data, time.min, UTC),
            expires_at=_end_of(self.expires_on.data),
            tier=Tier(self.tier.data) if audience == AudienceKind.tier else None,
            region=self.region.data if audience == AudienceKind.region else None,
            partner_kind=OrgKind(self.partner_kind.data) if audience == AudienceKind.kind else None,
        )
