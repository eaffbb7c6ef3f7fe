"""A clock a test moves by hand (``clock.now += timedelta(...)``), starting at a fixed time."""

from __future__ import annotations

from datetime import UTC, datetime

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class HandClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
