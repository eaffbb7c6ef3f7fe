"""``concord edi …``: parse, validate and acknowledge EDI files from the command line.

Registered by the app under its ``concord`` group; ``python -m integrations.edi.cli`` runs it
standalone.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from .acks import acknowledge
from .canonical import to_canonical_json
from .envelope import parse
from .model import ParseResult
from .options import ReaderOptions
from .writer import Envelope, write

edi = click.Group("edi", help="Read, validate and acknowledge X12 and EDIFACT files.")

_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_STRICT = click.option("--strict", is_flag=True, help="Turn every leniency into an error.")


def _read(file: Path, strict: bool) -> ParseResult:
    return parse(file, ReaderOptions.strict() if strict else ReaderOptions())


def _report(result: ParseResult) -> None:
    for error in result.errors:
        click.echo(str(error), err=True)


@edi.command("parse")
@_FILE
@_STRICT
def parse_command(file: Path, strict: bool) -> None:
    """Print FILE as canonical JSON; if invalid, exit 1 and list line:segment:element errors."""
    result = _read(file, strict)
    canonical = to_canonical_json(result)
    click.echo(json.dumps(canonical, indent=2, ensure_ascii=False))
    if not canonical["ok"]:
        for error in canonical["errors"]:
            if error["severity"] == "error":
                click.echo(f"{error['position']}: {error['message']}", err=True)
        sys.exit(1)


@edi.command("validate")
@_FILE
@_STRICT
def validate_command(file: Path, strict: bool) -> None:
    """Check FILE's envelopes and supported transaction sets; print a summary."""
    result = _read(file, strict)
    _report(result)
    statuses = Counter(t.status.name.lower() for t in result.transactions)
    groups = sum(len(i.groups) for i in result.interchanges)
    errors = sum(e.is_error for e in result.errors)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "none"
    click.echo(
        f"{file}: {len(result.interchanges)} interchange(s), {groups} group(s), "
        f"{len(result.transactions)} transaction set(s) ({summary}); "
        f"{errors} error(s), {len(result.errors) - errors} warning(s)"
    )
    click.echo("valid" if result.ok else "INVALID")
    sys.exit(0 if result.ok else 1)


@edi.command("ack")
@_FILE
@click.option(
    "--kind",
    type=click.Choice(["997", "999"]),
    default="997",
    show_default=True,
    help="X12 acknowledgment type (EDIFACT always gets CONTRL).",
)
@click.option("--sender", required=True, help="Our interchange ID.")
@click.option("--qualifier", default="ZZ", show_default=True, help="Our ID qualifier.")
@click.option("--control-number", type=int, default=1, show_default=True)
def ack_command(file: Path, kind: str, sender: str, qualifier: str, control_number: int) -> None:
    """Write the acknowledgment(s) for FILE to stdout."""
    result = parse(file)
    envelope = Envelope("X12", sender, "", control_number, sender_qualifier=qualifier)
    for response in acknowledge(result, envelope, kind):
        sys.stdout.buffer.write(write(response))


if __name__ == "__main__":
    edi()
