"""The "Save this view" form every list page carries (base.html)."""

from __future__ import annotations

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from portal.saved.service import MAX_URL
from web.input import Form


class SaveViewForm(Form):
    name = StringField("Name of the view", validators=[DataRequired(), Length(max=80)])
    url = HiddenField(validators=[DataRequired(), Length(max=MAX_URL)])
