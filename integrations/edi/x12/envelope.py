"""Reading and checking the X12 ISA and GS headers."""

from __future__ import annotations

from ..codes import code
from ..delimiters import X12, Delimiters
from ..errors import EdiError, Level, Severity
from ..model import FunctionalGroup, Interchange, Segment, Transaction
from ..options import ReaderOptions
from ..reader import ISA_WIDTHS
from ..schema.x12 import COMPOSITES, REPEATS, STRUCTURED
from ..schema.x12_segments import SEGMENTS
from ..syntax import Level3
from ..validate import valid_date, valid_time

# TA105 note code for a bad value in each ISA element.
_ISA_CODES = (
    "010",
    "011",
    "012",
    "013",
    "005",
    "006",
    "007",
    "008",
    "014",
    "015",
    "016",
    "017",
    "018",
    "019",
    "020",
    "027",
)
_ISA_NAMES = (
    "authorization information qualifier",
    "authorization information",
    "security information qualifier",
    "security information",
    "interchange ID qualifier (sender)",
    "interchange sender ID",
    "interchange ID qualifier (receiver)",
    "interchange receiver ID",
    "interchange date",
    "interchange time",
    "repetition separator / standards ID",
    "interchange control version number",
    "interchange control number",
    "acknowledgment requested",
    "interchange usage indicator",
    "component element separator",
)
_PAD = " \xa0"


def _clean(value: str) -> str:
    return value.strip(_PAD)


class X12Syntax:
    standard = X12
    interchange = Level3("ISA", "IEA", 13)
    group = Level3("GS", "GE", 6)
    message = Level3("ST", "SE", 2)
    dictionary = SEGMENTS
    composites = COMPOSITES
    repeats = REPEATS
    structured: dict[str, frozenset[int]] | None = STRUCTURED

    def read_interchange(
        self, seg: Segment, delimiters: Delimiters, options: ReaderOptions
    ) -> tuple[Interchange, list[EdiError]]:
        f = [str(v) for v in seg.elements] + [""] * (16 - len(seg.elements))
        control = _clean(f[12])
        errors: list[EdiError] = []

        def bad(i: int, why: str, severity: Severity = Severity.ERROR) -> None:
            errors.append(
                EdiError(
                    Level.INTERCHANGE,
                    _ISA_CODES[i],
                    f"Segment ISA: element ISA{i + 1:02d} ({_ISA_NAMES[i]}) {why}",
                    severity,
                    standard=X12,
                    interchange=control,
                    segment_tag="ISA",
                    segment_position=1,
                    line=seg.line,
                    segment_index=seg.index,
                    element=i + 1,
                    value=f[i],
                )
            )

        for i, width in enumerate(ISA_WIDTHS[:15]):
            value = f[i]
            if "\xa0" in value:
                bad(
                    i,
                    "is padded with non-breaking spaces (U+00A0)",
                    Severity.WARNING if options.allow_nbsp_padding else Severity.ERROR,
                )
            if len(value) != width:
                bad(
                    i,
                    f"is {len(value)} characters long; the ISA is fixed width ({width})",
                    Severity.WARNING if options.allow_unpadded_isa else Severity.ERROR,
                )
        checks = (
            (0, f[0] in ("00", "01", "02", "03", "04", "05", "06"), "must be 00 to 06"),
            (2, f[2] in ("00", "01"), "must be 00 or 01"),
            (5, bool(_clean(f[5])), "is empty"),
            (7, bool(_clean(f[7])), "is empty"),
            (8, valid_date(_clean(f[8])) and len(_clean(f[8])) == 6, "is not a valid YYMMDD date"),
            (9, valid_time(_clean(f[9])) and len(_clean(f[9])) == 4, "is not a valid HHMM time"),
            (11, _clean(f[11]).isdigit(), "is not a version number"),
            (12, control.isdigit(), "must be a 9-digit number"),
            (13, f[13] in ("0", "1"), "must be 0 or 1"),
            (14, f[14] in ("P", "T", "I"), "must be P, T or I"),
        )
        for i, ok, why in checks:
            if not ok:
                bad(i, f"{why}: {f[i]!r}")
        interchange = Interchange(
            standard=X12,
            sender_qualifier=_clean(f[4]),
            sender=_clean(f[5]),
            receiver_qualifier=_clean(f[6]),
            receiver=_clean(f[7]),
            date=_clean(f[8]),
            time=_clean(f[9]),
            control_number=control,
            version=_clean(f[11]),
            test=f[14] == "T",
            delimiters=delimiters,
            header=seg,
            acknowledgment_requested=f[13] == "1",
        )
        return interchange, errors

    def read_group(self, seg: Segment) -> tuple[FunctionalGroup, list[EdiError]]:
        get = seg.get
        group = FunctionalGroup(
            functional_id=get(1),
            sender=get(2),
            receiver=get(3),
            date=get(4),
            time=get(5),
            control_number=get(6),
            version=get(8),
            header=seg,
        )
        errors = []
        if not (get(6).isdigit() and len(get(6)) <= 9):
            errors.append(
                EdiError(
                    Level.GROUP,
                    code("group_control_syntax", X12),
                    f"Segment GS: element GS06 (group control number) must be 1-9 digits: "
                    f"{get(6)!r}",
                    standard=X12,
                    group=get(6),
                    segment_tag="GS",
                    line=seg.line,
                    segment_index=seg.index,
                    element=6,
                    value=get(6),
                )
            )
        if not valid_date(get(4)):
            errors.append(
                EdiError(
                    Level.GROUP,
                    code("group_control_syntax", X12),
                    f"Segment GS: element GS04 (date) is not a valid date: {get(4)!r}",
                    Severity.WARNING,
                    standard=X12,
                    group=get(6),
                    segment_tag="GS",
                    line=seg.line,
                    segment_index=seg.index,
                    element=4,
                    value=get(4),
                )
            )
        return group, errors

    def read_transaction(self, seg: Segment, group: FunctionalGroup) -> Transaction:
        return Transaction(
            type=seg.get(1),
            control_number=seg.get(2),
            version=group.version,
            implementation_reference=seg.get(3),
        )

    def implicit_group(self, interchange: Interchange, transaction_type: str) -> FunctionalGroup:
        return FunctionalGroup(
            "", interchange.sender, interchange.receiver, interchange.date, interchange.time, "", ""
        )
