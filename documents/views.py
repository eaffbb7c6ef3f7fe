"""Document library pages: the library, uploads, a document and its versions, downloads and
previews, locks, details, sharing and attachments. Every document is loaded through
partners.sharing (``service.get_document``), so one you may not see is a 404 on every route."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import ValidationError

from documents import links, queries, service, transfer
from documents.blobs import local_copy
from documents.content import KINDS, RejectedUpload
from documents.content.errors import TooLarge
from documents.content.preview import docx_to_html
from documents.content.sizes import format_size
from documents.forms import (
    DetailsForm,
    DocumentShareForm,
    LibraryFilterForm,
    LockForm,
    UploadForm,
    VersionForm,
    split_tags,
)
from documents.models import AccessAction, AttachedTo, Document, DocumentVersion
from documents.sharing import DOCUMENTS
from partners import sharing
from partners.context import NotFound, ServiceError
from partners.models import Organization, User
from partners.roles import Role, Tier
from partners.sharing import AccessLevel, organization_may_sign_in, shares
from partners.sharing.models import ExplicitShare, GrantSource
from portal.account.forms import ActionForm
from portal.campaigns.models import Campaign
from portal.campaigns.queries import own_campaigns
from web.access import public, requires
from web.database import db_session
from web.errors import render_error
from web.explainer import explainer_for
from web.extensions import csrf
from web.pagination import paginate
from web.services import context_for, service_context

bp = Blueprint("documents", __name__, url_prefix="/documents", template_folder="templates")
#: Where each kind of record a document is attached to has its page.
RECORD_PAGES = {
    AttachedTo.lead: ("leads.detail", "lead_id"),
    AttachedTo.deal: ("deals.detail", "deal_id"),
    AttachedTo.order: ("orders.detail", "order_id"),
    AttachedTo.campaign: ("campaigns.detail", "campaign_id"),
    AttachedTo.case: ("cases.detail", "case_id"),
    AttachedTo.fund_request: ("funds.request_page", "request_id"),
}


def _settings():
    return current_app.extensions["concord.settings"]


def _storage():
    return current_app.extensions["concord.storage"]


@bp.app_template_filter("filesize")
def _filesize(size: int) -> str:
    return format_size(size)


@bp.app_template_global("document_attachments")
def _attachments(record_type: str, record_id: int) -> list[Document]:
    """For the record pages' include: what is attached there, as far as they see."""
    query = queries.attachments(current_user, AttachedTo(record_type), record_id)
    return list(db_session().scalars(query))


@bp.app_template_global("attached_record_url")
def attached_record_url(document: Document) -> str | None:
    if document.attached_type is None:
        return None
    endpoint, parameter = RECORD_PAGES[document.attached_type]
    return url_for(endpoint, **{parameter: document.attached_id})


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    limit = format_size(_settings().max_upload_bytes)
    return render_error(413, f"The file is larger than {limit}, the most this portal accepts.")


# The library -----------------------------------------------------------------------------------


@bp.route("/")
@requires()
def index():
    form = LibraryFilterForm(request.args)
    db = db_session()
    query = queries.library(current_user, form.filters())
    return render_template(
        "documents/library.html",
        form=form,
        page=paginate(db, query),
        folders=queries.folders(db, current_user),
        tags=queries.tags(db, current_user),
    )


def _check_csrf(fields: MultiDict) -> None:
    """Before any byte of a posted file is written (``CSRFProtect`` is off for the upload
    routes, which read their body as it arrives; the form checks the token again)."""
    try:
        validate_csrf(fields.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(str(error)) from None


@contextmanager
def _submitted(form_class):
    """The form and its file. A multipart body is read as it arrives
    (``transfer.receive_form``): the file is spooled while hashed, so storage uploads it
    straight to its content key without reading it twice. Its temporary file is closed after
    the view, whatever happens."""
    if request.mimetype != "multipart/form-data":
        yield form_class(), None
        return
    boundary = request.mimetype_params.get("boundary", "").encode("latin-1")
    if not boundary:
        abort(400)
    try:
        received = transfer.receive_form(
            request.stream,
            boundary,
            file_field="file",
            max_bytes=_settings().max_upload_bytes,
            before_file=_check_csrf,
        )
    except TooLarge:
        raise RequestEntityTooLarge() from None
    upload = received.upload
    files = MultiDict()
    if upload is not None:
        files.add("file", FileStorage(io.BytesIO(), filename=upload.filename, name="file"))
    try:
        yield form_class(formdata=CombinedMultiDict([received.fields, files])), upload
    finally:
        if upload is not None:
            upload.stream.close()


def _attachment(value: str | None) -> service.Attachment | None:
    kind, _, record_id = (value or "").partition(":")
    if kind not in AttachedTo.__members__ or not record_id.isdigit():
        return None
    return service.Attachment(AttachedTo(kind), int(record_id))


@bp.route("/upload", methods=["GET", "POST"])
@csrf.exempt
@requires(Role.member)
def upload():
    with _submitted(UploadForm) as (form, file):
        if request.method == "GET":
            form.attach.data = request.args.get("attach", "")
        elif form.validate_on_submit():
            try:
                document = service.upload_document(
                    service_context(),
                    file,
                    service.Details(
                        form.title.data or "", form.folder.data or "", split_tags(form.tags.data)
                    ),
                    comment=form.comment.data or "",
                    attach=_attachment(form.attach.data),
                )
            except ServiceError as error:
                db_session().rollback()
                form.file.errors.append(str(error))
            else:
                flash(f"“{document.title}” is in the library.", "success")
                return redirect(url_for("documents.detail", document_id=document.id))
        elif "csrf_token" in form.errors:
            return render_error(400)
    attach = _attachment(form.attach.data)
    status = 422 if form.errors else 200
    return render_template("documents/upload.html", form=form, attach=attach), status


# One document ----------------------------------------------------------------------------------


def _share_targets() -> list[tuple[str, str]]:
    """Partners of the owner, its teams, its partners by tier, all of them, the participants of
    one of its campaigns (owners only)."""
    db = db_session()
    partners = db.scalars(sharing.managed_partnerships(current_user)).all()
    choices = [("partners", "All our partners")]
    if partners:
        choices += [(f"tier:{tier.value}", f"{tier.label} partners and above") for tier in Tier]
    choices += [
        (f"campaign:{c.id}", f"Participants of campaign {c.name}")
        for c in db.scalars(own_campaigns(current_user))
    ]
    choices += [(f"org:{p.child_id}", p.child.name) for p in partners]
    choices += [(f"team:{t.id}", f"Team {t.name}") for t in db.scalars(sharing.teams(current_user))]
    return choices


def _share_form(submitted: bool = False) -> DocumentShareForm:
    """The share form, its choices limited to the user's organization's partners and teams."""
    form = DocumentShareForm() if submitted else DocumentShareForm(formdata=None)
    form.target.choices = _share_targets()
    return form


def _share_label(share: ExplicitShare) -> str:
    if share.grantee_organization is not None:
        return share.grantee_organization.name
    if share.grantee_team is not None:
        return f"Team {share.grantee_team.name}"
    if share.grantee_tier is not None:
        return f"{share.grantee_tier.label} partners and above"
    if share.grantee_campaign is not None:
        return f"Participants of campaign {share.grantee_campaign.name}"
    return "All our partners"


def _why(document: Document):
    """The explainer, with attachments named after the record they come through."""
    why = explainer_for(db_session(), current_user, document)
    if why is not None and document.attached_type is not None:
        label = f"attached to {document.attached_type.value} #{document.attached_id}"
        why.names[(GrantSource.attachment, document.attached_id)] = label
    return why


def _detail_page(document_id: int, status: int = 200, **forms):
    db = db_session()
    document = service.get_document(db, current_user, document_id)
    level = sharing.access_level(db, current_user, document)
    is_owner = document.owner_org_id == current_user.organization_id
    may_edit = current_user.role >= Role.member and level is not None and level >= AccessLevel.edit
    manages = current_user.role >= Role.member and level == AccessLevel.manage
    owned = manages and is_owner
    shares_ = shares.record_shares(db, current_user, DOCUMENTS, document.id) if owned else []
    page = render_template(
        "documents/detail.html",
        document=document,
        level=level,
        is_owner=is_owner,
        may_edit=may_edit,
        manages=manages,
        owner=db.get(Organization, document.owner_org_id),
        locked_by=db.get(User, document.locked_by_id) if document.locked_by_id else None,
        versions=queries.versions(db, document),
        access_log=queries.access_entries(db, queries.access_log(document).limit(50))
        if manages
        else [],
        downloads=queries.downloads_by_organization(db, document) if manages else [],
        shares=shares_,
        share_labels={share.id: _share_label(share) for share in shares_},
        why=_why(document),
        link_minutes=max(1, _settings().download_link_seconds // 60),
        action_form=ActionForm(),
        version_form=forms.get("version_form") or VersionForm(formdata=None),
        details_form=forms.get("details_form")
        or DetailsForm(
            formdata=None,
            title=document.title,
            folder=document.folder,
            tags=", ".join(document.tags),
        ),
        lock_form=forms.get("lock_form") or LockForm(formdata=None),
        share_form=forms.get("share_form") or _share_form(),
    )
    return page, status


@bp.route("/<int:document_id>")
@requires()
def detail(document_id: int):
    return _detail_page(document_id)


def _change(document_id: int, form, name: str, act, done: str):
    """Validate a form, call the service, flash and go back to the document; or show the page
    again with the form's errors (422)."""
    if form.validate_on_submit():
        try:
            act(service_context())
        except ServiceError as error:
            db_session().rollback()
            form.form_errors.append(str(error))
        else:
            flash(done, "success")
            return redirect(url_for("documents.detail", document_id=document_id))
    elif not form.is_submitted() or "csrf_token" in form.errors:
        return render_error(400)
    return _detail_page(document_id, 422, **{name: form})


@bp.route("/<int:document_id>/versions", methods=["POST"])
@csrf.exempt
@requires(Role.member)
def add_version(document_id: int):
    with _submitted(VersionForm) as (form, file):
        return _change(
            document_id,
            form,
            "version_form",
            lambda ctx: service.add_version(
                ctx,
                document_id,
                file,
                comment=form.comment.data or "",
                keep_lock=form.keep_lock.data,
            ),
            "New version uploaded.",
        )


@bp.route("/<int:document_id>/details", methods=["POST"])
@requires(Role.member)
def edit(document_id: int):
    form = DetailsForm()
    details = service.Details(
        form.title.data or "", form.folder.data or "", split_tags(form.tags.data)
    )
    return _change(
        document_id,
        form,
        "details_form",
        lambda ctx: service.edit_document(ctx, document_id, details),
        "Details saved.",
    )


@bp.route("/<int:document_id>/lock", methods=["POST"])
@requires(Role.member)
def lock(document_id: int):
    form = LockForm()
    return _change(
        document_id,
        form,
        "lock_form",
        lambda ctx: service.lock_document(ctx, document_id, form.note.data or ""),
        "Locked: nobody else can upload a version until you unlock it.",
    )


def _action(document_id: int, act, done: str, then: str | None = None):
    """A bare button (ActionForm): a refusal is flashed on the document's page."""
    if not ActionForm().validate_on_submit():
        return render_error(400)
    try:
        act(service_context())
    except ServiceError as error:
        db_session().rollback()
        flash(str(error), "error")
    else:
        flash(done, "success")
        if then:
            return redirect(then)
    return redirect(url_for("documents.detail", document_id=document_id))


@bp.route("/<int:document_id>/unlock", methods=["POST"])
@requires(Role.member)
def unlock(document_id: int):
    return _action(document_id, lambda ctx: service.unlock_document(ctx, document_id), "Unlocked.")


@bp.route("/<int:document_id>/detach", methods=["POST"])
@requires(Role.member)
def detach(document_id: int):
    return _action(
        document_id,
        lambda ctx: service.attach_document(ctx, document_id, None),
        "Detached; it stays in the library.",
    )


@bp.route("/<int:document_id>/delete", methods=["POST"])
@requires(Role.manager)
def delete(document_id: int):
    return _action(
        document_id,
        lambda ctx: service.delete_document(ctx, document_id),
        "Deleted.",
        then=url_for("documents.index"),
    )


@bp.route("/<int:document_id>/share", methods=["POST"])
@requires(Role.member)
def share(document_id: int):
    service.get_document(db_session(), current_user, document_id, AccessLevel.manage)
    form = _share_form(submitted=True)
    target_kind, _, target_id = (form.target.data or "").partition(":")

    def act(ctx):
        expires = form.expires_on.data
        service.share_document(
            ctx,
            document_id,
            level=AccessLevel(int(form.level.data)),
            expires_at=datetime.combine(expires, time.max, UTC) if expires else None,
            reason=form.reason.data or "",
            **_audience(target_kind, target_id),
        )

    return _change(document_id, form, "share_form", act, "Shared.")


def _audience(kind: str, value: str) -> dict:
    """The share form's choice (validated against its choices) as ``share_document`` options."""
    db = db_session()
    if kind == "org":
        return {"organization": db.get_one(Organization, int(value))}
    if kind == "team":
        return {"team": sharing.get_team(db, current_user, int(value))}
    if kind == "tier":
        return {"tier": Tier(value)}
    if kind == "campaign":
        return {"campaign": db.get_one(Campaign, int(value))}
    return {"all_partners": True}


@bp.route("/<int:document_id>/shares/<int:share_id>/revoke", methods=["POST"])
@requires(Role.member)
def revoke(document_id: int, share_id: int):
    document = service.get_document(db_session(), current_user, document_id, AccessLevel.manage)
    share = db_session().get(ExplicitShare, share_id)
    if share is None or (share.record_type, share.record_id) != (
        DOCUMENTS.record_type,
        document.id,
    ):
        raise NotFound()
    return _action(document_id, lambda ctx: shares.unshare(ctx, share_id), "Share revoked.")


# Downloads and previews --------------------------------------------------------------------------


def _version(document_id: int, number: int) -> DocumentVersion:
    return service.get_version(db_session(), current_user, document_id, number)


def send(
    version: DocumentVersion, disposition: str = "attachment", *, as_user: User | None = None
) -> Response:
    return transfer.serve_version(
        context_for(as_user) if as_user is not None else service_context(),
        _storage(),
        version,
        disposition=disposition,
        presign_seconds=_settings().download_url_seconds,
    )


@bp.route("/<int:document_id>/versions/<int:number>/download")
@requires()
def download(document_id: int, number: int):
    return send(_version(document_id, number))


@bp.app_template_global("download_link")
def download_link(version: DocumentVersion) -> str:
    """A link to the version that works for the signed-in user only, for a short time, with or
    without their session (``documents.links``)."""
    now = service_context().now()
    token = links.issue_link(current_app.secret_key, version.id, current_user.id, now)
    return url_for("documents.link", token=token, _external=True)


@bp.route("/links/<token>")
@public
def link(token: str):
    """A download link: checked, then served as the user it was issued to. Public: the signed
    token is the credential, and it works only as its user (``documents.links``)."""
    db = db_session()
    valid_for = timedelta(seconds=_settings().download_link_seconds)
    try:
        found = links.read_link(current_app.secret_key, token, service_context().now(), valid_for)
    except links.LinkExpired:
        return render_error(
            410, "This download link has expired. Open the document in the portal for a new one."
        )
    if current_user.is_authenticated and current_user.id != found.user_id:
        raise NotFound()  # someone else's link
    user, version = db.get(User, found.user_id), db.get(DocumentVersion, found.version_id)
    if user is None or version is None or not user.is_active:
        raise NotFound()
    if not organization_may_sign_in(db, user.organization):
        raise NotFound()
    return send(service.get_version(db, user, version.document_id, version.number), as_user=user)


@bp.route("/<int:document_id>/versions/<int:number>/preview")
@requires()
def preview(document_id: int, number: int):
    """A .docx as sanitised HTML, an image inline (its page embeds ``inline``, which logs the
    preview); anything else downloads."""
    version = _version(document_id, number)
    html, problem = None, ""
    if version.file_kind == "docx":
        html, problem = _docx_html(version)
        service.record_access(service_context(), version, AccessAction.preview)
    elif not _is_image(version):
        return redirect(url_for("documents.download", document_id=document_id, number=number))
    return render_template(
        "documents/preview.html",
        document=version.document,
        version=version,
        html=html,
        problem=problem,
    )


def _docx_html(version: DocumentVersion) -> tuple[str, str]:
    """The preview HTML, or why there is none (a stored file that fails inspection now)."""
    with local_copy(_storage(), version.sha256) as copy:
        try:
            return docx_to_html(copy), ""
        except RejectedUpload as refused:
            return "", refused.message


def _is_image(version: DocumentVersion) -> bool:
    kind = KINDS.get(version.file_kind)
    return bool(kind and kind.inline_image)


@bp.route("/<int:document_id>/versions/<int:number>/inline")
@requires()
def inline(document_id: int, number: int):
    """An image's bytes, shown inline (raster formats only: never SVG or HTML)."""
    version = _version(document_id, number)
    if not _is_image(version):
        abort(404)
    return send(version, "inline")
