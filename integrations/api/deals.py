"""Deals in /api/v1: the list, one deal, registering a deal, moving a deal's stage.

Bodies are validated by the portal's own forms (:mod:`portal.deals.forms`), so the API and the
pages accept and refuse the same input. A response shows what the deal page shows its reader:
competing registrations and other partners never appear; a partner's own registration carries
the ``protection_notice`` (protected until when, never by whom).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from integrations.api.auth import api_access
from integrations.api.blueprint import bp
from integrations.api.pagination import cursor_page
from partners.context import ServiceError
from partners.roles import Role
from portal.deals import queries, service
from portal.deals.forms import MAX_PRODUCTS, RegistrationForm, StageForm
from portal.deals.models import Deal, DealStage
from portal.deals.queries import DealFilters
from portal.deals.sharing import get_deal
from web.database import db_session
from web.problems import problem
from web.services import service_context

#: Registration fields, as in the JSON body (``products`` is a list of objects).
DEAL_FIELDS = (
    "vendor_id",
    "customer",
    "name",
    "contact_name",
    "contact_email",
    "vat_number",
    "country",
    "region",
    "industry",
    "product_line",
    "campaign",
    "amount",
    "expected_close",
    "notes",
)
PRODUCT_FIELDS = ("product", "quantity", "unit_price")


class BodyError(Exception):
    """The JSON body's shape is wrong; ``errors`` says where, as the 422 answer does."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid body")
        self.errors = errors


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    """Decimals as strings with two places: JSON numbers would round them."""
    return f"{value:.2f}" if value is not None else None


def deal_json(deal: Deal) -> dict:
    """The deal as its reader sees it; the partner appears only to the owner and itself."""
    mine = current_user.organization_id
    body = {
        "id": deal.id,
        "name": deal.name,
        "customer": deal.customer,
        "contact_name": deal.contact_name,
        "contact_email": deal.contact_email,
        "vat_number": deal.vat_number,
        "country": deal.country,
        "region": deal.region,
        "industry": deal.industry,
        "product_line": deal.product_line,
        "campaign": deal.campaign,
        "amount": _money(deal.amount),
        "stage": deal.stage.value,
        "expected_close": _iso(deal.expected_close),
        "products": [
            {
                "product": line.product,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
            }
            for line in deal.products
        ],
        "vendor_id": deal.owner_org_id,
        "registration": deal.registration.value if deal.registration else None,
        "registered_at": _iso(deal.registered_at),
        "protected_until": _iso(deal.protected_until),
        "decision_reason": deal.decision_reason or None,
        "created_at": _iso(deal.created_at),
        "updated_at": _iso(deal.updated_at),
        "url": url_for("api.deal", deal_id=deal.id, _external=True),
    }
    if mine in (deal.owner_org_id, deal.partner_org_id):
        body["partner_id"] = deal.partner_org_id
    return body


def _with_notice(deal: Deal) -> dict:
    """A partner's own deal, with what it may know of competing claims."""
    notice = service.protection_notice(db_session(), deal, service_context().now())
    return {**deal_json(deal), "protection_notice": notice}


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BodyError({"body": ["Send a JSON object (Content-Type: application/json)."]})
    return body


def _text(value: Any, where: str, errors: dict[str, list[str]]) -> str | None:
    """A JSON scalar as form input; ``None`` for null (left empty)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.setdefault(where, []).append("Give a string or a number.")
        return None
    return str(value)


def _formdata(body: dict, fields: tuple[str, ...]) -> MultiDict:
    """The JSON body as the form's input (``products`` as ``products-<n>-<field>``)."""
    errors: dict[str, list[str]] = {}
    for unknown in sorted(set(body) - set(fields) - {"products"}):
        errors[unknown] = ["Unknown field."]
    data = MultiDict()
    for name in fields:
        if (text := _text(body.get(name), name, errors)) is not None:
            data[name] = text
    products = body.get("products") or []
    if not isinstance(products, list) or len(products) > MAX_PRODUCTS:
        errors["products"] = [f"Give a list of at most {MAX_PRODUCTS} products."]
        products = []
    for n, line in enumerate(products):
        if not isinstance(line, dict):
            errors[f"products[{n}]"] = ["Give an object with product, quantity, unit_price."]
            continue
        for name in PRODUCT_FIELDS:
            if (text := _text(line.get(name), f"products[{n}].{name}", errors)) is not None:
                data[f"products-{n}-{name}"] = text
    if errors:
        raise BodyError(errors)
    return data


def _form_errors(form: FlaskForm) -> dict[str, list[str]]:
    """WTForms' nested errors flattened to ``{"products[0].quantity": [...], ...}``."""
    flat: dict[str, list[str]] = {}
    for name, errors in form.errors.items():
        if name is None:
            continue  # form-level errors: only the service's, reported as the detail
        for entry, found in enumerate(errors):
            if isinstance(found, dict):
                for field, messages in found.items():
                    flat[f"{name}[{entry}].{field}"] = list(messages)
            elif found:
                flat.setdefault(name, []).append(found)
    return flat


def _invalid(errors: dict[str, list[str]]) -> ResponseReturnValue:
    return problem(422, "The request has invalid fields; see `errors`.", errors=errors)


@bp.errorhandler(BodyError)
def _body_error(error: BodyError):
    return _invalid(error.errors)


@bp.errorhandler(ServiceError)
def _refused(error: ServiceError):
    return problem(422, str(error))


@bp.get("/deals")
@api_access()
def deals():
    """The deals the token's user may see, newest first; ``stage``, ``registration`` and
    ``q`` filter as on the deal list."""
    filters = DealFilters(
        search=request.args.get("q", ""),
        stage=request.args.get("stage", ""),
        registration=request.args.get("registration", ""),
    )
    return cursor_page(queries.deal_list(current_user, filters), Deal.id, deal_json)


@bp.get("/deals/<int:deal_id>")
@api_access()
def deal(deal_id: int):
    found = get_deal(db_session(), current_user, deal_id)
    if found.partner_org_id == current_user.organization_id and found.registration:
        return jsonify(_with_notice(found))
    return jsonify(deal_json(found))


@bp.get("/deals/<int:deal_id>/history")
@api_access()
def deal_history(deal_id: int):
    """What happened to the deal, newest first, worded and attributed as on its page."""
    db = db_session()
    history = queries.deal_history(db, get_deal(db, current_user, deal_id), current_user)
    return jsonify(
        {
            "items": [
                {"at": _iso(line.at), "what": line.what, "who": line.who} for line in history.lines
            ],
            "truncated": history.truncated,
        }
    )


@bp.post("/deals/registrations")
@api_access(Role.member)
def register_deal():
    """Register a deal with one of the partner's vendors; 201 with the deal and its
    ``protection_notice``."""
    form = RegistrationForm(formdata=_formdata(_json_object(), DEAL_FIELDS), meta={"csrf": False})
    vendors = service.registration_vendors(db_session(), current_user)
    form.vendor_id.choices = [(vendor.id, vendor.name) for vendor in vendors]
    if not form.validate():
        return _invalid(_form_errors(form))
    registered = service.register_deal(service_context(), form.vendor_id.data, form.details())
    body = _with_notice(registered)
    return jsonify(body), 201, {"Location": body["url"]}


@bp.post("/deals/<int:deal_id>/stage")
@api_access(Role.member)
def change_stage(deal_id: int):
    """Move the deal to ``{"stage": "proposal"}``; the change is audited."""
    form = StageForm(formdata=_formdata(_json_object(), ("stage",)), meta={"csrf": False})
    if not form.validate():
        return _invalid(_form_errors(form))
    moved = service.change_stage(service_context(), deal_id, DealStage(form.stage.data))
    return jsonify(deal_json(moved))
