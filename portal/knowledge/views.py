"""Knowledge-base pages: the list (with search), an article, writing, editing, publishing and
sharing one, its history, "was this helpful", and the suggestions the new-case form asks for;
announcements: the vendor's list and form, and marking one read."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.context import ServiceError
from partners.models import Organization
from partners.roles import OrgStatus, Role
from partners.sharing import AccessLevel
from partners.sharing.shares import record_shares
from portal.account.forms import ActionForm
from portal.knowledge import announcements, service
from portal.knowledge.forms import (
    AnnouncementForm,
    ArticleAudienceForm,
    ArticleFilterForm,
    ArticleForm,
    FeedbackForm,
)
from portal.knowledge.markdown import render_markdown
from portal.knowledge.models import Announcement
from portal.knowledge.service import OWNERS
from portal.knowledge.sharing import ARTICLES, get_article
from web.access import requires
from web.database import db_session
from web.forms import RecordPage, submit_form
from web.pagination import paginate
from web.services import service_context

bp = Blueprint(
    "knowledge",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/knowledge",
)


@bp.app_template_filter("markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@bp.route("/kb/")
@requires()
def index():
    db = db_session()
    form = ArticleFilterForm(request.args)
    lines = service.product_lines(db, current_user)
    form.product_line.choices = [SelectChoice("", "Any")] + [SelectChoice(p, p) for p in lines]
    valid = form.valid_data()
    query = service.article_list(db, current_user, valid["q"] or "", valid["product_line"] or "")
    page = paginate(db, query)
    is_owner = current_user.organization.kind in OWNERS
    return render_template(
        "knowledge/list.html",
        page=page,
        form=form,
        is_owner=is_owner,
        counts=service.feedback_counts(db, [a.id for a in page.items]) if is_owner else {},
    )


def _partners() -> dict[int, Organization]:
    """The owner's active partners: whom an article may be shared with one by one."""
    partnerships = db_session().scalars(sharing.managed_partnerships(current_user))
    return {p.child_id: p.child for p in partnerships if p.status == OrgStatus.active}


def _audience_form(submitted: bool = False) -> ArticleAudienceForm:
    form = ArticleAudienceForm() if submitted else ArticleAudienceForm(formdata=None)
    form.partner.choices = [SelectChoice(0, "—")] + [
        SelectChoice(org_id, org.name) for org_id, org in _partners().items()
    ]
    return form


def _detail_page(article_id: int, status: int = 200, **forms):
    db = db_session()
    article = get_article(db, current_user, article_id)
    is_owner = article.owner_org_id == current_user.organization_id
    may_manage = is_owner and current_user.role >= Role.member
    if status == 200 and request.method == "GET":
        service.count_view(db, current_user, article)
    page = render_template(
        "knowledge/detail.html",
        article=article,
        owner=db.get(Organization, article.owner_org_id),
        is_owner=is_owner,
        may_manage=may_manage,
        counts=service.feedback_counts(db, [article.id]).get(article.id, (0, 0)),
        mine=None if is_owner else service.own_feedback(db, current_user, article),
        feedback_form=FeedbackForm(formdata=None),
        audience_form=(forms.get("audience_form") or _audience_form()) if may_manage else None,
        shares=record_shares(db, current_user, ARTICLES, article.id) if may_manage else [],
        revoke_form=ActionForm(),
    )
    return page, status


PAGE = RecordPage("knowledge.detail", "article_id", _detail_page)


@bp.route("/kb/<int:article_id>")
@requires()
def detail(article_id: int):
    return _detail_page(article_id)


@bp.route("/kb/<int:article_id>/history")
@requires()
def history(article_id: int):
    db = db_session()
    article = get_article(db, current_user, article_id)
    return render_template(
        "knowledge/history.html", article=article, versions=service.history(db, article)
    )


def _form_page(form: ArticleForm, heading: str):
    return lambda status: (
        render_template("knowledge/edit.html", form=form, heading=heading),
        status,
    )


@bp.route("/kb/new", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def create():
    form = ArticleForm()
    return submit_form(
        form,
        lambda ctx: service.create_article(ctx, form.details()),
        _form_page(form, "Write an article"),
        PAGE.shown(
            lambda article: "Draft saved. Only your organization sees it until you publish it."
        ),
    )


@bp.route("/kb/<int:article_id>/edit", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def edit(article_id: int):
    article = get_article(db_session(), current_user, article_id, AccessLevel.manage)
    form = ArticleForm(obj=article)
    return submit_form(
        form,
        lambda ctx: service.edit_article(ctx, article_id, form.details()),
        _form_page(form, f"Edit: {article.title}"),
        PAGE.shown(lambda saved: f"Saved as version {saved.version}."),
    )


def _share(article_id: int, act, message):
    get_article(db_session(), current_user, article_id, AccessLevel.manage)
    form = _audience_form(submitted=True)

    def run(ctx):
        audience = form.audience_for(_partners())
        if audience is None:
            raise ServiceError("Choose one of your partners.")
        return act(ctx, audience)

    def done(_result):
        flash(message, "success")
        return redirect(url_for("knowledge.detail", article_id=article_id))

    return submit_form(
        form, run, lambda status: _detail_page(article_id, status, audience_form=form), done
    )


@bp.route("/kb/<int:article_id>/publish", methods=["POST"])
@requires(Role.member, kinds=OWNERS)
def publish(article_id: int):
    return _share(
        article_id,
        lambda ctx, audience: service.publish_article(ctx, article_id, audience),
        "Published: the partners it is shared with can read it now.",
    )


@bp.route("/kb/<int:article_id>/share", methods=["POST"])
@requires(Role.member, kinds=OWNERS)
def share(article_id: int):
    return _share(
        article_id,
        lambda ctx, audience: service.share_article(ctx, article_id, audience),
        "Shared.",
    )


@bp.route("/kb/<int:article_id>/feedback", methods=["POST"])
@requires()
def feedback(article_id: int):
    form = FeedbackForm()
    return PAGE.submit(
        article_id,
        form,
        "feedback_form",
        lambda ctx: service.rate_article(ctx, article_id, form.helpful.data == "yes"),
        lambda _feedback: "Thank you: your answer counts once, and you can change it.",
    )


@bp.route("/kb/suggestions")
@requires()
def suggestions():
    """Published articles for a case's subject (``?subject=``), for the new-case form's script:
    titles and links only, of articles the user sees."""
    subject = request.args.get("subject", "")[:200]
    found = service.suggested_articles(db_session(), current_user, subject)
    return jsonify(
        articles=[
            {"title": a.title, "url": url_for("knowledge.detail", article_id=a.id)} for a in found
        ]
    )


@bp.app_template_global()
def suggested_articles(subject: str | None) -> list:
    """The new-case form, shown again, lists these under the subject without script too."""
    if not subject:
        return []
    return service.suggested_articles(db_session(), current_user, subject)


# Announcements ------------------------------------------------------------------------------


@bp.app_template_global()
def pinned_announcements() -> list[Announcement]:
    """What the home page pins for the signed-in user."""
    now = service_context().now()
    return list(db_session().scalars(announcements.pinned_announcements(current_user, now)))


@bp.route("/announcements/")
@requires(Role.manager, kinds=OWNERS)
def announcement_list():
    page = paginate(db_session(), announcements.owner_announcements(current_user))
    return render_template("knowledge/announcements.html", page=page)


@bp.route("/announcements/new", methods=["GET", "POST"])
@requires(Role.manager, kinds=OWNERS)
def new_announcement():
    form = AnnouncementForm()

    def done(announcement):
        flash(f"Announced to {announcement.audience_label.lower()}.", "success")
        return redirect(url_for("knowledge.announcement_list"))

    return submit_form(
        form,
        lambda ctx: announcements.create_announcement(ctx, form.details()),
        lambda status: (render_template("knowledge/new_announcement.html", form=form), status),
        done,
    )


@bp.route("/announcements/<int:announcement_id>/read", methods=["POST"])
@requires()
def mark_read(announcement_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    announcements.mark_read(service_context(), announcement_id)
    flash("Marked read.", "success")
    return redirect(url_for("home.index"))
