"""What an inbound message may ask for: each type a pydantic model of its ``data`` and the
service call it makes as the endpoint's user (the same call as the page's)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from partners.context import ServiceContext
from portal.cases import service as cases
from portal.cases.models import NoteVisibility
from portal.leads import service as leads


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LeadCreate(_Data):
    company: str = Field(min_length=1, max_length=200)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    country: str = Field(default="", max_length=2)
    region: str = Field(default="", max_length=60)
    industry: str = Field(default="", max_length=80)
    product_line: str = Field(default="", max_length=80)
    amount: Decimal | None = Field(default=None, ge=0)


class CaseNote(_Data):
    case_id: int = Field(gt=0, lt=2**31)
    body: str = Field(min_length=1, max_length=cases.MAX_NOTE_LENGTH)


def _create_lead(ctx: ServiceContext, data: LeadCreate) -> Any:
    return leads.create_lead(ctx, leads.LeadDetails(**data.model_dump()))


def _add_case_note(ctx: ServiceContext, data: CaseNote) -> Any:
    """A shared note: a partner system writes to the case's timeline, not to internal notes.
    A case the user may not see raises NotFound, as a missing one does."""
    return cases.add_note(ctx, data.case_id, data.body, NoteVisibility.shared)


#: type → (schema of ``data``, the service call).
ACTIONS: dict[str, tuple[type[_Data], Callable[[ServiceContext, Any], Any]]] = {
    "lead.create": (LeadCreate, _create_lead),
    "case.note": (CaseNote, _add_case_note),
}
