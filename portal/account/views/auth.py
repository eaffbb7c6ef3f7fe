"""Signing in (with optional TOTP), out, password resets and invitation links."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from partners import auth
from partners.context import ServiceError
from partners.models import User
from partners.people import accept_invitation
from portal.account.forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    TwoFactorForm,
)
from web.access import public, requires
from web.database import db_session, read_session
from web.services import service_context

bp = Blueprint("auth", __name__, template_folder="../templates")

PENDING_TTL_SECONDS = 300
BAD_CREDENTIALS = "That email and password do not match an active account."


def _throttle():
    return current_app.extensions["concord.login_throttle"]


def _too_many(form, wait: int):
    minutes = max(1, round(wait / 60))
    message = (
        "Too many failed sign-in attempts for this account or network. "
        f"Wait about {minutes} minute{'s' if minutes != 1 else ''} and try again, "
        "or reset your password."
    )
    return render_template("partners/login.html", form=form, error=message), 429


def _safe_next(target: str | None) -> str:
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("home.index")


def _complete_login(user: User):
    ctx = service_context()
    next_url = session.get("next")
    session.clear()  # a fresh session on sign-in defeats fixation
    row = auth.start_session(ctx, user, request.user_agent.string)
    session["sid"] = row.id
    login_user(user)
    flash(f"Welcome, {user.display_name}.", "success")
    return redirect(_safe_next(next_url))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET" and request.args.get("next"):
        session["next"] = request.args["next"]
    if not form.validate_on_submit():
        return render_template("partners/login.html", form=form)
    email, address = form.email.data, request.remote_addr or ""
    wait = _throttle().retry_after(email, address)
    if wait:
        return _too_many(form, wait)
    with read_session() as reader:
        verified = auth.matching_hash(reader, email, form.password.data)
    user = (
        auth.check_credentials(service_context(), email, form.password.data, verified=verified)
        if verified
        else None
    )
    if user is None:
        _throttle().failed(email, address)
        return render_template("partners/login.html", form=form, error=BAD_CREDENTIALS)
    _throttle().succeeded(email, address)
    if user.two_factor_enabled:
        session["pending_2fa"] = {"user_id": user.id, "at": time.time()}
        return redirect(url_for("auth.two_factor"))
    return _complete_login(user)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def two_factor():
    pending = session.get("pending_2fa")
    if not pending or time.time() - pending["at"] > PENDING_TTL_SECONDS:
        session.pop("pending_2fa", None)
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    user = db_session().get(User, pending["user_id"])
    form = TwoFactorForm()
    if not form.validate_on_submit():
        return render_template("partners/two_factor_login.html", form=form)
    address = request.remote_addr or ""
    wait = _throttle().retry_after(user.email, address)
    if wait:
        return _too_many(LoginForm(formdata=None), wait)
    if not auth.verify_totp(service_context(), user, form.code.data):
        _throttle().failed(user.email, address)
        form.code.errors.append(
            "That code is not valid, or it was already used. Wait for the next one."
        )
        return render_template("partners/two_factor_login.html", form=form)
    return _complete_login(user)


@bp.route("/logout", methods=["POST"])
@requires()
def logout():
    auth.end_session(service_context(), g.session_id)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        settings = current_app.extensions["concord.settings"]
        auth.request_password_reset(service_context(), form.email.data, settings.password_reset_ttl)
        flash("If that address belongs to an account, we have emailed it a link.", "info")
        return redirect(url_for("auth.login"))
    return render_template("partners/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    ctx = service_context()
    form = ResetPasswordForm()
    if form.validate_on_submit():
        valid = auth.peek_token(ctx, token, auth.RESET) is not None
        try:
            auth.reset_password(ctx, token, form.password.data)
        except ServiceError as error:
            if not valid:
                return render_template("partners/link_problem.html", message=str(error)), 400
            form.password.errors.append(str(error))
            return render_template("partners/reset.html", form=form), 422
        flash("Your password is changed. Sign in with it now.", "success")
        return redirect(url_for("auth.login"))
    if request.method == "GET" and auth.peek_token(ctx, token, auth.RESET) is None:
        return render_template(
            "partners/link_problem.html", message="This link is not valid any more."
        ), 400
    return render_template("partners/reset.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    ctx = service_context()
    form = AcceptInvitationForm()
    invited = auth.peek_token(ctx, token, auth.INVITATION)
    if form.validate_on_submit():
        try:
            user = accept_invitation(ctx, token, name=form.name.data, password=form.password.data)
        except ServiceError as error:
            if invited is None:
                return render_template("partners/link_problem.html", message=str(error)), 400
            form.password.errors.append(str(error))
            return render_template("partners/accept.html", form=form, user=invited), 422
        flash(f"Welcome to {user.organization.name}. Sign in with your new password.", "success")
        return redirect(url_for("auth.login"))
    if invited is None:
        return render_template(
            "partners/link_problem.html",
            message="This invitation is not valid any more. Ask for a new one.",
        ), 400
    if request.method == "GET":
        form.name.data = invited.name
    return render_template("partners/accept.html", form=form, user=invited)
