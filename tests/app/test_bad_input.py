"""Bad input over every route: ids, page numbers and cursors past 64 bits, control characters
in text, JSON nested too deep or too large. Each answers a clear 4xx and stores nothing; none
is a server error (issues 19 and 21)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from werkzeug.routing import Rule

from partners.api_tokens import create_token
from partners.roles import Role
from portal.campaigns.models import Campaign
from portal.cases.models import Case
from portal.deals.models import Deal
from portal.leads.models import Lead
from web.input import Form
from web.numbers import IdConverter
from web.requests import MAX_JSON_BYTES, MAX_JSON_DEPTH

from factories import context, create_user, deal_partners

HUGE_IDS = (str(2**63), str(10**21))
BAD_TEXT = ("Acme\x00Corp", "Acme\x1bCorp", "\x07")
STORED = (Lead, Deal, Campaign, Case)


@pytest.fixture
def world(db):
    cast = deal_partners(db)
    cast["admin"] = create_user(db, cast["vendor"], Role.admin, "admin@vendor.example")
    return cast


def counts(db) -> dict[str, int]:
    return {model.__name__: db.scalar(select(func.count()).select_from(model)) for model in STORED}


def id_rules(app) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IdConverter) for c in rule._converters.values())
    ]


def with_ids(rule: Rule, value: str) -> str:
    """The rule's address with every id set to ``value`` (other arguments: a plain word)."""
    url = rule.rule
    for name, converter in rule._converters.items():
        placeholder = next(part for part in url.split("<")[1:] if part.split(">")[0].endswith(name))
        url = url.replace(
            "<" + placeholder.split(">")[0] + ">",
            value if isinstance(converter, IdConverter) else "x",
        )
    return url


def bearer(db, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(context(db), user)}"}


def test_every_id_route_answers_404_for_ids_sql_cannot_hold(app, client, db, world):
    rules = id_rules(app)
    assert len(rules) > 60  # the sweep really walks the URL map
    client.login(world["admin"].email)
    headers = bearer(db, world["admin"])
    before = counts(db)
    for rule in rules:
        for value in (*HUGE_IDS, "0"):
            url = with_ids(rule, value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if url.startswith("/api/"):
                    response = client.http.open(url, method=method, headers=headers)
                    assert response.content_type == "application/problem+json", url
                elif method == "POST":
                    response = client.post(url, {})
                else:
                    response = client.http.open(url, method=method)
                assert response.status_code == 404, (method, url, response.status_code)
    assert counts(db) == before


def list_urls(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if not rule.arguments and "GET" in rule.methods and rule.endpoint != "static"
    )


@pytest.mark.parametrize(
    "query",
    [
        "page=999999999999999999999",
        "page=-999999999999999999999",
        f"before={10**23}",
        f"before=-{10**23}",
        f"after={10**23}",
        "profile=99999999999999999999999",
        "q=%00",
        "status=%01&stage=%1f",
    ],
)
def test_no_page_or_list_answers_5xx_to_numbers_or_control_characters(
    app, client, db, world, query
):
    client.login(world["admin"].email)
    headers = bearer(db, world["admin"])
    for url in list_urls(app):
        if url.startswith("/api/"):
            response = client.http.get(f"{url}?{query}", headers=headers)
        else:
            response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (url, query, response.status_code)


def test_oversized_page_numbers_and_cursors_are_a_clear_400(client, db, world):
    client.login(world["manager"].email)
    for url in ("/leads/manage", "/deals/", "/cases/", "/campaigns/"):
        response = client.get(f"{url}?page=999999999999999999999")
        assert response.status_code == 400, url
        assert "pages go up to" in response.get_data(as_text=True)
    headers = bearer(db, world["manager"])
    for cursor in (f"{10**23}", f"-{10**23}", "0", "abc"):
        response = client.http.get(f"/api/v1/deals?before={cursor}", headers=headers)
        assert response.status_code == 400, cursor
        assert response.content_type == "application/problem+json"
        assert "`before` must be a record id" in response.get_json()["detail"]
    assert client.http.get("/api/v1/deals?before=5", headers=headers).status_code == 200


def test_control_characters_are_refused_in_the_main_forms_and_nothing_is_stored(client, db, world):
    creates = [
        (world["manager"], "/leads/new", {"company": "Acme"}, "company"),
        (world["manager"], "/leads/new", {"company": "Acme"}, "industry"),
        (world["manager"], "/campaigns/new", {"name": "Launch"}, "name"),
        (world["manager"], "/campaigns/new", {"name": "Launch"}, "description"),
        (
            world["alice"],
            "/deals/register",
            {"vendor_id": str(world["vendor"].id), "customer": "Acme"},
            "customer",
        ),
        (
            world["alice"],
            "/deals/register",
            {"vendor_id": str(world["vendor"].id), "customer": "Acme"},
            "products-0-product",
        ),
        (
            world["manager"],
            "/cases/new",
            {"counterpart": str(world["first"].id), "subject": "Broken"},
            "subject",
        ),
    ]
    before = counts(db)
    for user, url, form, field in creates:
        client.logout()
        client.login(user.email)
        for text in BAD_TEXT:
            response = client.post(url, {**form, field: text})
            assert response.status_code == 422, (url, field, response.status_code)
            assert "invisible control character" in response.get_data(as_text=True), (url, field)
    assert counts(db) == before
    # Tabs and line breaks are text, not control noise.
    client.logout()
    client.login(world["manager"].email)
    ok = client.post("/campaigns/new", {"name": "Launch", "description": "one\r\n\ttwo"})
    assert ok.status_code == 302


def test_control_characters_are_refused_in_api_bodies(client, db, world):
    headers = bearer(db, world["alice"])
    before = counts(db)
    body = {"vendor_id": world["vendor"].id, "customer": "Acme\x00", "products": []}
    response = client.http.post("/api/v1/deals/registrations", json=body, headers=headers)
    assert response.status_code == 422
    assert "invisible control character (U+0000)" in response.get_json()["errors"]["customer"][0]
    body = {
        "vendor_id": world["vendor"].id,
        "customer": "Acme",
        "products": [{"product": "Wid\x1fget", "quantity": 1}],
    }
    response = client.http.post("/api/v1/deals/registrations", json=body, headers=headers)
    assert response.status_code == 422
    assert "U+001F" in response.get_json()["errors"]["products[0].product"][0]
    huge = {"vendor_id": world["vendor"].id, "customer": "Acme", "amount": "1e30"}
    response = client.http.post("/api/v1/deals/registrations", json=huge, headers=headers)
    assert response.status_code == 422
    assert counts(db) == before


def test_json_too_deep_or_too_large_is_refused_before_parsing(client, db, world):
    headers = {**bearer(db, world["alice"]), "Content-Type": "application/json"}
    before = counts(db)
    deep = "[" * 10_000 + "]" * 10_000
    for url in ("/api/v1/deals/registrations", "/api/v1/deals/1/stage"):
        response = client.http.post(url, data=deep, headers=headers)
        assert response.status_code == 400, url
        assert response.content_type == "application/problem+json"
        assert f"deeper than {MAX_JSON_DEPTH} levels" in response.get_json()["detail"]
    # Brackets inside strings are text, not nesting.
    text = json.dumps({"vendor_id": world["vendor"].id, "customer": "[" * 5000, "notes": "{"})
    response = client.http.post("/api/v1/deals/registrations", data=text, headers=headers)
    assert response.status_code == 422  # the customer is too long: judged by the form
    large = json.dumps({"notes": "x" * MAX_JSON_BYTES})
    response = client.http.post("/api/v1/deals/registrations", data=large, headers=headers)
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert counts(db) == before


def test_every_form_checks_that_its_values_can_be_stored():
    """A form built on FlaskForm directly would skip the control-character check."""
    from flask_wtf import FlaskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    strays = [
        f"{c.__module__}.{c.__name__}" for c in subclasses(FlaskForm) if not issubclass(c, Form)
    ]
    assert strays == []


def test_the_token_wins_over_the_session_cookie_on_api_paths(client, db, world):
    client.login(world["manager"].email)  # the browser's cookie: the vendor's manager
    alice = bearer(db, world["alice"])
    response = client.http.get("/api/v1/deals", headers=alice)
    assert response.status_code == 200
    me = client.http.get("/api/v1/edi/interchanges", headers=alice)
    assert me.status_code == 200
    # The cookie alone is no API credential, and a bad token is not rescued by it.
    assert client.http.get("/api/v1/deals").status_code == 401
    wrong = client.http.get("/api/v1/deals", headers={"Authorization": "Bearer cnc_wrong"})
    assert wrong.status_code == 401
    # The cookie still works on the pages, and the token there counts for nothing.
    assert client.get("/deals/").status_code == 200
    client.logout()
    assert client.get("/deals/", headers=alice).status_code == 302
