"""The application factory: wires settings, database, extensions, areas and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, g, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.areas import check_registered
from app.security import configure_cookies, install_security_headers
from app.throttle import LoginThrottle
from config.settings import Settings, load_settings
from documents.storage import open_storage
from integrations.api.auth import user_from_bearer
from partners import auth
from partners.db import utcnow
from partners.mail import Mailer
from web.access import enforce_declared_access
from web.database import init_database, write_aside
from web.errors import install_error_pages
from web.extensions import csrf, limiter, login_manager
from web.numbers import IdConverter
from web.problems import is_machine_path
from web.requests import install_request_checks
from web.services import context_for

#: Endpoints a signed-in user may reach while their organization requires 2FA they lack.
TWO_FACTOR_EXEMPT = {"static", "auth.logout", "account.two_factor", "account.two_factor_enable"}


def create_app(
    settings: Settings | None = None,
    *,
    testing: bool = False,
    clock: Callable[[], datetime] = utcnow,
) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    if settings.trusted_proxies:
        # Behind a load balancer: take the client address and scheme from its headers, so
        # throttling and the audit log see people, not the balancer.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=testing,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        WTF_CSRF_TIME_LIMIT=None,  # tokens die with the session, not after an hour of typing
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage,
        RATELIMIT_STORAGE_OPTIONS=_rate_limit_options(settings.rate_limit_storage),
        RATELIMIT_HEADERS_ENABLED=True,
        CONCORD_BASE_URL=settings.base_url if settings.is_production else "",
    )
    app.url_map.converters["int"] = IdConverter  # before any route: ids SQL can bind, or 404
    app.extensions["concord.settings"] = settings
    app.extensions["concord.clock"] = clock
    app.extensions["concord.mailer"] = Mailer(settings.smtp_url, settings.mail_sender)
    app.extensions["concord.storage"] = open_storage(settings.storage_url)

    configure_cookies(app, settings)
    install_request_checks(app)
    init_database(app, settings.database_url)
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions["concord.login_throttle"] = LoginThrottle(limiter.limiter)
    _init_login(app, settings)
    install_security_headers(app, settings)
    install_error_pages(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    enforce_declared_access(app)
    check_registered()
    return app


def _rate_limit_options(uri: str) -> dict[str, float]:
    """A Redis that stops answering fails a sign-in (and ``/readyz``) in seconds, not never."""
    if uri.startswith(("redis", "rediss")):
        return {"socket_connect_timeout": 2, "socket_timeout": 2}
    return {}


def _init_login(app: Flask, settings: Settings) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row is the protection
    policy = auth.SessionPolicy(idle=settings.idle_timeout, absolute=settings.absolute_timeout)

    login_manager.request_loader(user_from_bearer)

    @login_manager.user_loader
    def _load(user_id: str):
        if is_machine_path(request.path):
            return None  # the API's only credential is the bearer token, a hook's its signature
        session_id = session.get("sid")
        if not session_id:
            return None
        row = auth.resume_session(context_for(None), session_id, policy, record=write_aside)
        if row is None or str(row.user_id) != user_id:
            session.clear()
            return None
        g.session_id = session_id
        return row.user

    @app.before_request
    def _require_two_factor():
        if (
            current_user.is_authenticated
            and current_user.organization.require_two_factor
            and not current_user.two_factor_enabled
            and request.endpoint not in TWO_FACTOR_EXEMPT
        ):
            return redirect(url_for("account.two_factor"))
        return None


def _register_blueprints(app: Flask) -> None:
    # Route modules on a blueprint declared in its own module, imported for their routes.
    import integrations.api.deals
    import integrations.api.documents
    import integrations.api.v1
    import integrations.edi_exchange.outbound  # noqa: F401 - outbound EDI follows order events
    import portal.leads.import_views
    import portal.leads.views  # noqa: F401
    from app import health
    from documents import generated_views
    from documents import views as documents
    from integrations.api import blueprint as api
    from integrations.edi_exchange import views as edi
    from integrations.inbound import pages as inbound_admin
    from integrations.inbound import views as inbound
    from portal.account.views import account, admin, partnerships, sharing
    from portal.account.views import auth as auth_views
    from portal.analytics import views as analytics
    from portal.campaigns import views as campaigns
    from portal.cases import views as cases
    from portal.deals import views as deals
    from portal.funds import views as funds
    from portal.home import views as home
    from portal.leads import blueprint as leads
    from portal.notifications import views as notifications
    from portal.orders import views as orders
    from portal.saved import views as saved
    from portal.search import views as search

    csrf.exempt(api.bp)  # bearer tokens only; see integrations/api/auth.py
    csrf.exempt(inbound.bp)  # each message is signed; see integrations/inbound/service.py
    for blueprint in (
        health.bp,
        auth_views.bp,
        account.bp,
        admin.bp,
        partnerships.bp,
        sharing.bp,
        home.bp,
        notifications.bp,
        orders.bp,
        edi.bp,
        leads.bp,
        documents.bp,
        generated_views.bp,
        deals.bp,
        campaigns.bp,
        funds.bp,
        cases.bp,
        search.bp,
        saved.bp,
        analytics.bp,
        api.bp,
        inbound.bp,
        inbound_admin.bp,
    ):
        app.register_blueprint(blueprint)


def _register_template_helpers(app: Flask) -> None:
    from portal.home.activity import record_activity
    from web import navigation

    app.context_processor(navigation.template_context)
    # A global too: the pager macro is imported without the page's context.
    app.add_template_global(navigation.page_url, "page_url")
    app.add_template_filter(navigation.format_datetime, "datetime")
    # A record page's Activity card loads its own page of events (``home/_activity.html``).
    app.add_template_global(record_activity, "record_activity")
