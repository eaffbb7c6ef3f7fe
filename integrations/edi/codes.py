"""Error codes by meaning, per standard: one table so X12 and EDIFACT share the checks.

X12 codes are those of TA105 (interchange), AK905 (group), AK502/IK502 (transaction),
AK304/IK304 (segment) and AK403/IK403 (element). EDIFACT codes are ISO 9735 syntax error
codes (data element 0085) as used in CONTRL UCI/UCF/UCM/UCS/UCD.
"""

from __future__ import annotations

from .delimiters import EDIFACT, X12

_TABLE: dict[str, tuple[str, str]] = {
    # meaning: (X12, EDIFACT)
    "interchange_control_mismatch": ("001", "28"),
    "interchange_count": ("021", "29"),
    "interchange_trailer_missing": ("023", "13"),
    "interchange_content": ("024", "33"),
    "interchange_invalid_control_number": ("018", "12"),
    "interchange_duplicate": ("025", "26"),
    "interchange_version": ("017", "2"),
    "interchange_date": ("014", "12"),
    "interchange_time": ("015", "12"),
    "interchange_test_indicator": ("020", "12"),
    "interchange_structure": ("022", "33"),
    "group_not_supported": ("1", "14"),
    "group_version": ("2", "2"),
    "group_trailer_missing": ("3", "13"),
    "group_control_mismatch": ("4", "28"),
    "group_count": ("5", "29"),
    "group_control_syntax": ("6", "12"),
    "groups_and_messages_mixed": ("024", "30"),
    "transaction_not_supported": ("1", "14"),
    "transaction_trailer_missing": ("2", "13"),
    "transaction_control_mismatch": ("3", "28"),
    "transaction_count": ("4", "29"),
    "transaction_segments_in_error": ("5", ""),
    "transaction_invalid_id": ("6", "12"),
    "transaction_invalid_control_number": ("7", "12"),
    "transaction_not_unique": ("23", "26"),
    "segment_unrecognized": ("1", "15"),
    "segment_unexpected": ("2", "15"),
    "segment_missing": ("3", "13"),
    "loop_max": ("4", "36"),
    "segment_max": ("5", "35"),
    "segment_not_in_set": ("6", "15"),
    "segment_sequence": ("7", "15"),
    "segment_has_errors": ("8", ""),
    "element_missing": ("1", "13"),
    "element_conditional_missing": ("2", "13"),
    "element_too_many": ("3", "16"),
    "element_too_short": ("4", "40"),
    "element_too_long": ("5", "39"),
    "element_invalid_character": ("6", "37"),
    "element_invalid_code": ("7", "12"),
    "element_invalid_date": ("8", "12"),
    "element_invalid_time": ("9", "12"),
    "element_exclusion": ("10", "12"),
    "element_too_many_repetitions": ("12", "16"),
    "element_too_many_components": ("13", "16"),
    "element_trailing_separator": ("", "45"),
}


def code(meaning: str, standard: str) -> str:
    """The code for ``meaning`` in ``standard`` ("X12" or "EDIFACT")."""
    x12, edifact = _TABLE[meaning]
    return x12 if standard == X12 else edifact if standard == EDIFACT else x12
