"""Setting up a distributor's EDI profile (the vendor's admins do this)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select

from integrations.edi import Delimiters
from integrations.edi_exchange.models import TradingPartner
from partners import audit
from partners.context import ServiceContext, ServiceError
from partners.models import Partnership
from partners.roles import Role
from partners.sharing import require_role

STANDARDS = {"X12": ("004010", "005010"), "EDIFACT": ("D96A", "D01B")}


@dataclass(frozen=True)
class ProfileInput:
    standard: str
    version: str
    their_id: str
    their_qualifier: str
    our_id: str
    our_qualifier: str
    acknowledgment: str = "997"
    always_ta1: bool = False
    test_indicator: bool = False
    strict: bool = False
    transport: str = "portal"
    delimiters: dict | None = None


def delimiters_from(
    standard: str, element: str, component: str, segment: str, repetition: str
) -> dict | None:
    """Separators for what we send, or None for the standard's defaults."""
    if not (element or component or segment or repetition):
        return None
    if not (element and segment):
        raise ServiceError("Give at least the element separator and the segment terminator.")
    chosen = Delimiters(
        element,
        component or None,
        segment,
        repetition or None,
        release="?" if standard == "EDIFACT" else None,
        suffix="\n",
    )
    try:
        chosen.check()
    except ValueError as error:
        raise ServiceError(f"Separators: {error}") from error
    return asdict(chosen)


def _validate(data: ProfileInput) -> None:
    if data.version not in STANDARDS.get(data.standard, ()):
        raise ServiceError(f"{data.standard} version {data.version} is not supported.")
    if data.standard == "X12" and data.acknowledgment not in ("997", "999"):
        raise ServiceError("X12 partners get a 997 or a 999.")
    limit = 15 if data.standard == "X12" else 35
    for label, value in (("Their", data.their_id), ("Our", data.our_id)):
        if not value.strip() or len(value) > limit:
            raise ServiceError(f"{label} EDI ID must have 1 to {limit} characters.")


def save_profile(
    ctx: ServiceContext, partnership: Partnership, data: ProfileInput
) -> TradingPartner:
    """Create or update the EDI profile of a partnership's partner."""
    actor = ctx.actor
    assert actor is not None and actor.organization_id == partnership.parent_id
    require_role(actor, Role.admin)
    _validate(data)
    profile = ctx.db.scalar(
        select(TradingPartner).where(
            TradingPartner.vendor_org_id == partnership.parent_id,
            TradingPartner.organization_id == partnership.child_id,
        )
    )
    values = asdict(data)
    values["acknowledgment"] = "CONTRL" if data.standard == "EDIFACT" else data.acknowledgment
    before = None
    if profile is None:
        profile = TradingPartner(
            vendor_org_id=partnership.parent_id, organization_id=partnership.child_id, **values
        )
        ctx.db.add(profile)
    else:
        before = {key: getattr(profile, key) for key in values}
        for key, value in values.items():
            setattr(profile, key, value)
    ctx.db.flush()
    audit.record(
        ctx,
        "edi.profile_saved",
        profile,
        subject_org=partnership.child,
        before=before,
        after=values,
        summary=f"EDI profile of {partnership.child.name}: {data.standard} {data.version}",
    )
    return profile
