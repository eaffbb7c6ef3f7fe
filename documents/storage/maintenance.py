"""Sweeping orphans and verifying stored bytes: pure functions that the CLI calls."""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from documents.storage.base import Storage
from documents.storage.errors import ObjectNotFound


@dataclass(frozen=True)
class Mismatch:
    key: str
    problem: Literal["missing", "corrupt"]


def sweep(
    storage: Storage,
    referenced: Callable[[str], bool] | Collection[str],
    grace: timedelta,
    *,
    now: datetime | None = None,
) -> list[str]:
    """Delete objects that no database row references, and abandoned temporary uploads.

    Only what is older than `grace` goes: the bytes of an upload are stored before its database
    row commits, so a younger unreferenced object may be about to be referenced. Returns the
    content keys and temporary names removed.
    """
    if grace < timedelta(0):
        raise ValueError("The grace period cannot be negative")
    is_referenced = referenced if callable(referenced) else referenced.__contains__
    cutoff = (now or datetime.now(UTC)) - grace
    removed = []
    for info in storage.iter_objects():
        if info.last_modified < cutoff and not is_referenced(info.key):
            storage.delete(info.key)
            removed.append(info.key)
    for leftover in storage.iter_leftovers():
        if leftover.started < cutoff:
            storage.remove_leftover(leftover)
            removed.append(leftover.name)
    return removed


def verify_all(storage: Storage, keys: Iterable[str]) -> list[Mismatch]:
    """Re-hash each object; report the ones that are missing or whose bytes changed."""
    mismatches = []
    for key in keys:
        try:
            intact = storage.verify(key)
        except ObjectNotFound:
            mismatches.append(Mismatch(key, "missing"))
            continue
        if not intact:
            mismatches.append(Mismatch(key, "corrupt"))
    return mismatches
