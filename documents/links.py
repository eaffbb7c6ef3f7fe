"""Download links bound to one version and one user, and valid for a short time.

A presigned S3 URL is a bearer credential that S3 checks (signature and expiry) but cannot tie
to a portal user. A portal download link can: it names the version and the user it was issued
to, signed with the portal's secret key (itsdangerous), and the portal checks it on every use:

- another signed-in user presenting it gets 404, as for a document they may not see;
- it serves only while its user may still sign in and still sees the document (404 otherwise:
  revoking a share revokes the links);
- past its time (``CONCORD_DOWNLOAD_LINK_SECONDS``) it answers 410.

It works without a session (a download manager, ``curl``, another device), always as its user:
the access log names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from partners.context import NotFound

SALT = "concord.documents.download-link"
#: Clocks of app hosts may differ a little; a link "issued" further in the future is forged.
CLOCK_SKEW = timedelta(minutes=2)


class LinkExpired(Exception):
    """An authentic link past its time."""


@dataclass(frozen=True)
class DownloadLink:
    version_id: int
    user_id: int
    issued_at: datetime


def issue_link(secret: str, version_id: int, user_id: int, now: datetime) -> str:
    """The token of a link to the version for the user, issued ``now``."""
    return URLSafeSerializer(secret, salt=SALT).dumps([version_id, user_id, int(now.timestamp())])


def read_link(secret: str, token: str, now: datetime, valid_for: timedelta) -> DownloadLink:
    """The link a token names; :class:`NotFound` if it was not issued by this portal,
    :class:`LinkExpired` once ``valid_for`` has passed since it was issued."""
    try:
        payload = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        raise NotFound() from None
    if not (isinstance(payload, list) and len(payload) == 3):
        raise NotFound()
    if not all(isinstance(value, int) for value in payload):
        raise NotFound()
    version_id, user_id, issued = payload
    link = DownloadLink(version_id, user_id, datetime.fromtimestamp(issued, UTC))
    if link.issued_at - now > CLOCK_SKEW:
        raise NotFound()
    if now - link.issued_at > valid_for:
        raise LinkExpired()
    return link
