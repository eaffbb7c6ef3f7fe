"""Failed sign-in throttling: growing delays per account and per address, never a lockout.

Counts live in flask-limiter's storage (memory, or Redis when ``CONCORD_REDIS_URL`` is set, so
every app host shares them). Each account may fail 9 times in 5 minutes, 18 in an hour and 36 in
a day: the waits grow, yet no guesser can shut a partner out for longer than those windows, and
a successful sign-in clears the account's count. Unknown emails are counted the same way, so the
answer never tells whether an account exists.
"""

from __future__ import annotations

import time

from limits import RateLimitItem, parse_many
from limits.strategies import RateLimiter

ACCOUNT_LIMITS = parse_many("9/5 minutes; 18/hour; 36/day")
ADDRESS_LIMITS = parse_many("30/5 minutes; 100/hour")


class LoginThrottle:
    def __init__(self, strategy: RateLimiter) -> None:
        self.strategy = strategy

    def _checks(self, email: str, address: str) -> list[tuple[RateLimitItem, str]]:
        account = f"login-account:{email.strip().lower()}"
        ip = f"login-address:{address}"
        return [(item, account) for item in ACCOUNT_LIMITS] + [
            (item, ip) for item in ADDRESS_LIMITS
        ]

    def retry_after(self, email: str, address: str) -> int | None:
        """Seconds to wait before another attempt is allowed, or None when one is allowed now."""
        waits = []
        for item, key in self._checks(email, address):
            if not self.strategy.test(item, key):
                reset_at = self.strategy.get_window_stats(item, key).reset_time
                waits.append(max(1, int(reset_at - time.time()) + 1))
        return max(waits) if waits else None

    def failed(self, email: str, address: str) -> None:
        for item, key in self._checks(email, address):
            self.strategy.hit(item, key)

    def succeeded(self, email: str, address: str) -> None:
        for item, key in self._checks(email, address)[: len(ACCOUNT_LIMITS)]:
            self.strategy.clear(item, key)
