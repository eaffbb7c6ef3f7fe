"""Separators of an interchange: read from the ISA / UNA envelope, or chosen for writing."""

from __future__ import annotations

from dataclasses import dataclass

X12 = "X12"
EDIFACT = "EDIFACT"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The service characters of one interchange.

    ``component`` / ``repetition`` / ``release`` may be ``None`` (not used). ``suffix`` is what
    the writer puts after each segment terminator (e.g. ``"\\n"``); readers ignore it.
    """

    element: str
    component: str | None
    segment: str
    repetition: str | None = None
    release: str | None = None
    decimal: str = "."
    suffix: str = ""

    def service_chars(self) -> set[str]:
        chars = {self.element, self.segment, self.component, self.repetition, self.release}
        return {c for c in chars if c}

    def check(self) -> None:
        """Raise ``ValueError`` unless the separators are distinct single characters."""
        chars = [self.element, self.segment, self.component, self.repetition, self.release]
        used = [c for c in chars if c]
        if any(len(c) != 1 for c in used) or len(set(used)) != len(used):
            raise ValueError(f"separators must be distinct single characters: {self}")
        if any(c.isalnum() or c == " " for c in used):
            raise ValueError(f"separators must not be letters, digits or space: {self}")
        if self.decimal not in ".,":
            raise ValueError("decimal mark must be '.' or ','")


X12_DEFAULT = Delimiters(element="*", component=">", segment="~", repetition="^", suffix="\n")
EDIFACT_LEVEL_A = Delimiters(
    element="+", component=":", segment="'", repetition=None, release="?", decimal="."
)
# Level B (UNOB) defaults from ISO 9735: IS1 (US) component, IS3 (GS) element, IS4 (FS) segment.
EDIFACT_LEVEL_B = Delimiters(
    element="\x1d", component="\x1f", segment="\x1c", repetition="\x19", release=None
)


def una_string(d: Delimiters) -> str:
    """The UNA service string advice for ``d`` (space means "not used")."""
    return "UNA" + "".join(
        (d.component or " ", d.element, d.decimal, d.release or " ", d.repetition or " ", d.segment)
    )
