"""What every service function is handed: the session, the acting user, and the outside world."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from partners.db import utcnow
from partners.mail import Mailer
from partners.models import User


class ServiceError(Exception):
    """A request a service refuses, with a message fit to show the user."""


class NotFound(Exception):
    """The record does not exist or the actor may not see it (the two are never told apart).

    Not a ServiceError: code that shows a refusal's message must never catch it by accident.
    """

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Forbidden(Exception):
    """The actor can see the record but their role does not allow this change."""


@dataclass
class ServiceContext:
    db: Session
    actor: User | None
    mailer: Mailer
    #: Where links in emails point, e.g. ``https://portal.example.com``.
    base_url: str
    ip: str = ""
    clock: Callable[[], datetime] = field(default=utcnow)
    #: Document storage (a ``documents.storage.Storage``), for services that keep files (EDI
    #: interchanges, documents). Held, not typed by name: the domain imports no layer above.
    storage: Any = None
    #: Written on each audit entry: ``inbound:<endpoint>:<webhook-id>`` for an inbound webhook.
    origin: str = ""

    def now(self) -> datetime:
        return self.clock()

    def files(self) -> Any:
        """The document storage; services that keep files need it configured."""
        if self.storage is None:
            raise RuntimeError("this service needs document storage in its context")
        return self.storage

    def link(self, path: str) -> str:
        return self.base_url.rstrip("/") + path
