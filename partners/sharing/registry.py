"""The kinds of record the engine guards, as their areas register them.

The engine (predicate, grants, rules, shares, explainer) is written against
:class:`~partners.sharing.kinds.SharedKind` only; each area declares its kind next to its model
(``portal/leads/sharing.py``, ``documents/sharing.py``, …) and registers it here when imported.
Refuse by default, like routes: asking for a kind no area registered is an error, never an
empty answer, and :func:`check_complete` fails at start if a record type has no kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partners.sharing.models import RecordType

if TYPE_CHECKING:
    from partners.sharing.kinds import PartyRecords, SharedKind

_KINDS: dict[RecordType, SharedKind] = {}
_PARTY_RECORDS: dict[str, PartyRecords] = {}


class UnregisteredKind(LookupError):
    """A record type (or record) no area registered a kind for."""


def register_kind(kind: SharedKind) -> SharedKind:
    """Register an area's kind (once: a second registration is a wiring mistake)."""
    if kind.record_type in _KINDS:
        raise RuntimeError(f"{kind.record_type.value} is registered twice")
    _KINDS[kind.record_type] = kind
    return kind


def register_party_records(records: PartyRecords) -> PartyRecords:
    """Register records seen by the parties named on them (orders): no grants, but records of
    other kinds may be attached to them."""
    if records.noun in _PARTY_RECORDS or records.noun in RecordType.__members__:
        raise RuntimeError(f"{records.noun} is registered twice")
    _PARTY_RECORDS[records.noun] = records
    return records


def kind_of(record_type: RecordType | str) -> SharedKind:
    try:
        return _KINDS[RecordType(record_type)]
    except KeyError:
        raise UnregisteredKind(
            f"no area registered the {record_type!s} kind (app.areas imports each area)"
        ) from None


def kind_for_record(record: object) -> SharedKind:
    for kind in _KINDS.values():
        if isinstance(record, kind.model):
            return kind
    raise UnregisteredKind(f"{type(record).__name__} is not shared through partners.sharing")


def parent_kind(noun: str) -> SharedKind | PartyRecords:
    """A kind records can be attached to, by its noun (``lead``, ``order``)."""
    if noun in _PARTY_RECORDS:
        return _PARTY_RECORDS[noun]
    if noun not in RecordType.__members__:
        raise UnregisteredKind(f"no area registered records called {noun!r}")
    return kind_of(noun)


def registered() -> tuple[SharedKind, ...]:
    """Every registered kind, in :class:`RecordType` order (the rules UI, the explainer)."""
    return tuple(_KINDS[record_type] for record_type in RecordType if record_type in _KINDS)


def party_records() -> tuple[PartyRecords, ...]:
    """Every registered kind of party records (orders)."""
    return tuple(_PARTY_RECORDS.values())


def registered_records() -> tuple[SharedKind | PartyRecords, ...]:
    """Every kind of record the engine decides visibility of: shared kinds, then party records
    (the activity feed's and who-may-know's record kinds)."""
    return (*registered(), *party_records())


def check_complete() -> None:
    """Fail if a record type has no registered kind (called once the areas are imported)."""
    missing = [record_type.value for record_type in RecordType if record_type not in _KINDS]
    if missing:
        raise UnregisteredKind(f"no area registered a kind for: {', '.join(missing)}")
