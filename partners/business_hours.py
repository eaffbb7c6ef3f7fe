"""Business hours: Monday to Friday, 09:00–17:00 on a local wall clock (the partner's for a lead
lease, the vendor's for a case SLA). Pure functions, shared by the leads and cases areas."""

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


def business_time_between(start: datetime, end: datetime, timezone: str) -> timedelta:
    """The business time from ``start`` to ``end`` in ``timezone`` (none if ``end`` is not
    later), counted as :func:`add_business_hours` counts it: what is left of a lease."""
    tz = zone(timezone)
    local = start.astimezone(tz).replace(tzinfo=None)
    until = end.astimezone(tz).replace(tzinfo=None)
    total = timedelta()
    day = local.date()
    while day <= until.date():
        if day.weekday() in WORKDAYS:
            opens = max(datetime.combine(day, OPENS), local)
            closes = min(datetime.combine(day, CLOSES), until)
            total += max(closes - opens, timedelta())
        day += timedelta(days=1)
    return total


def in_business_hours(moment: datetime, timezone: str) -> bool:
    """Whether the clock of a lease counted in ``timezone`` runs at ``moment``."""
    local = moment.astimezone(zone(timezone))
    return local.weekday() in WORKDAYS and OPENS <= local.time() < CLOSES
