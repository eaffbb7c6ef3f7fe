"""Forms for cases: the list's filters, opening a case, triage, status changes and notes."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from portal.account.forms import FilterForm
from portal.cases.models import CasePriority, CaseStatus, NoteVisibility
from portal.cases.queries import SORTS, CaseFilters, Linkable
from portal.cases.service import MAX_NOTE_LENGTH, MAX_TARGET_HOURS, CaseDetails
from web.input import Form

PRIORITY_CHOICES = [SelectChoice(p.value, p.label) for p in CasePriority]
SORT_LABELS = {
    "newest": "Newest first",
    "updated": "Recently updated",
    "priority": "Most urgent",
    "due": "Due first",
}


class CaseFilterForm(FilterForm):
    q = StringField("Search subject, number or notes", validators=[Optional(), Length(max=100)])
    #: Unknown statuses, priorities and sorts are ignored by :func:`queries.case_list`.
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any")] + [SelectChoice(s.value, s.label) for s in CaseStatus],
        validate_choice=False,
    )
    priority = SelectField(
        "Priority", choices=[SelectChoice("", "Any"), *PRIORITY_CHOICES], validate_choice=False
    )
    sort = SelectField(
        "Sort",
        choices=[SelectChoice(key, SORT_LABELS[key]) for key in SORTS],
        validate_choice=False,
    )
    waiting = BooleanField("Only those waiting for me")

    def filters(self) -> CaseFilters:
        valid = self.valid_data()
        return CaseFilters(
            search=valid["q"] or "",
            status=valid["status"] or "",
            priority=valid["priority"] or "",
            waiting=bool(valid["waiting"]),
            sort=valid["sort"] or "newest",
        )


def _record_id(value: object) -> int | None:
    """A pick-list's record id; the empty choice is None (an unknown id is not a choice)."""
    if value in (None, "", "None"):
        return None
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else 0


def _deal_label(customer: str, name: str) -> str:
    return customer if name == customer else f"{customer} — {name}"


def _dated(day: date | None) -> str:
    return f" of {day.isoformat()}" if day else ""


class CaseForm(Form):
    """Opening a case: with whom (a partner, or a vendor: the view sets the label and choices),
    what about, and optionally which deal or order (picked from those the user may see)."""

    counterpart = SelectField("Partner", coerce=int, validators=[DataRequired()])
    subject = StringField("Subject", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "Description",
        description="What happened, what you expected, and how urgent it is.",
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
    )
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default=CasePriority.normal.value)
    deal_id = SelectField("Deal", coerce=_record_id)
    order_id = SelectField("Order", coerce=_record_id)

    def offer(self, linkable: Linkable) -> None:
        """Offer the deals and orders the user may link (by what people recognise them by)."""
        none = [SelectChoice(None, "None")]
        self.deal_id.choices = none + [
            SelectChoice(deal.id, _deal_label(deal.customer, deal.name)) for deal in linkable.deals
        ]
        self.order_id.choices = none + [
            SelectChoice(order.id, f"Order {order.number}" + _dated(order.order_date))
            for order in linkable.orders
        ]

    def details(self) -> CaseDetails:
        return CaseDetails(
            subject=self.subject.data or "",
            description=self.description.data or "",
            priority=CasePriority(self.priority.data),
            deal_id=self.deal_id.data,
            order_id=self.order_id.data,
        )


class TriageForm(Form):
    """The vendor's priority and assignment; the view fills in its people and teams."""

    priority = SelectField("Priority", choices=PRIORITY_CHOICES)
    assigned_user = SelectField("Assigned to", coerce=int, validate_choice=False)
    assigned_team = SelectField("Team", coerce=int, validate_choice=False)


class FeedbackForm(Form):
    """The partner's rating of a closed case."""

    rating = SelectField(
        "How well was this resolved?",
        choices=[SelectChoice(str(n), f"{n} of 5") for n in range(5, 0, -1)],
        coerce=int,
    )
    comment = TextAreaField("Comment (optional)", validators=[Optional(), Length(max=2000)])


class InvolveForm(Form):
    """Another active partner of the vendor to bring into the case (the view lists them)."""

    partner = SelectField("Involve another partner", coerce=int)


class StatusForm(Form):
    """One status button: the status it moves the case to."""

    status = HiddenField(validators=[AnyOf([status.value for status in CaseStatus])])


class NoteForm(Form):
    """A note and who may read it: ``shared``, ``internal`` or ``internal:<team id>`` (internal
    to one of the author's teams); the view lists the author's teams."""

    body = TextAreaField("Note", validators=[DataRequired(), Length(max=MAX_NOTE_LENGTH)])
    #: Only the choices the view offers validate: a note is never shared by a typo.
    audience = SelectField("Who can read it", validators=[DataRequired()])

    def visibility(self) -> tuple[NoteVisibility, int | None]:
        kind, _, team_id = (self.audience.data or "").partition(":")
        return NoteVisibility(kind), int(team_id) if team_id else None


class SlaPolicyForm(Form):
    """A vendor's calendar and, per priority, its first-response and resolution targets
    (fields ``<priority>_first`` and ``<priority>_resolution``, added below)."""

    timezone = StringField(
        "Business hours timezone",
        validators=[DataRequired("Give the timezone."), Length(max=64)],
        description="IANA name, e.g. Europe/Berlin; business hours are Monday–Friday 09:00–17:00.",
    )

    def targets(self) -> dict[CasePriority, tuple[int, int]]:
        return {
            p: (self[f"{p.value}_first"].data, self[f"{p.value}_resolution"].data)
            for p in CasePriority
        }

    def fill(self, timezone: str, targets: dict[CasePriority, tuple[int, int]]) -> None:
        self.timezone.data = timezone
        for priority, (first, resolution) in targets.items():
            self[f"{priority.value}_first"].data = first
            self[f"{priority.value}_resolution"].data = resolution


_HOURS = NumberRange(1, MAX_TARGET_HOURS, f"Between 1 and {MAX_TARGET_HOURS} business hours.")
for _priority in CasePriority:
    for _clock, _label in (("first", "first response"), ("resolution", "resolution")):
        setattr(
            SlaPolicyForm,
            f"{_priority.value}_{_clock}",
            IntegerField(
                f"{_priority.label}: {_label} (business hours)",
                validators=[InputRequired("Give the number of hours."), _HOURS],
            ),
        )
SlaPolicyForm.submit = SubmitField("Save SLAs")
