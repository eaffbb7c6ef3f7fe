"""Reading and checking the EDIFACT UNB and UNG headers."""

from __future__ import annotations

from ..codes import code
from ..delimiters import EDIFACT, Delimiters
from ..errors import EdiError, Level
from ..model import FunctionalGroup, Interchange, Segment, Transaction
from ..options import ReaderOptions
from ..schema.edifact_segments import SEGMENTS
from ..syntax import Level3
from ..validate import valid_date, valid_time

SYNTAX_IDS = (
    "UNOA",
    "UNOB",
    "UNOC",
    "UNOD",
    "UNOE",
    "UNOF",
    "UNOG",
    "UNOH",
    "UNOI",
    "UNOJ",
    "UNOK",
    "UNOW",
    "UNOX",
    "UNOY",
    "KECA",
)


def message_version(seg: Segment, position: int) -> str:
    """``D:96A:UN`` at ``position`` → ``D96A`` (directory version + release)."""
    return seg.get(position, 2) + seg.get(position, 3)


class EdifactSyntax:
    standard = EDIFACT
    interchange = Level3("UNB", "UNZ", 5)
    group = Level3("UNG", "UNE", 5)
    message = Level3("UNH", "UNT", 1)
    dictionary = SEGMENTS
    composites: dict[str, frozenset[int]] = {}
    repeats: dict[str, frozenset[int]] = {}
    structured: dict[str, frozenset[int]] | None = None  # composites split anywhere

    def read_interchange(
        self, seg: Segment, delimiters: Delimiters, options: ReaderOptions
    ) -> tuple[Interchange, list[EdiError]]:
        get = seg.get
        control = get(5)
        errors: list[EdiError] = []

        def bad(meaning: str, element: int, component: int | None, why: str) -> None:
            errors.append(
                EdiError(
                    Level.INTERCHANGE,
                    code(meaning, EDIFACT),
                    f"Segment UNB: {why}",
                    standard=EDIFACT,
                    interchange=control,
                    segment_tag="UNB",
                    line=seg.line,
                    segment_index=seg.index,
                    element=element,
                    component=component,
                )
            )

        if get(1, 1) not in SYNTAX_IDS:
            bad("interchange_version", 1, 1, f"syntax identifier {get(1, 1)!r} is not supported")
        if get(1, 2) not in ("1", "2", "3", "4"):
            bad("interchange_version", 1, 2, f"syntax version {get(1, 2)!r} is not supported")
        if not get(2, 1):
            bad("interchange_content", 2, 1, "interchange sender identification is empty")
        if not get(3, 1):
            bad("interchange_content", 3, 1, "interchange recipient identification is empty")
        if not valid_date(get(4, 1)):
            bad("interchange_date", 4, 1, f"date {get(4, 1)!r} is not a valid date")
        if not valid_time(get(4, 2)):
            bad("interchange_time", 4, 2, f"time {get(4, 2)!r} is not a valid time")
        if not control:
            bad(
                "interchange_invalid_control_number",
                5,
                None,
                "interchange control reference (0020) is empty",
            )
        interchange = Interchange(
            standard=EDIFACT,
            sender_qualifier=get(2, 2),
            sender=get(2, 1),
            receiver_qualifier=get(3, 2),
            receiver=get(3, 1),
            date=get(4, 1),
            time=get(4, 2),
            control_number=control,
            version=f"{get(1, 1)}:{get(1, 2)}",
            test=get(11) == "1",
            delimiters=delimiters,
            header=seg,
            acknowledgment_requested=get(9) == "1",
        )
        return interchange, errors

    def read_group(self, seg: Segment) -> tuple[FunctionalGroup, list[EdiError]]:
        get = seg.get
        group = FunctionalGroup(
            functional_id=get(1),
            sender=get(2, 1),
            receiver=get(3, 1),
            date=get(4, 1),
            time=get(4, 2),
            control_number=get(5),
            version=message_version(seg, 7),
            header=seg,
        )
        return group, []

    def read_transaction(self, seg: Segment, group: FunctionalGroup) -> Transaction:
        return Transaction(
            type=seg.get(2, 1),
            control_number=seg.get(1),
            version=message_version(seg, 2),
            implementation_reference=seg.get(2, 5),
        )

    def implicit_group(self, interchange: Interchange, transaction_type: str) -> FunctionalGroup:
        return FunctionalGroup(
            transaction_type,
            interchange.sender,
            interchange.receiver,
            interchange.date,
            interchange.time,
            "",
            "",
        )
