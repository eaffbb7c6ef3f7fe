"""The SLA clock of a case: business hours of the vendor's calendar that count towards its
targets, stopped while the case waits on the partner or is resolved or closed.

The clock is kept on the case as the business time it stood still (``sla_paused_seconds``) and
the start of the pause going on now (``sla_paused_since``). A target of ``h`` hours falls due
``h`` business hours after opening plus the time paused; the running time of a clock is the
business time since opening less the time paused. These functions are pure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from partners.business_hours import add_business_hours, business_time_between

if TYPE_CHECKING:
    from portal.cases.models import Case

#: Business hours to the first shared reply and to resolution, by priority, for a vendor that
#: set none of its own.
DEFAULT_TARGETS: dict[str, tuple[int, int]] = {
    "urgent": (1, 8),
    "high": (4, 24),
    "normal": (8, 40),
    "low": (16, 80),
}


@dataclass(frozen=True)
class SlaClock:
    opened_at: datetime
    timezone: str
    paused: timedelta = timedelta()
    paused_since: datetime | None = None

    def running_time(self, now: datetime) -> timedelta:
        """The business time that counted towards the targets by ``now``."""
        elapsed = business_time_between(self.opened_at, now, self.timezone) - self.paused
        if self.paused_since is not None:
            elapsed -= business_time_between(self.paused_since, now, self.timezone)
        return max(elapsed, timedelta())

    def due(self, hours: int) -> datetime | None:
        """When a target of ``hours`` falls due while the clock runs (None while paused)."""
        if self.paused_since is not None:
            return None
        return add_business_hours(
            self.opened_at, hours + self.paused.total_seconds() / 3600, self.timezone
        )

    def pause(self, now: datetime) -> SlaClock:
        return self if self.paused_since is not None else replace(self, paused_since=now)

    def resume(self, now: datetime) -> SlaClock:
        if self.paused_since is None:
            return self
        stood = business_time_between(self.paused_since, now, self.timezone)
        return replace(self, paused=self.paused + stood, paused_since=None)

    def breached(self, hours: int | None, met_at: datetime | None, now: datetime) -> bool:
        """Whether a target of ``hours`` was (or is being) missed: more running time than the
        target by the time it was met, or by now."""
        return hours is not None and self.running_time(met_at or now) > timedelta(hours=hours)


def clock_of(case: Case) -> SlaClock:
    """The clock as the case keeps it."""
    return SlaClock(
        case.created_at,
        case.sla_timezone,
        timedelta(seconds=case.sla_paused_seconds or 0),
        case.sla_paused_since,
    )


def keep_clock(case: Case, clock: SlaClock) -> None:
    """Store the clock on the case and set the due times of the targets not yet met."""
    case.sla_paused_seconds = int(clock.paused.total_seconds())
    case.sla_paused_since = clock.paused_since
    first, resolution = case.sla_first_response_hours, case.sla_resolution_hours
    case.first_response_due_at = (
        clock.due(first) if first is not None and case.first_responded_at is None else None
    )
    case.resolution_due_at = (
        clock.due(resolution) if resolution is not None and not _resolved_at(case) else None
    )


@dataclass(frozen=True)
class SlaState:
    """What the case page and the list show of a case's SLA."""

    first_response_due: datetime | None
    resolution_due: datetime | None
    first_response_breached: bool
    resolution_breached: bool
    paused: bool

    @property
    def breached(self) -> bool:
        return self.first_response_breached or self.resolution_breached


def sla_state(case: Case, now: datetime) -> SlaState | None:
    """The case's SLA at ``now`` (None for a case without one)."""
    if case.sla_resolution_hours is None:
        return None
    clock = clock_of(case)
    return SlaState(
        case.first_response_due_at,
        case.resolution_due_at,
        clock.breached(case.sla_first_response_hours, case.first_responded_at, now),
        clock.breached(case.sla_resolution_hours, _resolved_at(case), now),
        clock.paused_since is not None,
    )


def _resolved_at(case: Case) -> datetime | None:
    """When the resolution target was met: resolved, or closed without being resolved."""
    return case.resolved_at or case.closed_at
