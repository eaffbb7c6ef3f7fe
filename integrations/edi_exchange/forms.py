"""Forms for EDI uploads and trading-partner profiles."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from web.input import Form


class UploadForm(Form):
    profile = SelectField("Trading partner", coerce=int)
    file = FileField(
        "EDI file",
        validators=[FileRequired("Choose a file to send.")],
        description="An X12 or EDIFACT interchange (.edi, .x12, .txt), up to 200 MB.",
    )
    submit = SubmitField("Send")


class ProfileForm(Form):
    standard = SelectField(
        "Standard", choices=[SelectChoice("X12", "ANSI X12"), SelectChoice("EDIFACT", "UN/EDIFACT")]
    )
    version = SelectField(
        "Version", choices=[SelectChoice(v, v) for v in ("004010", "005010", "D96A", "D01B")]
    )
    their_qualifier = StringField(
        "Their ID qualifier",
        validators=[DataRequired(), Length(max=4)],
        default="ZZ",
        description="ISA05 / UNB 0007, e.g. ZZ, 01, 14.",
    )
    their_id = StringField("Their EDI ID", validators=[DataRequired(), Length(max=35)])
    our_qualifier = StringField(
        "Our ID qualifier", validators=[DataRequired(), Length(max=4)], default="ZZ"
    )
    our_id = StringField("Our EDI ID", validators=[DataRequired(), Length(max=35)])
    acknowledgment = SelectField(
        "Functional acknowledgment (X12)",
        choices=[SelectChoice("997", "997"), SelectChoice("999", "999")],
        description="EDIFACT partners always get CONTRL.",
    )
    always_ta1 = BooleanField("Always send a TA1 interchange acknowledgment")
    test_indicator = BooleanField("Test mode (ISA15 = T, UNB test indicator)")
    strict = BooleanField(
        "Strict reading",
        description="Reject what is otherwise accepted with a warning: indentation, an "
        "unpadded ISA, a control number repeated within a group or interchange, …",
    )
    element_separator = StringField(
        "Element separator",
        validators=[Optional(), Length(min=1, max=1)],
        description="What we send; leave the four separators empty for the standard's defaults.",
    )
    component_separator = StringField("Component separator", validators=[Optional(), Length(max=1)])
    segment_terminator = StringField("Segment terminator", validators=[Optional(), Length(max=1)])
    repetition_separator = StringField(
        "Repetition separator",
        validators=[Optional(), Length(max=1)],
        description="X12 from 00402 on (ISA11); EDIFACT UNA.",
    )
    transport = SelectField(
        "Transport",
        choices=[
            SelectChoice("portal", "Upload in the portal"),
            SelectChoice("folder", "Drop folder (batch)"),
            SelectChoice("api", "API"),
            SelectChoice("as2", "AS2 gateway"),
        ],
    )
    submit = SubmitField("Save profile")
