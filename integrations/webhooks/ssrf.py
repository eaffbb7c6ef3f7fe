"""The SSRF guard, at registration and on every attempt, built on ``requests-hardened``.

- https only, unless the host is in the operator's allow-list (``CONCORD_WEBHOOK_ALLOWED_HOSTS``:
  ``host`` or ``host:port`` entries, for development receivers), which also may be private;
- the resolved address is checked by requests-hardened's filter (private, loopback,
  link-local and so 169.254.169.254, unique-local and so fd00:ec2::254, CGNAT, NAT64, reserved)
  and the connection goes to that checked address (the library pins it: no second lookup, so
  DNS rebinding fails), the certificate still checked against the name;
- no redirects, connect/read timeouts; the caller reads at most ``RESPONSE_CAP`` bytes.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from requests_hardened import Config, Manager
from requests_hardened.ip_filter import InvalidIPAddress, get_ip_address

from partners.context import ServiceError

TIMEOUT = (3, 10)
RESPONSE_CAP = 2048

_GUARDED = Manager(
    Config(
        ip_filter_enable=True,
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=TIMEOUT,
        user_agent_override="Concord-Webhooks/1",
    )
)
#: For the operator's allow-listed development hosts only.
_TRUSTED = Manager(
    Config(
        ip_filter_enable=False,
        ip_filter_allow_loopback_ips=True,
        never_redirect=True,
        default_timeout=TIMEOUT,
        user_agent_override="Concord-Webhooks/1",
    )
)


class RefusedURL(ServiceError):
    """A URL the guard will not call, with the reason fit to show."""


def _allow_listed(host: str, port: int, allowed: Collection[str]) -> bool:
    return host in allowed or f"{host}:{port}" in allowed


def check_url(url: str, allowed: Collection[str]) -> bool:
    """Raise :class:`RefusedURL` unless ``url`` may be called; True if it is allow-listed."""
    parts = urlsplit(url.strip())
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError as error:
        raise RefusedURL("This URL has an invalid port.") from error
    if parts.scheme not in ("http", "https") or not host:
        raise RefusedURL("Give a full https:// URL.")
    port = port or (443 if parts.scheme == "https" else 80)
    if _allow_listed(host, port, allowed):
        return True
    if parts.scheme != "https":
        raise RefusedURL("Webhook URLs must use https://.")
    try:
        get_ip_address(host, port, allow_loopback=False)
    except InvalidIPAddress as error:
        raise RefusedURL(
            "This URL points to a private or reserved address; webhooks go to public hosts only."
        ) from error
    except OSError as error:
        raise RefusedURL(f"The host {host} could not be resolved.") from error
    return False


class Guard:
    """An HTTP client for one worker: the guarded session, and one for allow-listed hosts."""

    def __init__(self, allowed: Collection[str]) -> None:
        self.allowed = frozenset(allowed)
        self._guarded = _GUARDED.get_session()
        self._trusted = _TRUSTED.get_session()

    def post(self, url: str, body: str, headers: dict) -> tuple[int, str]:
        """POST through the guard (checked again: addresses change); returns the status and
        the first ``RESPONSE_CAP`` bytes of the body as text."""
        session = self._trusted if check_url(url, self.allowed) else self._guarded
        response = session.post(url, data=body.encode(), headers=headers, stream=True)
        try:
            raw = response.raw.read(RESPONSE_CAP, decode_content=True) or b""
        finally:
            response.close()
        return response.status_code, raw.decode("utf-8", "replace")
