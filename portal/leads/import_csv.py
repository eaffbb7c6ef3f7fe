"""Reading a CSV file of leads: encoding and delimiter, guessing which column holds which lead
field, and cleaning each row into lead values with messages a person can act on.

No database and no Flask: ``portal.leads.imports`` runs this over stored files. Rows are
numbered as a spreadsheet shows them, the header being row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from partners.text import control_character

#: Bytes looked at to tell a CSV from something else, and to find its delimiter.
SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
MAX_COLUMNS = 200

NOT_CSV = "This is not a CSV file: it contains binary data."
WORKBOOK = (
    "This looks like an Excel or OpenDocument workbook. Save it as “CSV UTF-8” in your "
    "spreadsheet program and upload that file."
)
NOT_UTF8 = (
    "The file is not UTF-8 text{where}. Save it as “CSV UTF-8” in your spreadsheet program "
    "and upload it again."
)


class CsvError(ValueError):
    """The file cannot be read as a CSV of leads; the message says what to do."""


# Reading ---------------------------------------------------------------------------------------


class _Chunks(io.RawIOBase):
    """A readable binary stream over an iterator of byte chunks (e.g. from document storage)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def sniff_delimiter(sample: bytes) -> str:
    """The delimiter of a file starting with ``sample``; refuses binary and non-UTF-8 files."""
    if b"\x00" in sample:
        raise CsvError(
            WORKBOOK if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) else NOT_CSV
        )
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
    except UnicodeDecodeError:
        raise CsvError(NOT_UTF8.format(where="")) from None
    lines = text.splitlines()
    if len(sample) >= SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut short
    sample_text = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample_text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # Too little to go by (one column, one row): the delimiter the header uses most.
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=lambda d: (header.count(d), d == ","))


def read_rows(chunks: Iterable[bytes], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row number, values)`` for every row, the header first (row 1)."""
    stream = io.TextIOWrapper(io.BufferedReader(_Chunks(chunks)), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise CsvError(NOT_UTF8.format(where=f" after row {number}")) from None
        except csv.Error as error:
            raise CsvError(f"Row {number + 1} cannot be read: {error}.") from None
        number += 1
        yield number, values


def is_blank(values: list[str]) -> bool:
    return not any(value.strip() for value in values)


@dataclass(frozen=True)
class Inspection:
    delimiter: str
    headers: list[str]
    #: Data rows, blank ones not counted.
    rows: int


def inspect(open_chunks: Callable[[], Iterable[bytes]], max_rows: int) -> Inspection:
    """Read the whole file once: its delimiter, its header and how many rows it has. Raises
    CsvError for anything that is not a readable CSV with a header and at least one row."""
    sample = b"".join(_first_bytes(open_chunks(), SAMPLE_BYTES))
    if not sample.strip():
        raise CsvError("The file is empty.")
    delimiter = sniff_delimiter(sample)
    rows = read_rows(open_chunks(), delimiter)
    _number, header = next(rows)
    headers = [name.strip() for name in header]
    if is_blank(headers):
        raise CsvError("The first row must name the columns (Company, Email, …).")
    if len(headers) > MAX_COLUMNS:
        raise CsvError(f"The file has {len(headers)} columns; at most {MAX_COLUMNS} are read.")
    count = 0
    for _number, values in rows:
        count += not is_blank(values)
        if count > max_rows:
            raise CsvError(f"The file has more than {max_rows:,} rows; split it into parts.")
    if not count:
        raise CsvError("The file has a header but no rows of leads.")
    return Inspection(delimiter, headers, count)


def _first_bytes(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    taken = 0
    for chunk in chunks:
        yield chunk[: size - taken]
        taken += len(chunk)
        if taken >= size:
            return


# Lead fields ----------------------------------------------------------------------------------

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
COUNTRY = re.compile(r"[A-Za-z]{2}")
MAX_AMOUNT = Decimal("999999999999.99")
#: What most files hold, read without the separator rules: ``1234`` or ``1234.5``.
PLAIN_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,2})?")
CENTS = Decimal("0.01")


def _shown(raw: str) -> str:
    return f"“{raw[:40]}…”" if len(raw) > 40 else f"“{raw}”"


def _text(limit: int, required: bool = False) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if required and not raw:
            raise ValueError("is empty")
        if len(raw) > limit:
            raise ValueError(f"is longer than {limit} characters")
        return raw

    return parse


def _email(raw: str) -> str:
    email = raw.lower()
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        raise ValueError(f"{_shown(raw)} is not an email address")
    return email


def _country(raw: str) -> str:
    if raw and not COUNTRY.fullmatch(raw):
        raise ValueError(f"{_shown(raw)} is not a two-letter country code such as DE")
    return raw.upper()


def _campaign(raw: str) -> str | None:
    return _text(80)(raw) or None


def _number(text: str) -> Decimal | None:
    """A finite decimal, or None (not a number, NaN, infinity)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _score(raw: str) -> int:
    if not raw:
        return 0
    if raw.isdigit() and len(raw) <= 3 and int(raw) <= 100:
        return int(raw)
    value = _number(raw)
    if value is None or value != value.to_integral_value() or not 0 <= value <= 100:
        raise ValueError(f"{_shown(raw)} is not a whole number from 0 to 100")
    return int(value)


def _amount(raw: str) -> Decimal | None:
    """Accepts 1234.5, 1,234.50, 1.234,50 and 12,5 (a lone comma before one or two digits is a
    decimal comma), with or without a currency sign."""
    if not raw:
        return None
    if PLAIN_AMOUNT.fullmatch(raw):
        return Decimal(raw).quantize(CENTS, rounding=ROUND_HALF_UP)
    text = re.sub(r"[\s\u00a0$€£¥']", "", raw)
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif text.count(",") == 1 and len(text.rpartition(",")[2]) in (1, 2):
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    value = _number(text)
    if value is None:
        raise ValueError(f"{_shown(raw)} is not an amount")
    if not 0 <= value <= MAX_AMOUNT:
        raise ValueError(f"{_shown(raw)} is not an amount from 0 to {MAX_AMOUNT:,.2f}")
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ImportField:
    """A lead field a column may fill, the header names that suggest it, and its parser."""

    name: str
    label: str
    headers: tuple[str, ...]
    parse: Callable[[str], Any]


FIELDS = (
    ImportField(
        "company",
        "Company",
        ("company", "company name", "account", "account name", "organization", "organisation"),
        _text(200, required=True),
    ),
    ImportField(
        "contact_name",
        "Contact name",
        ("contact name", "contact", "name", "full name", "person"),
        _text(200),
    ),
    ImportField(
        "contact_email",
        "Email",
        ("email", "e-mail", "email address", "contact email", "mail"),
        _email,
    ),
    ImportField("country", "Country", ("country", "country code", "iso country"), _country),
    ImportField("region", "Region", ("region", "territory", "geo"), _text(40)),
    ImportField("industry", "Industry", ("industry", "sector", "vertical"), _text(80)),
    ImportField(
        "product_line",
        "Product line",
        ("product line", "product", "product interest", "solution"),
        _text(80),
    ),
    ImportField("campaign", "Campaign", ("campaign", "campaign code", "utm campaign"), _campaign),
    ImportField(
        "amount",
        "Amount",
        ("amount", "estimated amount", "value", "deal size", "budget", "opportunity amount"),
        _amount,
    ),
    ImportField("score", "Score", ("score", "lead score", "rating"), _score),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
#: Lead field → index of the column it is read from (None: not imported).
Mapping = dict[str, int | None]


def _normal(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def guess_mapping(headers: list[str]) -> Mapping:
    """Map each field to the first column whose header names it; a column fills one field."""
    by_name: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_name.setdefault(_normal(header), index)
    mapping: Mapping = {}
    for field in FIELDS:
        free = (by_name[n] for n in map(_normal, field.headers) if n in by_name)
        index = next((i for i in free if i not in mapping.values()), None)
        mapping[field.name] = index
    return mapping


def clean_row(values: list[str], mapping: Mapping) -> tuple[dict[str, Any], list[str]]:
    """The row as ``LeadDetails`` keyword arguments, and what is wrong with it (empty if
    nothing). A field whose column is not mapped, or missing from a short row, is empty."""
    details: dict[str, Any] = {}
    problems = []
    present = len(values)
    for name, index in mapping.items():
        field = FIELDS_BY_NAME[name]
        raw = values[index].strip() if index is not None and index < present else ""
        if (found := control_character(raw)) is not None:
            problems.append(f"{field.label} contains {found}; remove it from the file.")
            details[name] = raw
            continue
        try:
            details[name] = field.parse(raw)
        except ValueError as problem:
            problems.append(f"{field.label} {problem}.")
    return details, problems
