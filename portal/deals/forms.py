"""Forms for deals, registrations and their review; the API validates its JSON with them too."""

from __future__ import annotations

from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
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

from portal.account.forms import FilterForm
from portal.deals.models import DealStage, Registration
from portal.deals.queries import SORTS, UNREGISTERED, DealFilters
from portal.deals.service import MAX_PROTECTION_DAYS, DealDetails, ProductLine
from web.input import Form

#: Numbers typed as text, so they look like every other input and keep the numeric keypad.
NUMBER = {"widget": TextInput(), "render_kw": {"inputmode": "decimal"}}
#: Empty product rows the form offers; blank ones are ignored.
PRODUCT_ROWS = 5
MAX_PRODUCTS = 50
PROTECTION = NumberRange(
    min=1,
    max=MAX_PROTECTION_DAYS,
    message=f"Protection lasts between 1 and {MAX_PROTECTION_DAYS} days.",
)
STAGE_CHOICES = [SelectChoice(stage.value, stage.label) for stage in DealStage]
SORT_LABELS = {
    "newest": "Newest first",
    "close": "Closing soonest",
    "amount": "Largest amount",
    "customer": "Customer A–Z",
}


class DealFilterForm(FilterForm):
    q = StringField("Search customer or deal", validators=[Optional(), Length(max=100)])
    #: Unknown stages, registrations and sorts are ignored by :class:`DealFilters`, not refused.
    stage = SelectField(
        "Stage", choices=[SelectChoice("", "Any"), *STAGE_CHOICES], validate_choice=False
    )
    registration = SelectField(
        "Registration",
        validate_choice=False,
        choices=[SelectChoice("", "Any")]
        + [SelectChoice(r.value, r.label) for r in Registration]
        + [SelectChoice(UNREGISTERED, "Not a registration")],
    )
    sort = SelectField(
        "Sort",
        choices=[SelectChoice(key, SORT_LABELS[key]) for key in SORTS],
        validate_choice=False,
    )

    def filters(self) -> DealFilters:
        valid = self.valid_data()
        return DealFilters(
            search=valid["q"] or "",
            stage=valid["stage"] or "",
            registration=valid["registration"] or "",
            sort=valid["sort"] or "newest",
        )


class ProductRowForm(Form):
    class Meta:
        csrf = False  # a part of DealForm, which carries the token

    product = StringField("Product", validators=[Length(max=200)])
    quantity = IntegerField(
        "Quantity",
        validators=[Optional(), NumberRange(min=1, message="At least 1.")],
        **NUMBER,
    )
    unit_price = DecimalField(
        "Unit price",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="0 or more.")],
        **NUMBER,
    )

    def validate_product(self, field: StringField) -> None:
        if not (field.data or "").strip() and (
            self.quantity.data is not None or self.unit_price.data is not None
        ):
            raise ValidationError("Name the product of this line, or clear the line.")

    def line(self) -> ProductLine | None:
        product = (self.product.data or "").strip()
        if not product:
            return None
        return ProductLine(product, self.quantity.data or 1, self.unit_price.data)


class ProductRows(FieldList):
    """Rows that pad with empty lines. WTForms renumbers the submitted rows (0, 2 → 0, 1) and
    then pads by reading the submitted data again, so after a gap a row would come twice."""

    def _add_entry(self, formdata=None, data=unset_value, index=None):
        return super()._add_entry(formdata if index is not None else None, data, index)


class DealForm(Form):
    customer = StringField("Customer", validators=[DataRequired(), Length(max=200)])
    name = StringField(
        "Deal name",
        description="Leave empty to use the customer's name.",
        validators=[Optional(), Length(max=200)],
    )
    contact_name = StringField("Contact name", validators=[Optional(), Length(max=200)])
    contact_email = EmailField("Contact email", validators=[Optional(), Email(), Length(max=254)])
    vat_number = StringField("VAT number", validators=[Optional(), Length(max=40)])
    country = StringField(
        "Country",
        description="Two letters, e.g. DE.",
        validators=[Optional(), Length(min=2, max=2)],
    )
    region = StringField("Region", validators=[Optional(), Length(max=40)])
    industry = StringField("Industry", validators=[Optional(), Length(max=80)])
    product_line = StringField("Product line", validators=[Optional(), Length(max=80)])
    campaign = StringField("Campaign code", validators=[Optional(), Length(max=80)])
    amount = DecimalField(
        "Amount",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="An amount is 0 or more.")],
        **NUMBER,
    )
    expected_close = DateField("Expected close", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    products = ProductRows(
        FormField(ProductRowForm), min_entries=PRODUCT_ROWS, max_entries=MAX_PRODUCTS
    )
    submit = SubmitField("Save deal")

    def fill(self, record: object) -> None:
        """Show a deal (or a :class:`DealDetails`) in the form, with a free product row."""
        self.process(obj=record)
        if len(self.products) < MAX_PRODUCTS and all(e.product.data for e in self.products):
            self.products.append_entry()

    def details(self) -> DealDetails:
        return DealDetails(
            customer=self.customer.data,
            name=self.name.data or "",
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            vat_number=self.vat_number.data or "",
            country=self.country.data or "",
            region=self.region.data or "",
            industry=self.industry.data or "",
            product_line=self.product_line.data or "",
            campaign=self.campaign.data or None,
            amount=self.amount.data,
            expected_close=self.expected_close.data,
            notes=self.notes.data or "",
            products=tuple(
                line for entry in self.products if (line := entry.form.line()) is not None
            ),
        )


class RegistrationForm(DealForm):
    vendor_id = SelectField(
        "Vendor",
        coerce=int,
        choices=[],
        description="The vendor you register the deal with.",
        validate_choice=False,  # checked below, with a message that says what to do
    )

    check = SubmitField("Check the customer")
    #: The fields a customer check needs (the rest may still be empty).
    CHECKED = ("csrf_token", "vendor_id", "customer", "contact_email", "vat_number")

    def validate_vendor_id(self, field: SelectField) -> None:
        if not any(choice.selected for choice in field.iter_choices()):
            raise ValidationError("Choose a vendor you are an active partner of.")


class StageForm(Form):
    stage = SelectField("Stage", choices=STAGE_CHOICES)
    submit = SubmitField("Change stage")


class ApproveForm(Form):
    days = IntegerField(
        "Protect for (days)",
        validators=[InputRequired("Say how many days the protection lasts."), PROTECTION],
        **NUMBER,
    )
    submit = SubmitField("Approve registration")


class RejectForm(Form):
    reason = TextAreaField(
        "Why it is rejected",
        description="The partner reads this.",
        validators=[
            DataRequired("Say why the registration is rejected; the partner will read it."),
            Length(max=500),
        ],
    )
    submit = SubmitField("Reject registration")


class DealSettingsForm(Form):
    protection_days = IntegerField(
        "Approved registrations protect the partner for (days)",
        validators=[InputRequired("Give the number of days."), PROTECTION],
        **NUMBER,
    )
    submit = SubmitField("Save settings")
