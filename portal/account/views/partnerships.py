"""A vendor's (or distributor's) partners: onboarding, tiers, terms, suspension."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from partners import onboarding, sharing
from partners.context import ServiceError
from partners.roles import OrgKind, OrgStatus, Role, Tier
from portal.account.forms import ActionForm, ChangeTierForm, OnboardPartnerForm, PartnerTermsForm
from web.access import requires
from web.database import db_session
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("partnerships", __name__, url_prefix="/partners", template_folder="../templates")
RUNS_PARTNERSHIPS = (OrgKind.vendor, OrgKind.distributor)


def _onboard_form() -> OnboardPartnerForm:
    form = OnboardPartnerForm()
    if current_user.organization.kind == OrgKind.distributor:
        form.kind.choices = [SelectChoice(OrgKind.partner.value, "Reseller")]
    return form


@bp.route("/")
@requires(Role.viewer, kinds=RUNS_PARTNERSHIPS)
def index():
    page = paginate(db_session(), sharing.managed_partnerships(current_user))
    return render_template("partners/partnerships.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.admin, kinds=RUNS_PARTNERSHIPS)
def onboard():
    form = _onboard_form()
    if not form.validate_on_submit():
        return render_template("partners/onboard.html", form=form), 422 if form.errors else 200
    try:
        partnership = onboarding.onboard_partner(
            service_context(),
            name=form.name.data,
            kind=OrgKind(form.kind.data),
            tier=Tier(form.tier.data),
            region=form.region.data,
            timezone=form.timezone.data,
            admin_email=form.admin_email.data,
            admin_name=form.admin_name.data or "",
        )
    except ServiceError as error:
        form.admin_email.errors.append(str(error))
        return render_template("partners/onboard.html", form=form), 422
    flash(
        f"{partnership.child.name} is onboarded; an invitation went to {form.admin_email.data}.",
        "success",
    )
    return redirect(url_for("partnerships.detail", partnership_id=partnership.id))


@bp.route("/<int:partnership_id>")
@requires(Role.viewer, kinds=RUNS_PARTNERSHIPS)
def detail(partnership_id: int):
    partnership = sharing.get_managed_partnership(db_session(), current_user, partnership_id)
    return render_template(
        "partners/partnership.html",
        partnership=partnership,
        tier_form=ChangeTierForm(tier=partnership.tier.value),
        terms_form=PartnerTermsForm(region=partnership.region, timezone=partnership.timezone),
        action_form=ActionForm(),
    )


def _apply(partnership_id: int, form, change, success: str):
    partnership = sharing.get_managed_partnership(db_session(), current_user, partnership_id)
    if form.validate_on_submit():
        try:
            change(partnership, form)
        except ServiceError as error:
            db_session().rollback()
            flash(str(error), "error")
        else:
            flash(success.format(name=partnership.child.name), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return redirect(url_for("partnerships.detail", partnership_id=partnership_id))


@bp.route("/<int:partnership_id>/tier", methods=["POST"])
@requires(Role.admin, kinds=RUNS_PARTNERSHIPS)
def change_tier(partnership_id: int):
    return _apply(
        partnership_id,
        ChangeTierForm(),
        lambda p, f: onboarding.change_tier(service_context(), p, Tier(f.tier.data)),
        "{name}'s tier is changed.",
    )


@bp.route("/<int:partnership_id>/terms", methods=["POST"])
@requires(Role.admin, kinds=RUNS_PARTNERSHIPS)
def update_terms(partnership_id: int):
    return _apply(
        partnership_id,
        PartnerTermsForm(),
        lambda p, f: onboarding.update_terms(
            service_context(), p, region=f.region.data, timezone=f.timezone.data
        ),
        "{name}'s terms are saved.",
    )


@bp.route("/<int:partnership_id>/suspend", methods=["POST"])
@requires(Role.admin, kinds=RUNS_PARTNERSHIPS)
def suspend(partnership_id: int):
    return _apply(
        partnership_id,
        ActionForm(),
        lambda p, f: onboarding.set_status(service_context(), p, OrgStatus.suspended),
        "{name} is suspended; its people are signed out.",
    )


@bp.route("/<int:partnership_id>/reactivate", methods=["POST"])
@requires(Role.admin, kinds=RUNS_PARTNERSHIPS)
def reactivate(partnership_id: int):
    return _apply(
        partnership_id,
        ActionForm(),
        lambda p, f: onboarding.set_status(service_context(), p, OrgStatus.active),
        "{name} is active again.",
    )
