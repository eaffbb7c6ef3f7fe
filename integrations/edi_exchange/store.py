"""Keeping what we send: every outbound interchange is stored whole and listed with its partner."""

from __future__ import annotations

import io

from integrations.edi_exchange.models import (
    Direction,
    EdiInterchange,
    InterchangeStatus,
    TradingPartner,
)
from partners.context import ServiceContext


def store_outbound(
    ctx: ServiceContext,
    profile: TradingPartner,
    payload: bytes,
    *,
    control_number: str,
    contents: str,
    responds_to: EdiInterchange | None = None,
) -> EdiInterchange:
    blob = ctx.files().put(io.BytesIO(payload))
    row = EdiInterchange(
        trading_partner_id=profile.id,
        direction=Direction.outbound,
        standard=profile.standard,
        sender_qualifier=profile.our_qualifier,
        sender_id=profile.our_id,
        receiver_qualifier=profile.their_qualifier,
        receiver_id=profile.their_id,
        control_number=control_number,
        status=InterchangeStatus.sent,
        contents=contents,
        blob_sha256=blob.sha256,
        size=blob.size,
        responds_to=responds_to,
        created_at=ctx.now(),
    )
    ctx.db.add(row)
    ctx.db.flush()
    return row
