"""EDI pages: upload, the interchange log, the analyst view, and trading-partner profiles."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from documents.content import content_disposition
from integrations.edi_exchange import profiles
from integrations.edi_exchange.analysis import analyse
from integrations.edi_exchange.forms import ProfileForm, UploadForm
from integrations.edi_exchange.ingest import ingest
from integrations.edi_exchange.models import Direction, InterchangeStatus
from integrations.edi_exchange.queries import (
    interchange_list,
    orders_from,
    profiles_for,
    responses_to,
)
from integrations.edi_exchange.sharing import get_interchange, get_trading_partner
from integrations.edi_exchange.side import Side
from partners import sharing
from partners.context import ServiceError
from partners.roles import OrgKind, Role
from web.access import requires
from web.database import db_session
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("edi", __name__, url_prefix="/edi", template_folder="templates")


def _blob(sha256: str) -> bytes:
    return b"".join(service_context().files().open(sha256))


@bp.route("/")
@requires()
def index():
    direction = request.args.get("direction", "")
    status = request.args.get("status", "")
    query = interchange_list(current_user, direction=direction, status=status)
    return render_template(
        "edi/interchanges.html",
        page=paginate(db_session(), query),
        direction=direction,
        status=status,
        Direction=Direction,
        InterchangeStatus=InterchangeStatus,
        side=Side.of(current_user),
    )


@bp.route("/upload", methods=["GET", "POST"])
@requires(Role.member)
def upload():
    choices = [p for p in profiles_for(db_session(), current_user) if p.active]
    form = UploadForm()
    side = Side.of(current_user)
    form.profile.choices = [
        SelectChoice(p.id, f"{side.other_party(p).name} ({p.standard} {p.version})")
        for p in choices
    ]
    if not choices:
        return render_template("edi/upload.html", form=None)
    if not form.validate_on_submit():
        return render_template("edi/upload.html", form=form), 422 if form.errors else 200
    profile = get_trading_partner(db_session(), current_user, form.profile.data)
    upload_file = form.file.data
    try:
        report = ingest(service_context(), profile, upload_file.stream, upload_file.filename or "")
    except ServiceError as error:
        form.file.errors.append(str(error))
        return render_template("edi/upload.html", form=form), 422
    for row in report.received:
        flash(
            f"Interchange {row.control_number or '(unreadable)'}: {row.status.label}; "
            f"{row.orders_created} order(s) created.",
            "success" if row.status == InterchangeStatus.accepted else "info",
        )
    first = report.received[0]
    return redirect(url_for("edi.interchange", interchange_id=first.id))


@bp.route("/interchanges/<int:interchange_id>")
@requires()
def interchange(interchange_id: int):
    db = db_session()
    row = get_interchange(db, current_user, interchange_id)
    return render_template(
        "edi/interchange.html",
        row=row,
        analysis=analyse(_blob(row.blob_sha256), row.errors),
        responses=responses_to(db, row),
        orders=orders_from(db, row),
        side=Side.of(current_user),
    )


@bp.route("/interchanges/<int:interchange_id>/raw")
@requires()
def raw(interchange_id: int):
    row = get_interchange(db_session(), current_user, interchange_id)
    name = row.filename or f"{row.direction.value}-{row.control_number or row.id}.edi"
    return Response(
        _blob(row.blob_sha256),
        mimetype="application/edi-x12" if row.standard == "X12" else "application/edifact",
        headers={"Content-Disposition": content_disposition(name)},
    )


RUNS_PARTNERS = (OrgKind.vendor,)


@bp.route("/partners")
@requires(Role.admin, kinds=RUNS_PARTNERS)
def partners():
    db = db_session()
    existing = {p.organization_id: p for p in profiles_for(db, current_user)}
    partnerships = list(db.scalars(sharing.managed_partnerships(current_user)))
    return render_template("edi/partners.html", partnerships=partnerships, profiles=existing)


@bp.route("/partners/<int:partnership_id>", methods=["GET", "POST"])
@requires(Role.admin, kinds=RUNS_PARTNERS)
def profile(partnership_id: int):
    db = db_session()
    partnership = sharing.get_managed_partnership(db, current_user, partnership_id)
    existing = next(
        (p for p in profiles_for(db, current_user) if p.organization_id == partnership.child_id),
        None,
    )
    form = ProfileForm(obj=existing)
    if request.method == "GET" and existing is not None and existing.delimiters:
        d = existing.delimiters
        form.element_separator.data, form.segment_terminator.data = d["element"], d["segment"]
        form.component_separator.data = d.get("component") or ""
        form.repetition_separator.data = d.get("repetition") or ""
    if form.validate_on_submit():
        try:
            separators = profiles.delimiters_from(
                form.standard.data,
                form.element_separator.data or "",
                form.component_separator.data or "",
                form.segment_terminator.data or "",
                form.repetition_separator.data or "",
            )
        except ServiceError as error:
            form.element_separator.errors.append(str(error))
            return render_template("edi/profile.html", form=form, partnership=partnership), 422
        data = profiles.ProfileInput(
            standard=form.standard.data,
            version=form.version.data,
            their_id=form.their_id.data.strip(),
            their_qualifier=form.their_qualifier.data.strip(),
            our_id=form.our_id.data.strip(),
            our_qualifier=form.our_qualifier.data.strip(),
            acknowledgment=form.acknowledgment.data,
            always_ta1=form.always_ta1.data,
            test_indicator=form.test_indicator.data,
            strict=form.strict.data,
            transport=form.transport.data,
            delimiters=separators,
        )
        try:
            profiles.save_profile(service_context(), partnership, data)
        except ServiceError as error:
            form.version.errors.append(str(error))
        else:
            flash(f"EDI profile of {partnership.child.name} saved.", "success")
            return redirect(url_for("edi.partners"))
        return render_template("edi/profile.html", form=form, partnership=partnership), 422
    return render_template("edi/profile.html", form=form, partnership=partnership)
