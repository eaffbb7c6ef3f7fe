"""Orders pages: the distributor follows its orders; the vendor acknowledges, ships, invoices."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from integrations.edi_exchange.queries import documents_of
from partners import sharing
from partners.context import ServiceError
from partners.roles import OrgKind, OrgStatus, Role
from portal.orders import service
from portal.orders.forms import (
    AcknowledgeForm,
    InvoiceForm,
    NewOrderForm,
    OrderFilterForm,
    ShipForm,
)
from portal.orders.models import LineStatus, Order, OrderStatus
from portal.orders.queries import order_list
from portal.orders.sharing import get_order
from web.access import requires
from web.database import db_session
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("orders", __name__, url_prefix="/orders", template_folder="templates")


@bp.route("/")
@requires()
def index():
    form = OrderFilterForm(request.args)
    query = order_list(current_user, status=form.status.data or "", number=form.number.data or "")
    return render_template("orders/list.html", page=paginate(db_session(), query), form=form)


def _acknowledge_form(order: Order, formdata=None) -> AcknowledgeForm:
    form = AcknowledgeForm(formdata=formdata)
    if formdata is None:
        for line in order.lines:
            form.lines.append_entry(
                {"status": LineStatus.accepted.value, "quantity": line.quantity}
            )
    return form


def _render(order: Order, status: int = 200, **forms):
    forms.setdefault("ack_form", _acknowledge_form(order))
    forms.setdefault("ship_form", ShipForm())
    forms.setdefault("invoice_form", InvoiceForm())
    return render_template(
        "orders/detail.html",
        order=order,
        documents=documents_of(db_session(), order),
        is_vendor=current_user.organization_id == order.owner_org_id,
        OrderStatus=OrderStatus,
        **forms,
    ), status


BUYERS = (OrgKind.partner, OrgKind.distributor)


def _new_order_form() -> NewOrderForm:
    form = NewOrderForm()
    vendors = [
        p.parent
        for p in db_session().scalars(sharing.own_partnerships(current_user))
        if p.status == OrgStatus.active
    ]
    form.vendor.choices = [SelectChoice(v.id, v.name) for v in vendors]
    if not form.is_submitted():
        form.order_date.data = service_context().now().date()
    return form


def _order_input(form: NewOrderForm) -> service.OrderInput:
    lines = [
        service.LineInput(
            line_number=str(n),
            quantity=entry.quantity.data,
            unit=(entry.unit.data or "EA").upper(),
            unit_price=entry.unit_price.data,
            product_ids=[{"qualifier": "VP", "kind": "vendor_part", "value": entry.product.data}]
            if entry.product.data
            else [],
            description=entry.details.data or "",
        )
        for n, entry in enumerate((e for e in form.lines if e.quantity.data), start=1)
    ]
    return service.OrderInput(
        number=form.number.data.strip(),
        order_date=form.order_date.data,
        requested_delivery_date=form.requested_delivery_date.data,
        currency=form.currency.data.upper(),
        lines=lines,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.member, kinds=BUYERS)
def new():
    form = _new_order_form()
    if not form.validate_on_submit():
        return render_template("orders/new.html", form=form), 422 if form.errors else 200
    db = db_session()
    vendor = next(
        p.parent
        for p in db.scalars(sharing.own_partnerships(current_user))
        if p.parent_id == form.vendor.data
    )
    try:
        order = service.place_order(
            service_context(),
            vendor=vendor,
            buyer=current_user.organization,
            data=_order_input(form),
        )
    except ServiceError as error:
        form.number.errors.append(str(error))
        return render_template("orders/new.html", form=form), 422
    flash(f"Order {order.number} is placed with {vendor.name}.", "success")
    return redirect(url_for("orders.detail", order_id=order.id))


@bp.route("/<int:order_id>")
@requires()
def detail(order_id: int):
    return _render(get_order(db_session(), current_user, order_id))


def _act(order: Order, form_name: str, form, change, success: str):
    if form.validate_on_submit():
        try:
            change()
        except ServiceError as error:
            flash(str(error), "error")
            return _render(order, 422, **{form_name: form})
        flash(success, "success")
        return redirect(url_for("orders.detail", order_id=order.id))
    return _render(order, 422, **{form_name: form})


@bp.route("/<int:order_id>/acknowledge", methods=["POST"])
@requires(Role.member)
def acknowledge(order_id: int):
    order = get_order(db_session(), current_user, order_id)
    form = _acknowledge_form(order, request.form)

    def change():
        decisions = {
            line.id: service.LineDecision(
                LineStatus(entry.status.data),
                entry.quantity.data if entry.quantity.data is not None else None,
            )
            for line, entry in zip(order.lines, form.lines, strict=False)
        }
        service.acknowledge_order(service_context(), order, decisions)

    return _act(order, "ack_form", form, change, f"Order {order.number} is acknowledged.")


@bp.route("/<int:order_id>/ship", methods=["POST"])
@requires(Role.member)
def ship(order_id: int):
    order = get_order(db_session(), current_user, order_id)
    form = ShipForm()
    shipment = service.Shipment(
        carrier=form.carrier.data or "", tracking_number=form.tracking_number.data or ""
    )
    return _act(
        order,
        "ship_form",
        form,
        lambda: service.ship_order(service_context(), order, shipment),
        f"Order {order.number} is shipped.",
    )


@bp.route("/<int:order_id>/invoice", methods=["POST"])
@requires(Role.member)
def invoice(order_id: int):
    order = get_order(db_session(), current_user, order_id)
    form = InvoiceForm()
    return _act(
        order,
        "invoice_form",
        form,
        lambda: service.invoice_order(service_context(), order, form.invoice_number.data),
        f"Order {order.number} is invoiced.",
    )


@bp.app_template_filter("quantity")
def _quantity(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
