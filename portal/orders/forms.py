"""Forms for acknowledging, shipping and invoicing orders."""

from __future__ import annotations

from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.orders.models import LineStatus, OrderStatus
from web.input import Form


class LineDecisionForm(Form):
    class Meta:
        csrf = False  # a part of AcknowledgeForm, which carries the token

    status = SelectField(
        "Decision", choices=[SelectChoice(s.value, s.value.capitalize()) for s in LineStatus]
    )
    quantity = DecimalField("Quantity", validators=[Optional(), NumberRange(min=0)])


class AcknowledgeForm(Form):
    lines = FieldList(FormField(LineDecisionForm))
    submit = SubmitField("Acknowledge order")


class ShipForm(Form):
    carrier = StringField("Carrier (SCAC)", validators=[Optional(), Length(max=20)])
    tracking_number = StringField("Tracking number", validators=[Optional(), Length(max=40)])
    submit = SubmitField("Mark as shipped")


class InvoiceForm(Form):
    invoice_number = StringField("Invoice number", validators=[DataRequired(), Length(max=22)])
    submit = SubmitField("Send invoice")


class OrderFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any")]
        + [SelectChoice(s.value, s.value.capitalize()) for s in OrderStatus],
    )
    number = StringField("PO number", validators=[Optional(), Length(max=40)])


class NewLineForm(Form):
    class Meta:
        csrf = False  # a part of NewOrderForm, which carries the token

    product = StringField("Vendor part number", validators=[Optional(), Length(max=48)])
    #: Not "description": that name belongs to every field (its help text).
    details = StringField("Description", validators=[Optional(), Length(max=200)])
    quantity = DecimalField("Quantity", validators=[Optional(), NumberRange(min=0)])
    unit = StringField("Unit", default="EA", validators=[Optional(), Length(max=2)])
    unit_price = DecimalField("Unit price", validators=[Optional(), NumberRange(min=0)])


class NewOrderForm(Form):
    vendor = SelectField("Vendor", coerce=int)
    number = StringField(
        "PO number",
        validators=[DataRequired(), Length(max=22)],
        description="Your purchase order number; each can be used once.",
    )
    order_date = DateField("Order date", validators=[DataRequired()])
    requested_delivery_date = DateField("Deliver by", validators=[Optional()])
    currency = StringField("Currency", default="USD", validators=[DataRequired(), Length(3, 3)])
    lines = FieldList(FormField(NewLineForm), min_entries=5)
    submit = SubmitField("Place order")

    def validate_lines(self, field: FieldList) -> None:
        if not any(entry.quantity.data for entry in field):
            raise ValidationError("Add at least one line with a quantity.")
