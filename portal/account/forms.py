"""Forms for signing in, accounts, people, teams and partner onboarding."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from partners.passwords import MIN_LENGTH
from partners.roles import OrgKind, Role, Tier
from web.input import Form

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in reversed(Role)]
TIER_CHOICES = [SelectChoice(t.value, t.label) for t in Tier]
TIMEZONE_CHOICES = sorted(available_timezones())


class FilterForm(Form):
    """A list page's filter bar: read from the query string, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    def valid_data(self) -> dict[str, Any]:
        """Each field's value, ``None`` where it does not validate: a value that does not fit
        is ignored rather than refused."""
        self.validate()
        return {name: None if field.errors else field.data for name, field in self._fields.items()}


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


class TwoFactorForm(Form):
    code = StringField(
        "Authentication code",
        validators=[DataRequired(), Length(min=6, max=8)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Verify")


class NewPasswordMixin:
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)],
        description=f"At least {MIN_LENGTH} characters. A passphrase is easiest to remember.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )


class AcceptInvitationForm(NewPasswordMixin, Form):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Join")


class ForgotPasswordForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Email me a link")


class ResetPasswordForm(NewPasswordMixin, Form):
    submit = SubmitField("Set password")


class ChangePasswordForm(NewPasswordMixin, Form):
    current = PasswordField(
        "Current password",
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Change password")


class ChangeEmailForm(Form):
    email = EmailField("New email", validators=[DataRequired(), Email(), Length(max=254)])
    current = PasswordField("Current password", validators=[DataRequired()])
    submit = SubmitField("Change email")


class EnableTwoFactorForm(Form):
    code = StringField(
        "Code from your authenticator app",
        validators=[DataRequired(), Length(min=6, max=8)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    current = PasswordField("Current password", validators=[DataRequired()])
    submit = SubmitField("Turn on two-factor authentication")


class PasswordConfirmForm(Form):
    current = PasswordField("Current password", validators=[DataRequired()])
    submit = SubmitField("Confirm")


class InviteUserForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.member.value)
    submit = SubmitField("Send invitation")


class ChangeRoleForm(Form):
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


class ActionForm(Form):
    """A bare form: a button that POSTs with a CSRF token."""

    submit = SubmitField("Confirm")
    _hidden: Markup | None = None

    def hidden_tag(self, *fields) -> Markup:
        """The same markup every time for one form (its only hidden field is the CSRF
        token), rendered once: a list page shows a button per row (the lead pool's 25 Claim
        buttons cost 4 ms of CPU per page rendered one by one)."""
        if fields:
            return super().hidden_tag(*fields)
        if self._hidden is None:
            self._hidden = super().hidden_tag()
        return self._hidden


class TeamForm(Form):
    name = StringField("Team name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Create team")


class TeamMembersForm(Form):
    members = SelectMultipleField("Members", coerce=int)
    submit = SubmitField("Save members")


class SecurityPolicyForm(Form):
    require_two_factor = BooleanField("Require two-factor authentication for everyone")
    submit = SubmitField("Save policy")


def _valid_timezone(_form: Form, field: StringField) -> None:
    if field.data not in TIMEZONE_CHOICES:
        raise ValidationError("Choose a time zone such as Europe/Berlin or America/New_York.")


class PartnerTermsForm(Form):
    region = StringField(
        "Region",
        validators=[DataRequired(), Length(max=40)],
        description="For example EMEA, NA, APAC or LATAM.",
    )
    timezone = StringField(
        "Time zone",
        validators=[DataRequired(), _valid_timezone],
        default="UTC",
        description="IANA name; lead SLAs count business hours here.",
    )
    submit = SubmitField("Save terms")


class OnboardPartnerForm(PartnerTermsForm):
    name = StringField("Company name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        "Kind",
        choices=[
            SelectChoice(OrgKind.partner.value, "Reseller / partner"),
            SelectChoice(OrgKind.distributor.value, "Distributor"),
        ],
    )
    tier = SelectField("Tier", choices=TIER_CHOICES, default=Tier.registered.value)
    admin_email = EmailField(
        "Their first admin's email", validators=[DataRequired(), Email(), Length(max=254)]
    )
    admin_name = StringField("Their first admin's name", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Onboard partner")


class ChangeTierForm(Form):
    tier = SelectField("Tier", choices=TIER_CHOICES)
    submit = SubmitField("Change tier")


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = StringField("Action starts with", validators=[Optional(), Length(max=60)])
    actor = StringField("Actor email contains", validators=[Optional(), Length(max=254)])
    since = StringField("From (YYYY-MM-DD)", validators=[Optional(), Length(max=10)])
    until = StringField("Until (YYYY-MM-DD)", validators=[Optional(), Length(max=10)])


class VisibilityForm(Form):
    members_see_all = RadioField(
        "What members see",
        choices=[
            SelectChoice("all", "Every record shared with our company"),
            SelectChoice("own", "Only records assigned to them or to their teams"),
        ],
        description="Managers and admins always see every record shared with the company.",
    )
    submit = SubmitField("Save")


class ShareForm(Form):
    """Share one record with a partner organization or one of our teams."""

    target = SelectField("Share with", choices=[])
    level = SelectField("Access", choices=[])
    expires_on = DateField("Until (optional)", validators=[Optional()])
    reason = StringField("Reason", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Share")
