"""Building the service context for the current request."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from partners.context import ServiceContext
from partners.mail import Mailer
from partners.models import User
from web.database import db_session


def mailer() -> Mailer:
    return current_app.extensions["concord.mailer"]


def context_for(actor: User | None) -> ServiceContext:
    return ServiceContext(
        db=db_session(),
        actor=actor,
        mailer=mailer(),
        base_url=current_app.config["CONCORD_BASE_URL"] or request.host_url,
        ip=request.remote_addr or "",
        clock=current_app.extensions["concord.clock"],
        storage=current_app.extensions["concord.storage"],
    )


def service_context() -> ServiceContext:
    """The context of the signed-in user (or of nobody, on public pages)."""
    return context_for(
        current_user._get_current_object() if current_user.is_authenticated else None
    )
