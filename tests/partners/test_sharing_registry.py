"""The registry fails closed: a kind no area registered is an error, never an empty answer."""

from __future__ import annotations

import pytest

from partners.sharing import registry
from partners.sharing.models import RecordType
from portal.leads.models import Lead
from portal.leads.sharing import LEADS
from portal.orders.sharing import ORDERS


def test_every_record_type_has_a_kind_once_the_areas_are_imported():
    registry.check_complete()
    assert [kind.record_type for kind in registry.registered()] == list(RecordType)
    assert registry.kind_of("lead") is LEADS
    assert registry.kind_for_record(Lead()) is LEADS
    assert registry.parent_kind("order") is ORDERS


def test_a_kind_registers_once():
    with pytest.raises(RuntimeError, match="registered twice"):
        registry.register_kind(LEADS)
    with pytest.raises(RuntimeError, match="registered twice"):
        registry.register_party_records(ORDERS)


def test_what_no_area_registered_is_refused(monkeypatch):
    monkeypatch.delitem(registry._KINDS, RecordType.case)
    with pytest.raises(registry.UnregisteredKind, match="case"):
        registry.kind_of(RecordType.case)
    with pytest.raises(registry.UnregisteredKind, match="case"):
        registry.check_complete()
    with pytest.raises(registry.UnregisteredKind):
        registry.kind_for_record(object())
    with pytest.raises(registry.UnregisteredKind):
        registry.parent_kind("invoice")
