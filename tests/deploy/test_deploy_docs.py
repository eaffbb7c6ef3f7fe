"""docs/deploy.md lists every setting the code reads, so operators read the list the code uses."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_configuration_variable_is_documented():
    read = set(re.findall(r"CONCORD_[A-Z_]+", (ROOT / "config" / "settings.py").read_text()))
    guide = (ROOT / "docs" / "deploy.md").read_text()
    readme = (ROOT / "README.md").read_text()
    assert read, "no settings found"
    assert sorted(name for name in read if f"`{name}`" not in guide) == []
    assert sorted(name for name in read if f"`{name}`" not in readme) == []
