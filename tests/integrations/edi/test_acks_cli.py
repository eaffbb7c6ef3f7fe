"""Acknowledgments (997, 999, TA1, CONTRL), canonical JSON and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from edi_factories import OWN_SAMPLES, REPO_ROOT, envelope

from integrations.edi import EDIFACT, X12, acknowledge, parse, to_canonical_json, write
from integrations.edi.cli import edi

X12_850 = (OWN_SAMPLES / "850_004010.edi").read_text()
ORDERS = (OWN_SAMPLES / "orders_d96a.edi").read_text()


def ack_text(received: str, kind: str = "997", **env: object) -> str:
    result = parse(received.encode())
    responses = acknowledge(result, envelope(X12, **env), kind)
    text = b"".join(write(r) for r in responses).decode()
    assert parse(text.encode()).ok, text  # our own acks validate
    return text


def body(text: str) -> list[str]:
    lines = [line.rstrip("~") for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("ST"))
    return lines[start + 1 : -3]


def test_997_accepts_a_valid_order() -> None:
    assert body(ack_text(X12_850)) == ["AK1*PO*1", "AK2*850*0001", "AK5*A", "AK9*A*1*1*1"]


def test_997_carries_segment_and_element_detail() -> None:
    bad = X12_850.replace("PO1*2*20*EA", "PO1*2**EA").replace("CUR*BY*USD", "CUR*BY*USDX")
    assert body(ack_text(bad)) == [
        "AK1*PO*1",
        "AK2*850*0001",
        "AK3*CUR*3**8",
        "AK4*2*100*5*USDX",
        "AK3*PO1*14**8",
        "AK4*2*330*2",
        "AK5*R*5",
        "AK9*R*1*1*0",
    ]


def test_997_envelope_codes_and_ta1() -> None:
    bad = X12_850.replace("SE*20*0001", "SE*21*0001").replace("IEA*1*000000042", "IEA*1*000000041")
    text = ack_text(bad)
    assert "TA1*000000042*240506*0708*R*001" in text
    assert body(text)[-2:] == ["AK5*R*4", "AK9*R*1*1*0"]


def test_999_uses_ik_segments_with_context() -> None:
    bad = X12_850.replace("PID*F****WIDGET SIZE 2", "PID*Q****WIDGET SIZE 2")
    text = ack_text(bad, "999", version="005010")
    assert "ST*999*0001*005010X231" in text
    assert body(text) == [
        "AK1*PO*1",
        "AK2*850*0001",
        "IK3*PID*15**8",
        "CTX*SITUATIONAL TRIGGER*PO1*14",
        "IK4*1*349*7*Q",
        "IK5*R*5",
        "AK9*R*1*1*0",
    ]


def test_contrl_reports_message_segment_and_element() -> None:
    bad = ORDERS.replace("QTY+21:20:EA", "QTY+21::EA").replace("UNT+30+1", "UNT+31+1")
    result = parse(bad.encode())
    [response] = acknowledge(result, envelope(X12), "997")
    text = write(response).decode()
    assert response.standard == EDIFACT
    lines = [line.rstrip("'") for line in text.splitlines()]
    assert lines[1] == "UNH+1+CONTRL:D:3:UN"
    assert lines[2] == "UCI+42+CONCORD:ZZ+PARTNER:ZZ+7"
    assert lines[3:6] == ["UCM+1+ORDERS:D:96A:UN+4+29+UNT+1", "UCS+19", "UCD+13+1:2"]
    assert parse(text.encode()).ok


def test_canonical_json_is_deterministic_and_typed() -> None:
    first = to_canonical_json(parse(X12_850.encode()))
    assert json.dumps(first) == json.dumps(to_canonical_json(parse(X12_850.encode())))
    interchange = first["interchanges"][0]
    assert list(interchange)[:4] == ["standard", "control_number", "sender", "receiver"]
    assert interchange["date"] == "2024-05-06" and interchange["time"] == "07:08"
    po = interchange["groups"][0]["transactions"][0]["document"]
    assert po["kind"] == "purchase_order" and po["date"] == "2024-05-06"
    line = po["lines"][0]
    assert line["quantity"] == "10" and line["unit_price"] == "10.25"
    assert line["product_ids"][0] == {"qualifier": "BP", "kind": "buyer_part", "value": "BUY-1"}
    assert first["errors"] == [] and first["ok"] is True


def test_cli_parse_and_validate(tmp_path) -> None:
    runner = CliRunner()
    ok = runner.invoke(edi, ["parse", str(OWN_SAMPLES / "850_004010.edi")])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    bad = tmp_path / "bad.edi"
    bad.write_text(X12_850.replace("PO1*1*10*EA", "PO1*1**EA"))
    refused = runner.invoke(edi, ["parse", str(bad)])
    assert refused.exit_code == 1
    assert (
        "14:PO1:2: Segment PO1 at position 12: element PO102 (quantity ordered) is required"
        in refused.stderr
    )
    summary = runner.invoke(edi, ["validate", str(bad)])
    assert summary.exit_code == 1 and "1 rejected" in summary.stdout
    assert runner.invoke(edi, ["validate", str(OWN_SAMPLES / "orders_d96a.edi")]).exit_code == 0
    ack = runner.invoke(edi, ["ack", str(bad), "--sender", "US"])
    assert ack.exit_code == 0 and "AK5*R*5" in ack.stdout


def test_module_entry_point() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "integrations.edi.cli",
            "parse",
            str(OWN_SAMPLES / "orders_d96a.edi"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["interchanges"][0]["standard"] == "EDIFACT"
