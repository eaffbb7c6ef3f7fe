"""The admin's forms for inbound endpoints."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from integrations.inbound.actions import ACTIONS
from web.input import Form


class EndpointForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    actions = SelectMultipleField(
        "Accepted messages",
        choices=[SelectChoice(name, name) for name in ACTIONS],
        validators=[DataRequired(message="Choose at least one kind of message.")],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    user = SelectField(
        "Acts as",
        coerce=int,
        description="Every change is made as this person, with what they may see and do.",
    )
    submit = SubmitField("Create endpoint")
