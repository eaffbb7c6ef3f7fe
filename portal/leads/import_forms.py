"""Forms of the lead CSV import: the upload, and the column mapping with its options."""

from __future__ import annotations

import re

from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from portal.leads.import_csv import FIELDS, Mapping
from portal.leads.imports import MAX_IMPORT_BYTES, ImportOptions
from portal.leads.models import LeadImport
from web.input import Form

SKIP, MARK = "skip", "mark"


class UploadForm(Form):
    file = FileField(
        "CSV file",
        description=f"UTF-8 text with a header row, separated by commas or semicolons; up to "
        f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
        validators=[FileRequired("Choose a CSV file.")],
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField("Upload and map columns")


class MappingForm(Form):
    """One select per lead field (``map_<field>``) is added for the file's columns."""

    duplicates = RadioField(
        "Rows that duplicate a lead",
        choices=[
            SelectChoice(SKIP, "Leave them out"),
            SelectChoice(MARK, "Import them anyway, marked as possible duplicates"),
        ],
        default=SKIP,
    )
    publish = BooleanField("Publish the new leads to the pool at once")
    #: The mapping the page's preview was made with; Import takes only a previewed mapping.
    previewed = HiddenField()
    preview = SubmitField("Preview")
    start = SubmitField("Import")
    start_valid = SubmitField("Import the valid rows, leave out those with errors")
    rejected = SubmitField("Download the rows with errors (CSV)")
    correct = SubmitField("Save the corrections and preview again")

    def mapping_fields(self) -> list:
        return [getattr(self, f"map_{field.name}") for field in FIELDS]

    def mapping(self) -> Mapping:
        return {
            field.name: int(value) if (value := getattr(self, f"map_{field.name}").data) else None
            for field in FIELDS
        }

    def options(self) -> ImportOptions:
        return ImportOptions(
            mapping=self.mapping(),
            skip_duplicates=self.duplicates.data != MARK,
            publish=bool(self.publish.data),
            skip_invalid=bool(self.start_valid.data),
        )

    def fill(self, lead_import: LeadImport) -> None:
        for field in FIELDS:
            index = lead_import.mapping.get(field.name)
            getattr(self, f"map_{field.name}").data = "" if index is None else str(index)
        self.duplicates.data = SKIP if lead_import.skip_duplicates else MARK
        self.publish.data = lead_import.publish


def mapping_form(headers: list[str]) -> type[MappingForm]:
    """The mapping form for a file with these column headers."""
    columns = [SelectChoice("", "— not imported —")] + [
        SelectChoice(str(index), f"{name or '(no name)'} (column {index + 1})")
        for index, name in enumerate(headers)
    ]

    class ImportMappingForm(MappingForm):
        pass

    for field in FIELDS:
        setattr(ImportMappingForm, f"map_{field.name}", SelectField(field.label, choices=columns))
    return ImportMappingForm


#: A cell corrected in the preview: ``cell-<row>-<column index>``.
_CELL = re.compile(r"cell-(\d{1,9})-(\d{1,5})")


def posted_cells(formdata: MultiDict) -> dict[tuple[int, int], str]:
    """The preview's corrected cells as posted, ``(row, column index) → value``."""
    return {
        (int(found[1]), int(found[2])): formdata[name].strip()
        for name in formdata
        if (found := _CELL.fullmatch(name))
    }
