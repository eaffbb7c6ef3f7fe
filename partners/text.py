"""Text no column can store: the one definition the forms, the API and the file imports share.

PostgreSQL refuses NUL in text, and the other C0 control characters (tab, line feed and
carriage return aside) are invisible noise that breaks exports and EDI. Each caller words the
refusal for its user (a form field, a CSV row); this module only finds the character.
"""

from __future__ import annotations

import re

#: C0 control characters but tab, line feed and carriage return.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def control_character(text: str) -> str | None:
    """The first control character in ``text``, described for a person ("an invisible control
    character (U+0000) at position 5"), or None when there is none."""
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return None
    return (
        f"an invisible control character (U+{ord(found.group()):04X}) at position "
        f"{found.start() + 1}"
    )
