"""The ordered vocabularies of the partner model: roles, tiers, organization kinds."""

from __future__ import annotations

from enum import StrEnum


class _Ordered(StrEnum):
    """A string enum whose members compare by declaration order (lowest first)."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.rank < other.rank

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Role(_Ordered):
    """A user's role in their own organization: viewer < member < manager < admin."""

    viewer = "viewer"
    member = "member"
    manager = "manager"
    admin = "admin"


class Tier(_Ordered):
    registered = "registered"
    silver = "silver"
    gold = "gold"
    platinum = "platinum"


class OrgKind(StrEnum):
    vendor = "vendor"
    partner = "partner"
    distributor = "distributor"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OrgStatus(StrEnum):
    active = "active"
    suspended = "suspended"


class UserStatus(StrEnum):
    invited = "invited"
    active = "active"
    deactivated = "deactivated"
