"""Forms for acknowledging, shipping and invoicing orders."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, FieldList, FormField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.orders.models import LineStatus, OrderStatus


class LineDecisionForm(FlaskForm):
    class Meta:
        csrf = False  # a part of AcknowledgeForm, which carries the token

    status = SelectField(
        "Decision", choices=[SelectChoice(s.value, s.value.capitalize()) for s in LineStatus]
    )
    quantity = DecimalField("Quantity", validators=[Optional(), NumberRange(min=0)])


class AcknowledgeForm(FlaskForm):
    lines = FieldList(FormField(LineDecisionForm))
    submit = SubmitField("Acknowledge order")


class ShipForm(FlaskForm):
    carrier = StringField("Carrier (SCAC)", validators=[Optional(), Length(max=20)])
    tracking_number = StringField("Tracking number", validators=[Optional(), Length(max=40)])
    submit = SubmitField("Mark as shipped")


class InvoiceForm(FlaskForm):
    invoice_number = StringField("Invoice number", validators=[DataRequired(), Length(max=22)])
    submit = SubmitField("Send invoice")


class OrderFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any")]
        + [SelectChoice(s.value, s.value.capitalize()) for s in OrderStatus],
    )
    number = StringField("PO number", validators=[Optional(), Length(max=40)])
