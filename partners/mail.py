"""Outgoing mail over SMTP, configured by one URL (``CONCORD_SMTP_URL``).

``smtp://user:password@host:port`` (STARTTLS when ``?starttls=1``), ``smtps://…`` for implicit
TLS, or ``log://`` to write messages to the log in development.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)


class Mailer:
    def __init__(self, url: str, sender: str) -> None:
        self.url = urlsplit(url)
        self.sender = sender
        if self.url.scheme not in ("smtp", "smtps", "log"):
            raise ValueError(f"unsupported CONCORD_SMTP_URL scheme {self.url.scheme!r}")

    def send(
        self, to: str, subject: str, body: str, headers: dict[str, str] | None = None
    ) -> EmailMessage:
        """Send now. Services queue mail instead (:func:`partners.outbox.queue_mail`); the
        worker's outbox sender is the caller."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(body)
        if self.url.scheme == "log":
            log.info("mail to %s: %s\n%s", to, subject, body)
            return message
        self._deliver(message)
        return message

    def _deliver(self, message: EmailMessage) -> None:
        host = self.url.hostname or "localhost"
        options = parse_qs(self.url.query)
        if self.url.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, self.url.port or 465, context=ssl.create_default_context(), timeout=30
            )
        else:
            client = smtplib.SMTP(host, self.url.port or 25, timeout=30)
        with client:
            if options.get("starttls") == ["1"]:
                client.starttls(context=ssl.create_default_context())
            if self.url.username:
                client.login(unquote(self.url.username), unquote(self.url.password or ""))
            client.send_message(message)
