import io
import os
from datetime import UTC, datetime, timedelta

import pytest

from documents.storage import sweep
from documents.storage.base import Leftover
from documents.storage.local import LocalStorage


def test_layout_and_no_temporary_files_after_put(tmp_path):
    storage = LocalStorage(tmp_path)
    blob = storage.put(io.BytesIO(b"layout"))
    assert storage.path_for(blob.sha256) == tmp_path / "sha256" / blob.sha256[:2] / blob.sha256
    assert os.listdir(tmp_path / "tmp") == []


def test_sweep_removes_stale_temporary_files_only(tmp_path):
    storage = LocalStorage(tmp_path)
    stale = tmp_path / "tmp" / "crashed.part"
    stale.write_bytes(b"half an upload")
    sweep(storage, set(), timedelta(hours=1))
    assert stale.exists()  # younger than the grace period
    later = datetime.now(UTC) + timedelta(hours=2)
    assert sweep(storage, set(), timedelta(hours=1), now=later) == ["crashed.part"]
    assert not stale.exists()


def test_leftover_names_cannot_escape_the_temporary_directory(tmp_path):
    storage = LocalStorage(tmp_path)
    with pytest.raises(ValueError):
        storage.remove_leftover(Leftover("../sha256/x", datetime.now(UTC)))
