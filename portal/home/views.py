"""The home page: what to do next, for the user's role and organization."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from portal.home import activity
from portal.home.service import next_steps, waiting_invitations
from portal.home.waiting import waiting_for
from web.access import public, requires
from web.database import db_session
from web.services import service_context

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@public
def root():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))


@bp.route("/home")
@requires()
def index():
    db = db_session()
    return render_template(
        "home/index.html",
        steps=next_steps(db, current_user),
        invitations=waiting_invitations(db, current_user),
        activity=activity.home_page(db, current_user),
        waiting=waiting_for(db, current_user, service_context().now()),
    )
