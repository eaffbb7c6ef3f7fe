"""Outbound envelopes from a trading-partner profile, with control numbers that never repeat."""

from __future__ import annotations

from sqlalchemy import update

from integrations.edi import Delimiters, Envelope
from integrations.edi_exchange.models import TradingPartner
from partners.context import ServiceContext


def reserve_control_numbers(ctx: ServiceContext, profile: TradingPartner, count: int = 1) -> int:
    """Take ``count`` consecutive control numbers atomically (safe with many workers)."""
    after = ctx.db.execute(
        update(TradingPartner)
        .where(TradingPartner.id == profile.id)
        .values(next_control_number=TradingPartner.next_control_number + count)
        .returning(TradingPartner.next_control_number)
    ).scalar_one()
    return after - count


def envelope_for(profile: TradingPartner, control_number: int) -> Envelope:
    return Envelope(
        standard=profile.standard,
        sender=profile.our_id,
        receiver=profile.their_id,
        control_number=control_number,
        sender_qualifier=profile.our_qualifier,
        receiver_qualifier=profile.their_qualifier,
        version=profile.version,
        test=profile.test_indicator,
        delimiters=Delimiters(**profile.delimiters) if profile.delimiters else None,
    )
