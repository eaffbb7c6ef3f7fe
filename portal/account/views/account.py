"""A user's own account: password, email, two-factor authentication and signed-in sessions."""

from __future__ import annotations

import segno
from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask_login import current_user

from partners import auth
from partners.context import ServiceError
from portal.account.forms import (
    ActionForm,
    ChangeEmailForm,
    ChangePasswordForm,
    EnableTwoFactorForm,
    PasswordConfirmForm,
)
from web.access import requires
from web.database import db_session
from web.services import service_context

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="../templates")


def _page(status: int = 200, **forms):
    forms.setdefault("password_form", ChangePasswordForm(prefix="pw"))
    forms.setdefault("email_form", ChangeEmailForm(prefix="em"))
    return render_template(
        "partners/account.html",
        sessions=auth.active_sessions(db_session(), current_user),
        current_session=g.session_id,
        revoke_form=ActionForm(),
        **forms,
    ), status


@bp.route("/")
@requires()
def index():
    return _page()


def _submit(form, slot: str, change, success: str):
    """Apply a password-confirmed account change, or show the page again with the error."""
    if form.validate_on_submit():
        try:
            change(form)
        except ServiceError as error:
            form.current.errors.append(str(error))
            return _page(422, **{slot: form})
        flash(success, "success")
        return redirect(url_for("account.index"))
    return _page(422, **{slot: form})


@bp.route("/password", methods=["POST"])
@requires()
def change_password():
    return _submit(
        ChangePasswordForm(prefix="pw"),
        "password_form",
        lambda f: auth.change_password(
            service_context(),
            current_user,
            f.current.data,
            f.password.data,
            keep_session=g.session_id,
        ),
        "Password changed. Your other sessions were signed out.",
    )


@bp.route("/email", methods=["POST"])
@requires()
def change_email():
    return _submit(
        ChangeEmailForm(prefix="em"),
        "email_form",
        lambda f: auth.change_email(service_context(), current_user, f.current.data, f.email.data),
        "Email changed.",
    )


@bp.route("/sessions/<session_id>/revoke", methods=["POST"])
@requires()
def revoke_session(session_id: str):
    if ActionForm().validate_on_submit():
        mine = {row.id for row in auth.active_sessions(db_session(), current_user)}
        if session_id in mine:
            auth.end_session(service_context(), session_id)
            flash("That session is signed out.", "success")
    return redirect(url_for("account.index"))


def _enrolment_page(form: EnableTwoFactorForm, status: int = 200):
    """The setup page: a secret kept in the session until a code proves the app has it."""
    secret = session.get("totp_enrol") or auth.new_totp_secret()
    session["totp_enrol"] = secret
    uri = auth.provisioning_uri(current_user, secret)
    # The QR code is a data: URI shown as an image, which the CSP allows.
    qr = segno.make(uri, error="m").svg_data_uri(scale=4, border=2)
    return render_template(
        "partners/two_factor.html", secret=secret, uri=uri, qr=qr, form=form
    ), status


@bp.route("/two-factor")
@requires()
def two_factor():
    if current_user.two_factor_enabled:
        return render_template("partners/two_factor.html", disable_form=PasswordConfirmForm())
    return _enrolment_page(EnableTwoFactorForm())


@bp.route("/two-factor/enable", methods=["POST"])
@requires()
def two_factor_enable():
    form = EnableTwoFactorForm()
    secret = session.get("totp_enrol")
    if secret and form.validate_on_submit():
        try:
            auth.enable_totp(
                service_context(), current_user, form.current.data, secret, form.code.data
            )
        except ServiceError as error:
            form.code.errors.append(str(error))
        else:
            session.pop("totp_enrol", None)
            flash(
                "Two-factor authentication is on. You will be asked for a code when you sign in.",
                "success",
            )
            return redirect(url_for("account.index"))
    return _enrolment_page(form, 422)


@bp.route("/two-factor/disable", methods=["POST"])
@requires()
def two_factor_disable():
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        try:
            auth.disable_totp(service_context(), current_user, form.current.data)
        except ServiceError as error:
            flash(str(error), "error")
            return redirect(url_for("account.two_factor"))
        flash("Two-factor authentication is off.", "info")
    return redirect(url_for("account.index"))
