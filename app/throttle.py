"""Failed sign-in throttling: growing delays per account and per address, never a lockout.

Counts live in flask-limiter's storage (memory, or Redis when ``CONCORD_REDIS_URL`` is set, so
every app host shares them). Each account may fail 9 times in 5 minutes, 18 in an hour and 36 in
a day: the waits grow, yet no guesser can shut a partner out for longer than those windows, and
a successful sign-in clears the account's count. Unknown emails are counted the same way, so the
answer never tells whether an account exists.

When the shared store stops answering (Redis down or unreachable), sign-in goes on with counts
kept in this process's memory until it answers again: throttling becomes per host for that
while instead of every sign-in failing with a server error; ``/readyz`` reports the store as
failing so the operator is told.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import RateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")

ACCOUNT_LIMITS = parse_many("9/5 minutes; 18/hour; 36/day")
ADDRESS_LIMITS = parse_many("30/5 minutes; 100/hour")


class LoginThrottle:
    def __init__(self, strategy: RateLimiter) -> None:
        self.strategy = strategy
        #: Counts of this process, used only while the shared store does not answer.
        self.fallback = type(strategy)(MemoryStorage())

    def _use(self, step: Callable[[RateLimiter], T]) -> T:
        try:
            return step(self.strategy)
        except (StorageError, *_as_tuple(self.strategy.storage.base_exceptions)) as error:
            log.warning("sign-in throttle store not answering, counting in memory: %s", error)
            return step(self.fallback)

    def _checks(self, email: str, address: str) -> list[tuple[RateLimitItem, str]]:
        account = f"login-account:{email.strip().lower()}"
        ip = f"login-address:{address}"
        return [(item, account) for item in ACCOUNT_LIMITS] + [
            (item, ip) for item in ADDRESS_LIMITS
        ]

    def retry_after(self, email: str, address: str) -> int | None:
        """Seconds to wait before another attempt is allowed, or None when one is allowed now."""
        checks = self._checks(email, address)

        def waits(strategy: RateLimiter) -> list[int]:
            return [
                max(1, int(strategy.get_window_stats(item, key).reset_time - time.time()) + 1)
                for item, key in checks
                if not strategy.test(item, key)
            ]

        found = self._use(waits)
        return max(found) if found else None

    def failed(self, email: str, address: str) -> None:
        checks = self._checks(email, address)
        self._use(lambda strategy: [strategy.hit(item, key) for item, key in checks])

    def succeeded(self, email: str, address: str) -> None:
        checks = self._checks(email, address)[: len(ACCOUNT_LIMITS)]
        self._use(lambda strategy: [strategy.clear(item, key) for item, key in checks])


def _as_tuple(exceptions: type[Exception] | tuple[type[Exception], ...]) -> tuple:
    return exceptions if isinstance(exceptions, tuple) else (exceptions,)
