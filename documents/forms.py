"""Forms of the document library."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from documents.queries import SORTS, LibraryFilters
from partners.sharing import AccessLevel
from web.input import Form

_FILE = FileField(
    "File",
    validators=[FileRequired("Choose a file to upload.")],
    description="PDF, Word, Excel, PowerPoint, images, MP4 video or plain text.",
)
_TAGS_HELP = "Separate tags with commas, e.g. price list, EMEA."
_FOLDER_HELP = "Folders nest with /, e.g. Sales/Price lists. Leave empty for the top level."


def split_tags(text: str | None) -> tuple[str, ...]:
    return tuple(tag for tag in (text or "").split(",") if tag.strip())


class LibraryFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    q = StringField("Search", validators=[Optional(), Length(max=200)])
    folder = StringField("Folder", validators=[Optional(), Length(max=200)])
    tag = StringField("Tag", validators=[Optional(), Length(max=40)])
    owner = SelectField(
        "Whose",
        choices=[
            SelectChoice("", "All documents"),
            SelectChoice("ours", "Ours"),
            SelectChoice("shared", "Shared with us"),
        ],
        validate_choice=False,
    )
    sort = SelectField(
        "Sort by",
        choices=[
            SelectChoice("newest", "Recently changed"),
            SelectChoice("title", "Title"),
            SelectChoice("downloads", "Most downloaded"),
        ],
        validate_choice=False,
    )

    def filters(self) -> LibraryFilters:
        sort = self.sort.data if self.sort.data in SORTS else "newest"
        return LibraryFilters(
            search=self.q.data or "",
            folder=self.folder.data or "",
            tag=self.tag.data or "",
            owner=self.owner.data or "",
            sort=sort,
        )


class UploadForm(Form):
    file = _FILE
    title = StringField(
        "Title",
        validators=[Optional(), Length(max=200)],
        description="Leave empty to use the file's name.",
    )
    folder = StringField(
        "Folder", validators=[Optional(), Length(max=200)], description=_FOLDER_HELP
    )
    tags = StringField("Tags", validators=[Optional(), Length(max=900)], description=_TAGS_HELP)
    comment = StringField("Comment", validators=[Optional(), Length(max=500)])
    #: ``lead:12``: attach to that record (the upload link on a lead or deal page).
    attach = HiddenField()
    submit = SubmitField("Upload")


class VersionForm(Form):
    file = _FILE
    comment = StringField(
        "What changed", validators=[Optional(), Length(max=500)], description="Optional."
    )
    keep_lock = BooleanField("Keep it locked after this upload")
    submit = SubmitField("Upload new version")


class DetailsForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    folder = StringField(
        "Folder", validators=[Optional(), Length(max=200)], description=_FOLDER_HELP
    )
    tags = StringField("Tags", validators=[Optional(), Length(max=900)], description=_TAGS_HELP)
    submit = SubmitField("Save details")


class LockForm(Form):
    note = StringField(
        "Note",
        validators=[Optional(), Length(max=300)],
        description="Optional: what you are revising, for your colleagues.",
    )
    submit = SubmitField("Lock for revision")


class DocumentShareForm(Form):
    """Share a document with a partner, a team, the partners of a tier and above, all of them,
    or the participants of a campaign."""

    target = SelectField("Share with", choices=[])
    level = SelectField(
        "Access",
        choices=[
            SelectChoice(str(int(AccessLevel.view)), "View and download"),
            SelectChoice(str(int(AccessLevel.edit)), "Edit (add versions)"),
        ],
    )
    expires_on = DateField("Until (optional)", validators=[Optional()])
    reason = StringField("Reason", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Share")


class TemplateForm(Form):
    file = FileField(
        "Template (.docx)",
        validators=[FileRequired("Choose a .docx template.")],
        render_kw={"accept": ".docx"},
    )
    submit = SubmitField("Upload template")
