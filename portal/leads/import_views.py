"""Lead CSV import pages, on the leads blueprint: upload, map and preview, progress and result.

The import itself runs as a job (``concord worker``, or a thread of ``concord run`` in
development); its page polls ``progress.json`` (``static/concord.js``) and works without script
through a reload link.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import asdict
from itertools import islice
from pathlib import PurePosixPath

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from partners.context import ServiceContext, ServiceError
from partners.roles import Role
from portal.leads import imports
from portal.leads.blueprint import OWNERS, bp
from portal.leads.import_csv import FIELDS, Mapping
from portal.leads.import_forms import MappingForm, UploadForm, mapping_form, posted_cells
from portal.leads.models import ImportStatus, LeadImport
from web.access import requires
from web.database import db_session
from web.errors import render_error
from web.pagination import paginate
from web.services import service_context

DUPLICATES_SHOWN = 100
STARTED = "This import has already been started; its page shows how it went."


@bp.route("/imports")
@requires(Role.member, kinds=OWNERS)
def import_list():
    page = paginate(db_session(), imports.organization_imports(current_user))
    return render_template("leads/imports.html", page=page, state=imports.state)


@bp.route("/imports/new", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def import_upload():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            lead_import = imports.upload(service_context(), upload.filename or "", upload.stream)
        except ServiceError as error:
            form.file.errors.append(str(error))
        else:
            return redirect(url_for("leads.import_mapping", import_id=lead_import.id))
    elif form.is_submitted() and "csrf_token" in form.errors:
        return render_error(400)
    return render_template("leads/import_upload.html", form=form), 422 if form.errors else 200


def _fingerprint(mapping: Mapping) -> str:
    return hashlib.sha256(json.dumps(mapping, sort_keys=True).encode()).hexdigest()[:16]


def _mapping_page(
    lead_import: LeadImport,
    form: MappingForm,
    found: imports.Check | None = None,
    status: int = 200,
):
    """The mapping form, and with a check the preview: counts, errors, duplicates, first rows."""
    mapping = form.mapping() if found else {}
    page = render_template(
        "leads/import_mapping.html",
        lead_import=lead_import,
        form=form,
        found=found,
        columns=[f for f in FIELDS if mapping.get(f.name) is not None],
        mapping=mapping,
        duplicates_shown=list(islice(found.duplicates.items(), DUPLICATES_SHOWN)) if found else [],
    )
    return page, status


@bp.route("/imports/<int:import_id>/mapping", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def import_mapping(import_id: int):
    """Map columns and preview every row's check; Import takes only the mapping previewed."""
    lead_import = imports.get_import(db_session(), current_user, import_id)
    form = mapping_form(lead_import.headers)()
    if lead_import.status != ImportStatus.draft:
        if form.is_submitted():
            return render_error(400, STARTED)
        return redirect(url_for("leads.import_status", import_id=import_id))
    if not form.is_submitted():
        form.fill(lead_import)
    elif not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return render_error(400)
        return _mapping_page(lead_import, form, status=422)
    ctx = service_context()
    mapping = form.mapping()
    try:
        if cells := posted_cells(request.form):
            imports.correct_cells(ctx, import_id, cells)
        found = imports.check(ctx, lead_import, mapping)
    except ServiceError as error:
        form.form_errors.append(str(error))
        return _mapping_page(lead_import, form, status=422 if form.is_submitted() else 200)
    if form.rejected.data:
        return _rejected_csv(ctx, lead_import, mapping)
    if form.start.data or form.start_valid.data:
        if form.previewed.data != _fingerprint(mapping):
            form.form_errors.append("The columns changed since the preview: check it, then import.")
        elif not found.valid and not form.start_valid.data:
            form.form_errors.append(
                "Correct the rows with errors in your file and upload it again, or import the "
                "valid rows only."
            )
        elif found.rows == found.error_count:
            form.form_errors.append("Every row has an error: there is nothing to import.")
        else:
            return _start(import_id, form)
    form.previewed.data = _fingerprint(mapping)
    return _mapping_page(lead_import, form, found)


def _rejected_csv(ctx: ServiceContext, lead_import: LeadImport, mapping: Mapping) -> Response:
    """The rows with errors as written, with the reason per row: to correct and upload again."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in imports.rejected_rows(ctx, lead_import, mapping):
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    name = re.sub(r"[^\w.-]+", "-", PurePosixPath(lead_import.filename).stem, flags=re.ASCII)
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}-rejected.csv"'},
    )


def _start(import_id: int, form: MappingForm):
    try:
        imports.start_import(service_context(), import_id, form.options())
    except imports.AlreadyStarted:
        return render_error(400, STARTED)
    flash("The import is under way: every row is checked again, then all are imported.", "info")
    return redirect(url_for("leads.import_status", import_id=import_id))


@bp.route("/imports/<int:import_id>")
@requires(Role.member, kinds=OWNERS)
def import_status(import_id: int):
    lead_import = imports.get_import(db_session(), current_user, import_id)
    if lead_import.status == ImportStatus.draft:
        return redirect(url_for("leads.import_mapping", import_id=import_id))
    return render_template(
        "leads/import_status.html", lead_import=lead_import, state=imports.state(lead_import)
    )


@bp.route("/imports/<int:import_id>/progress.json")
@requires(Role.member, kinds=OWNERS)
def import_progress(import_id: int):
    lead_import = imports.get_import(db_session(), current_user, import_id)
    return jsonify(asdict(imports.state(lead_import)))
