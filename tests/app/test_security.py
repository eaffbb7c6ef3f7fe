"""Security properties every page shares: CSRF, cookies, headers, refuse-by-default, 404s."""

import re

import pytest

from app import create_app
from config.settings import ConfigurationError, load_settings
from partners.models import AuditEntry, Team
from partners.roles import OrgKind, Role
from web.access import PUBLIC, undeclared_endpoints

from conftest import make_settings
from factories import create_org, create_partnership, create_user, vendor_with_partner

#: The routes anyone may open, reviewed: adding one here is a security decision.
EXPECTED_PUBLIC = {
    "home.root",
    "auth.login",
    "auth.two_factor",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.accept",
    "api.openapi",
    # Signed by the sender (Standard Webhooks), verified before anything happens.
    "inbound.receive_message",
    # A signed download link works as the one user it was issued to, checked on every use
    # (documents.links): like a presigned URL, but revocable and logged.
    "documents.link",
    # Load balancers' probes: they name which check fails, never why (app/health.py).
    "health.healthz",
    "health.readyz",
    # RFC 8058 one-click unsubscribe: a signed per-user, per-kind token, which only sets that
    # kind's emails to never (portal/notifications/service.py).
    "notifications.unsubscribe",
}
#: A user's own account and session, which every role may manage for themselves.
SELF_SERVICE = {
    "auth.logout",
    "account.change_password",
    "account.change_email",
    "account.revoke_session",
    "account.two_factor_enable",
    "account.two_factor_disable",
    "notifications.mark_read",
    "notifications.mark_all_read",
    "notifications.preferences",
}


def test_every_route_declares_its_access(app):
    assert undeclared_endpoints(app) == []
    public = {
        e
        for e, view in app.view_functions.items()
        if getattr(view, "concord_access", None) == PUBLIC
    }
    assert public == EXPECTED_PUBLIC


def test_an_undeclared_route_stops_the_app_from_starting(app):
    from flask import Blueprint

    from web.access import enforce_declared_access

    rogue = Blueprint("rogue", __name__)
    rogue.add_url_rule("/rogue", "open", lambda: "secret")
    app.register_blueprint(rogue)
    with pytest.raises(RuntimeError, match=r"rogue\.open"):
        enforce_declared_access(app)


def test_post_without_csrf_token_is_refused(client, db):
    vendor, _partner, _p = vendor_with_partner(db)
    admin = create_user(db, vendor, Role.admin)
    assert (
        client.post("/login", {"email": admin.email, "password": "x"}, csrf=False).status_code
        == 400
    )
    client.login(admin.email)
    response = client.post("/admin/teams", {"name": "Support EMEA"}, csrf=False)
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert db.query(Team).count() == 0


def test_security_headers_on_every_response(client):
    for url in ("/login", "/does-not-exist", "/static/concord.css"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_in_pages(client, db):
    vendor, _partner, _p = vendor_with_partner(db)
    client.login(create_user(db, vendor, Role.admin).email)
    for url in ("/home", "/partners/", "/admin/users", "/admin/audit", "/account/"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " on" + "click=" not in html


def test_development_cookie_flags(client, db):
    vendor, _partner, _p = vendor_with_partner(db)
    response = client.login(create_user(db, vendor, Role.admin).email)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("concord_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookie_flags_and_hsts(tmp_path, smtp, engine, session_factory):
    settings = make_settings(
        tmp_path,
        smtp[0].port,
        engine.url.render_as_string(hide_password=False),
        CONCORD_ENV="production",
        CONCORD_RATE_LIMIT_STORAGE="memory://",
    )
    prod = create_app(settings)
    prod.extensions["concord.db"].factory = session_factory
    with prod.test_client() as http:
        response = http.get("/login", base_url="https://portal.example")
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-concord=")
        assert (
            "Secure" in cookie
            and "HttpOnly" in cookie
            and "SameSite=Lax" in cookie
            and "Path=/" in cookie
        )
        assert "Domain" not in cookie
        assert "max-age" in response.headers["Strict-Transport-Security"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="CONCORD_SECRET_KEY"):
        load_settings({"CONCORD_ENV": "production", "CONCORD_INSTANCE_PATH": str(tmp_path)})


def test_production_refuses_per_process_rate_limits_unless_asked_for(tmp_path):
    env = {
        "CONCORD_ENV": "production",
        "CONCORD_INSTANCE_PATH": str(tmp_path),
        "CONCORD_SECRET_KEY": "k" * 48,
    }
    with pytest.raises(ConfigurationError, match="CONCORD_REDIS_URL must be set") as refused:
        load_settings(env)
    assert "CONCORD_RATE_LIMIT_STORAGE=memory://" in str(refused.value)
    redis = load_settings({**env, "CONCORD_REDIS_URL": "redis://cache:6379/0"})
    assert redis.rate_limit_storage == "redis://cache:6379/0"
    opted_in = load_settings({**env, "CONCORD_RATE_LIMIT_STORAGE": "memory://"})
    assert opted_in.rate_limit_storage == "memory://"
    assert load_settings({"CONCORD_INSTANCE_PATH": str(tmp_path)}).rate_limit_storage == (
        "memory://"
    )


def test_development_generates_a_secret_key_once(tmp_path):
    env = {"CONCORD_INSTANCE_PATH": str(tmp_path)}
    first = load_settings(env).secret_key
    assert len(first) > 40 and load_settings(env).secret_key == first


def _url_values(rule, ids: dict[str, object]) -> dict:
    return {arg: ids[arg] for arg in rule.arguments}


@pytest.fixture
def world(db):
    vendor, partner, partnership = vendor_with_partner(db)
    viewer = create_user(db, vendor, Role.viewer)
    partner_viewer = create_user(db, partner, Role.viewer)
    colleague = create_user(db, vendor, Role.member)
    team = Team(organization_id=vendor.id, name="Support EMEA")
    db.add(team)
    db.flush()
    return {
        "viewer": viewer,
        "partner_viewer": partner_viewer,
        "user_id": colleague.id,
        "team_id": team.id,
        "partnership_id": partnership.id,
        "session_id": "not-a-session",
        "order_id": 999999,
        "interchange_id": 999999,
        "lead_id": 999999,
        "deal_id": 999999,
        "case_id": 999999,
        "campaign_id": 999999,
        "record_type": "lead",
        "share_id": 999999,
        "record_id": 999999,
        "organization_id": 999999,
        "import_id": 999999,
        "request_id": 999999,
        "rule_id": 999999,
        "scoring_rule_id": 999999,
        "token": "not-a-token",
        "document_id": 999999,
        "view_id": 999999,
        "endpoint_id": 999999,
        "number": 1,
        "kind": "partner_agreement",
    }


@pytest.mark.parametrize("who", ["viewer", "partner_viewer"])
def test_a_viewer_cannot_change_anything(app, client, db, world, who):
    viewer = world[who]
    client.login(viewer.email)
    before = db.query(AuditEntry).count()
    tried = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in SELF_SERVICE | EXPECTED_PUBLIC:
            continue
        if rule.endpoint.startswith("api."):  # bearer tokens only: tests/integrations/api
            continue
        url = app.url_map.bind("localhost").build(rule.endpoint, _url_values(rule, world))
        response = client.post(
            url,
            {
                "name": "x",
                "role": "admin",
                "tier": "platinum",
                "region": "NA",
                "timezone": "UTC",
                "require_two_factor": "y",
            },
        )
        _role, kinds = app.view_functions[rule.endpoint].concord_access
        # A route for other kinds of organization does not exist for this one: 404.
        expected = 404 if kinds and viewer.organization.kind not in kinds else 403
        assert response.status_code == expected, (rule.endpoint, response.status_code)
        tried += 1
    assert tried >= 10
    assert db.query(AuditEntry).count() == before


def test_another_organizations_admin_pages_answer_404(client, db):
    vendor, _partner, partnership = vendor_with_partner(db)
    other_vendor = create_org(db, OrgKind.vendor)
    create_partnership(db, other_vendor, create_org(db, OrgKind.partner))
    their_user = create_user(db, vendor, Role.member)
    their_team = Team(organization_id=vendor.id, name="Sales")
    db.add(their_team)
    db.flush()
    intruder = create_user(db, other_vendor, Role.admin)
    client.login(intruder.email)
    for url in (
        f"/admin/users/{their_user.id}",
        f"/admin/teams/{their_team.id}",
        f"/partners/{partnership.id}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/admin/users/{their_user.id}/deactivate",
        f"/admin/users/{their_user.id}/role",
        f"/admin/teams/{their_team.id}/delete",
        f"/partners/{partnership.id}/suspend",
        f"/partners/{partnership.id}/tier",
    ):
        assert client.post(url, {"role": "viewer", "tier": "platinum"}).status_code == 404, url
    db.expire_all()
    assert their_user.is_active and partnership.status.value == "active"


def test_partner_users_do_not_see_vendor_only_pages(client, db):
    _vendor, partner, _p = vendor_with_partner(db)
    client.login(create_user(db, partner, Role.admin).email)
    assert client.get("/partners/").status_code == 404
    assert "Partners</a>" not in client.get("/home").get_data(as_text=True)


def test_html_is_escaped(client, db):
    vendor = create_org(db, OrgKind.vendor, "<script>alert(1)</script> Corp")
    client.login(create_user(db, vendor, Role.admin).email)
    html = client.get("/home").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Corp" in html


def _host(tmp_path, smtp, engine, session_factory, **env: str):
    """A portal host of its own settings (another app process) on the test's database."""
    from support.browser_client import PortalClient

    settings = make_settings(
        tmp_path, smtp[0].port, engine.url.render_as_string(hide_password=False), **env
    )
    host = create_app(settings, testing=True)
    host.extensions["concord.db"].factory = session_factory
    return PortalClient(host)


def test_throttle_is_shared_by_app_hosts_through_redis(tmp_path, smtp, engine, session_factory):
    from support.redis_server import redis_url

    with redis_url() as url:
        hosts = [
            _host(tmp_path / str(n), smtp, engine, session_factory, CONCORD_REDIS_URL=url)
            for n in range(2)
        ]
        hosts[0].app.extensions["concord.login_throttle"].strategy.storage.reset()
        email = f"shared-{tmp_path.name}@nowhere.example"
        for attempt in range(9):
            assert hosts[attempt % 2].login(email, "wrong password!").status_code == 200
        assert hosts[1].login(email, "wrong password!").status_code == 429
        assert hosts[0].login(email, "wrong password!").status_code == 429
        hosts[0].app.extensions["concord.login_throttle"].strategy.storage.reset()


def test_client_address_comes_from_the_load_balancer_when_trusted(
    tmp_path, smtp, engine, session_factory, db
):
    vendor, _partner, _p = vendor_with_partner(db)
    admin = create_user(db, vendor, Role.admin)
    client = _host(tmp_path, smtp, engine, session_factory, CONCORD_TRUSTED_PROXIES="1")
    token = client.csrf_token()
    client.http.post(
        "/login",
        data={
            "email": admin.email,
            "password": "correct horse battery staple",
            "csrf_token": token,
        },
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    entry = db.query(AuditEntry).filter_by(action="auth.login", actor_user_id=admin.id).one()
    assert entry.ip == "203.0.113.9"


def test_unexpected_errors_show_a_friendly_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    boom.concord_access = "public"
    response = client.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Something went wrong" in text and "kaboom" not in text


def test_sign_in_goes_on_when_the_shared_throttle_store_is_down(
    tmp_path, smtp, engine, session_factory, db
):
    """Redis unreachable: a right password still signs in (no 500), and wrong ones are still
    throttled, counted in the host's memory until the store answers again."""
    vendor, _partner, _p = vendor_with_partner(db)
    admin = create_user(db, vendor, Role.admin)
    client = _host(
        tmp_path, smtp, engine, session_factory, CONCORD_REDIS_URL="redis://127.0.0.1:9/0"
    )
    assert client.login(admin.email).status_code == 302
    client.logout()
    stranger = f"down-{tmp_path.name}@nowhere.example"
    for _attempt in range(9):
        assert client.login(stranger, "wrong password!").status_code == 200
    assert client.login(stranger, "wrong password!").status_code == 429
