"""Business hours: Monday to Friday, 09:00–17:00 on the partner's local wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OPENS, CLOSES = time(9), time(17)
WORKDAYS = range(0, 5)  # Monday … Friday


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or UTC for an unknown or empty name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def add_business_hours(start: datetime, hours: float, timezone: str) -> datetime:
    """The UTC instant ``hours`` business hours after ``start``, counted in ``timezone``.

    Counting happens on the local wall clock, so a daylight-saving change overnight does not
    shift the working day; time outside business hours (evenings, weekends) does not count.
    """
    tz = zone(timezone)
    local = start.astimezone(tz).replace(tzinfo=None)
    remaining = timedelta(hours=hours)
    while True:
        opens = datetime.combine(local.date(), OPENS)
        closes = datetime.combine(local.date(), CLOSES)
        if local.weekday() not in WORKDAYS or local >= closes:
            local = datetime.combine(local.date() + timedelta(days=1), OPENS)
            continue
        local = max(local, opens)
        if remaining <= closes - local:
            local += remaining
            break
        remaining -= closes - local
        local = datetime.combine(local.date() + timedelta(days=1), OPENS)
    return local.replace(tzinfo=tz).astimezone(UTC)
