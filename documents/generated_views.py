"""Generated documents: the buttons on partnership, deal and lead pages, and the admins' page of
replacement templates (upload, replace, reset, with each placeholder problem shown)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user

from documents import generation
from documents.content import KINDS, content_disposition
from documents.forms import TemplateForm
from documents.generate import DOCUMENT_KINDS
from partners.context import ServiceError
from partners.roles import OrgKind, Role
from portal.account.forms import ActionForm
from web.access import requires
from web.database import db_session
from web.errors import render_error
from web.services import service_context

bp = Blueprint("generated", __name__, url_prefix="/documents", template_folder="templates")
#: Organizations that run partnerships, deals and leads, and so generate documents for partners.
OWNERS = (OrgKind.vendor, OrgKind.distributor)
DOCX = KINDS["docx"].mime


def _generate(make, back: str):
    """Generate (the service checks access), then show the new document; a refusal goes back."""
    if not ActionForm().validate_on_submit():
        return render_error(400)
    try:
        document = make(service_context())
    except ServiceError as error:
        db_session().rollback()
        flash(str(error), "error")
        return redirect(back)
    flash(f"“{document.title}” is generated and shared with the partner.", "success")
    return redirect(url_for("documents.detail", document_id=document.id))


@bp.route("/generate/partnership/<int:partnership_id>", methods=["POST"])
@requires(Role.manager, kinds=OWNERS)
def partner_agreement(partnership_id: int):
    return _generate(
        lambda ctx: generation.generate_partner_agreement(ctx, partnership_id),
        url_for("partnerships.detail", partnership_id=partnership_id),
    )


@bp.route("/generate/deal/<int:deal_id>", methods=["POST"])
@requires(Role.manager, kinds=OWNERS)
def deal_confirmation(deal_id: int):
    return _generate(
        lambda ctx: generation.generate_deal_confirmation(ctx, deal_id),
        url_for("deals.detail", deal_id=deal_id),
    )


@bp.route("/generate/lead/<int:lead_id>", methods=["POST"])
@requires(Role.member, kinds=OWNERS)
def lead_handoff(lead_id: int):
    return _generate(
        lambda ctx: generation.generate_lead_handoff(ctx, lead_id),
        url_for("leads.detail", lead_id=lead_id),
    )


# Replacement templates -------------------------------------------------------------------------


def _templates_page(status: int = 200, failed: str = "", form: TemplateForm | None = None, **extra):
    db = db_session()
    saved = {
        kind: generation.template_for(db, current_user.organization_id, kind)
        for kind in DOCUMENT_KINDS
    }
    forms = {kind: TemplateForm(formdata=None, prefix=kind) for kind in DOCUMENT_KINDS}
    if form is not None:
        forms[failed] = form
    page = render_template(
        "documents/templates.html",
        kinds=DOCUMENT_KINDS,
        saved=saved,
        forms=forms,
        failed=failed,
        action_form=ActionForm(),
        **extra,
    )
    return page, status


@bp.route("/templates")
@requires(Role.admin, kinds=OWNERS)
def templates():
    return _templates_page()


@bp.route("/templates/<kind>", methods=["POST"])
@requires(Role.admin, kinds=OWNERS)
def upload_template(kind: str):
    generation.get_kind_or_404(kind)
    form = TemplateForm(prefix=kind)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return render_error(400)
        return _templates_page(422, kind, form)
    upload = form.file.data
    try:
        checked = generation.upload_template(
            service_context(), kind, upload.stream, upload.filename or ""
        )
    except generation.TemplateRefused as refused:
        db_session().rollback()
        form.file.errors.append(
            "This template cannot be used:" if refused.problems else str(refused)
        )
        return _templates_page(422, kind, form, problems=refused.problems)
    message = f"{DOCUMENT_KINDS[kind].title}: your template {checked.filename} is in use."
    if checked.unused:
        message += " It does not show: " + ", ".join(checked.unused) + "."
    flash(message, "success")
    return redirect(url_for("generated.templates"))


@bp.route("/templates/<kind>/reset", methods=["POST"])
@requires(Role.admin, kinds=OWNERS)
def reset_template(kind: str):
    generation.get_kind_or_404(kind)
    if not ActionForm().validate_on_submit():
        return render_error(400)
    generation.reset_template(service_context(), kind)
    flash(f"{DOCUMENT_KINDS[kind].title}: back to the default template.", "success")
    return redirect(url_for("generated.templates"))


@bp.route("/templates/<kind>/download")
@requires(Role.admin, kinds=OWNERS)
def download_template(kind: str):
    """The template in use (ours, or the default): a starting point for a replacement."""
    document_kind = generation.get_kind_or_404(kind)
    saved = generation.template_for(db_session(), current_user.organization_id, kind)
    if saved is None:
        return send_file(
            document_kind.default_template,
            mimetype=DOCX,
            as_attachment=True,
            download_name=f"{kind}.docx",
        )
    body = current_app.extensions["concord.storage"].open(saved.sha256)
    return Response(
        body,
        mimetype=DOCX,
        headers={"Content-Disposition": content_disposition(saved.filename)},
    )
