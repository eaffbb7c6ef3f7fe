"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    received: list[EmailMessage] = field(default_factory=list)
    #: Run before each read: the test's outbox sender, so what was queued arrives first.
    before_read: Callable[[], object] | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        """What arrived, after the due outbox mail is sent (as the worker would)."""
        if self.before_read is not None:
            self.before_read()
        return self.received

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def last_to(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]


@dataclass
class _Receiver:
    """The aiosmtpd handler (aiosmtpd introspects it, so it holds nothing that runs on read)."""

    mailbox: Mailbox

    async def handle_DATA(self, server, session, envelope) -> str:
        self.mailbox.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp_server() -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(_Receiver(mailbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox
