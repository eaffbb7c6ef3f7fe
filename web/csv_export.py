"""CSV exports of any sharing-scoped ``Select``: the rows the list page shows, streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from enum import Enum

from flask import Response, stream_with_context
from sqlalchemy import Select
from sqlalchemy.orm import Session

from web.database import db_session

BATCH = 500


def stream(db: Session, query: Select, batch: int = BATCH) -> Iterator:
    """Every row of ``query`` in batches, for exports of any size."""
    for partition in db.scalars(query.execution_options(yield_per=batch)).partitions():
        yield from partition


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    text = str(value)
    # A spreadsheet would run a cell starting with one of these as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(query: Select, columns: Sequence[str], filename: str) -> Response:
    """Stream the records of ``query`` as CSV, ``columns`` being their attributes."""

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        # The request's session is closed once the response starts: stream from a new one.
        for number, record in enumerate(stream(db_session(), query), start=1):
            writer.writerow([cell(getattr(record, column)) for column in columns])
            if number % BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def table_response(
    columns: Sequence[str], rows: Sequence[Sequence[object]], filename: str
) -> Response:
    """Computed rows (a dashboard figure's table) as CSV, cell by cell as the page shows them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([cell(value) for value in row] for row in rows)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
