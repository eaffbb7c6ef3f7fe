"""Fixtures for the EDI library tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The suite runs with --import-mode=importlib, which puts no test folder on sys.path; the EDI
# test modules share helpers from edi_factories.py next to this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from edi_factories import CONFORMANCE_SAMPLES


@pytest.fixture
def shared_samples() -> Path:
    return CONFORMANCE_SAMPLES
