"""EDI parse + validate throughput and memory, against peers, in one run.

    .venv/bin/python bench/edi_parse.py [--size-mb 50] [--peer-mb 5]

Generates (with our writer) an X12 850 interchange and an EDIFACT ORDERS interchange of
``--size-mb`` each in a temporary directory, then measures:

* ours: `EdiReader` streaming, envelope checks + full 850 / ORDERS schema validation;
* pyx12 `X12Reader` (segments, its own envelope checks) and pydifact's streaming
  `Parser().parse()`: both far slower, so they read the first ``--peer-mb`` MB (a valid
  prefix file of whole transactions) and are compared in MB/s;
* a bare floor: decode + ``str.split`` on segment and element separators;
* the ours / peer ratio over wall-clock time and over CPU time (steadier on a loaded machine);
* peak RSS of a fresh process parsing the 5 MB and the full-size file (memory must be flat).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrations.edi import (  # noqa: E402 - after the path tweak, for a plain script run
    EDIFACT,
    X12,
    Address,
    EdiReader,
    Envelope,
    OrderLine,
    Party,
    ProductId,
    PurchaseOrder,
    ReaderOptions,
    from_document,
)
from integrations.edi.writer import build_interchange, segment_text  # noqa: E402

MB = 1 << 20


def sample_order(standard: str, lines: int = 60) -> PurchaseOrder:
    return PurchaseOrder(
        number="PO-2024-000001",
        date=date(2024, 5, 6),
        currency="USD",
        order_type="SA" if standard == X12 else "220",
        requested_delivery_date=date(2024, 5, 20),
        parties=[
            Party(
                "BY",
                "ACME RETAIL",
                "5412345000013",
                "9",
                Address(["1 MAIN ST"], "SPRINGFIELD", "IL", "62701", "US"),
            ),
            Party("ST", "ACME DC 7", "0003947268292", "92"),
        ],
        lines=[
            OrderLine(
                str(n),
                Decimal(n % 50 + 1),
                "EA",
                Decimal("12.34"),
                [
                    ProductId("BP", f"BUY-{n:05d}"),
                    ProductId("VN", f"VEND-{n:05d}"),
                    ProductId("UP", f"0123456{n:05d}"),
                ],
                f"WIDGET MODEL {n}",
            )
            for n in range(1, lines + 1)
        ],
    )


def generate(path: Path, standard: str, size: int) -> int:
    """Write one interchange of about ``size`` bytes; return the number of transactions."""
    env = Envelope(standard, "CONCORD", "PARTNER", 1, timestamp=datetime(2024, 5, 6, 7, 8))
    d = env.resolved_delimiters
    edifact = standard == EDIFACT
    template = build_interchange([from_document(sample_order(standard), standard)], env)
    group = template.groups[0]
    tx = group.transactions[0]
    body = "".join(segment_text(s, d, edifact) for s in tx.segments[1:-1])
    head = segment_text(template.header, d, edifact)  # type: ignore[arg-type]
    if group.header is not None:
        head += segment_text(group.header, d, edifact)
    count = 0
    with path.open("w", encoding="ascii") as out:
        out.write(head)
        written = len(head)
        while written < size:
            count += 1
            if edifact:
                text = f"UNH+{count}+ORDERS:D:96A:UN'\n{body}UNT+{len(tx.segments)}+{count}'\n"
            else:
                text = f"ST*850*{count:04d}~\n{body}SE*{len(tx.segments)}*{count:04d}~\n"
            out.write(text)
            written += len(text)
        out.write(f"UNZ+{count}+1'\n" if edifact else f"GE*{count}*1~\nIEA*1*000000001~\n")
    return count


def prefix(src: Path, dst: Path, size: int, standard: str) -> None:
    """A valid smaller interchange: the first transactions of ``src`` up to ``size`` bytes."""
    data = src.read_bytes()
    end_tag = b"UNT+" if standard == EDIFACT else b"SE*"
    cut = data.rfind(b"\n" + end_tag, 0, size)
    cut = data.index(b"\n", cut + 1) + 1
    count = data.count(b"\nUNH+" if standard == EDIFACT else b"\nST*", 0, cut)
    tail = (
        f"UNZ+{count}+1'\n" if standard == EDIFACT else f"GE*{count}*1~\nIEA*1*000000001~\n"
    ).encode()
    dst.write_bytes(data[:cut] + tail)


def ours(path: Path) -> int:
    with path.open("rb") as f:
        reader = EdiReader(f, ReaderOptions(), keep_segments=False)
        done = sum(1 for _ in reader)
    assert reader.result.ok, reader.result.errors[:3]
    return done


def floor(path: Path, terminator: str, element: str) -> int:
    n = 0
    rest = ""
    with path.open("rb") as f:
        while chunk := f.read(MB):
            parts = (rest + chunk.decode("utf-8")).split(terminator)
            rest = parts.pop()
            for seg in parts:
                n += len(seg.split(element))
    return n


def pyx12_reader(path: Path) -> int:
    from pyx12.x12file import X12Reader

    with path.open() as f:
        reader = X12Reader(f)
        n = sum(1 for _ in reader)
        assert not list(reader.pop_errors())
    return n


def pydifact_parser(path: Path) -> int:
    from pydifact.parser import Parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sum(1 for _ in Parser().parse(path.read_text()))


def timed(fn: Callable[[], object], path: Path) -> float:
    """MB/s over wall-clock time."""
    return timed_both(fn, path)[0]


def timed_both(fn: Callable[[], object], path: Path) -> tuple[float, float]:
    """MB/s over wall-clock time and over this process's CPU time.

    On a shared machine the wall clock also counts the time other processes held the core;
    CPU time does not, so ratios over CPU time vary far less with the machine's load.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = path.stat().st_size / MB
    return size / wall, size / cpu


def peak_rss_mb(path: Path) -> float:
    """Peak RSS (VmHWM, which unlike ru_maxrss starts afresh at exec) of a clean parse."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from integrations.edi import EdiReader, ReaderOptions;"
        "r = EdiReader(open(sys.argv[1], 'rb'), ReaderOptions(), keep_segments=False);"
        "[None for _ in r];"
        "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--peer-mb", type=float, default=5)
    args = parser.parse_args()
    size, peer = int(args.size_mb * MB), int(args.peer_mb * MB)
    report: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for standard, name in ((X12, "x12_850"), (EDIFACT, "edifact_orders")):
            big, small = Path(tmp, f"{name}.edi"), Path(tmp, f"{name}_small.edi")
            transactions = generate(big, standard, size)
            prefix(big, small, peer, standard)
            term, elem = ("~", "*") if standard == X12 else ("'", "+")
            peer_fn = pyx12_reader if standard == X12 else pydifact_parser
            row = {
                "file_mb": round(big.stat().st_size / MB, 1),
                "transactions": transactions,
                "ours_mb_s": timed(lambda p=big: ours(p), big),
                "floor_mb_s": timed(lambda p=big, t=term, e=elem: floor(p, t, e), big),
            }
            # Same bytes, alternating runs, best of three (wall clock and CPU time separately).
            ours_best, peer_best = [0.0, 0.0], [0.0, 0.0]
            for _ in range(3):
                for best, fn in ((ours_best, ours), (peer_best, peer_fn)):
                    wall, cpu = timed_both(lambda f=fn, p=small: f(p), small)
                    best[0], best[1] = max(best[0], wall), max(best[1], cpu)
            row["ours_small_mb_s"], row["ours_small_cpu_mb_s"] = ours_best
            row["peer_mb_s"], row["peer_cpu_mb_s"] = peer_best
            row["rss_small_mb"] = peak_rss_mb(small)
            row["rss_big_mb"] = peak_rss_mb(big)
            report[name] = row
    for name, row in report.items():
        peer_name = "pyx12 X12Reader" if name.startswith("x12") else "pydifact Parser"
        print(f"\n{name}: {row['file_mb']} MB, {row['transactions']} transactions")
        print(f"  ours (parse + envelopes + schema): {row['ours_mb_s']:7.2f} MB/s")
        print(
            f"  {peer_name:<33}: {row['peer_mb_s']:7.2f} MB/s "
            f"(on the {args.peer_mb:g} MB prefix; ours there {row['ours_small_mb_s']:.2f})"
        )
        print(f"  str.split floor                  : {row['floor_mb_s']:7.2f} MB/s")
        print(
            f"  ratio ours / peer (same prefix)  : "
            f"{row['ours_small_mb_s'] / row['peer_mb_s']:7.2f}x wall clock, "
            f"{row['ours_small_cpu_mb_s'] / row['peer_cpu_mb_s']:.2f}x CPU time"
        )
        print(f"  ratio ours / floor               : {row['ours_mb_s'] / row['floor_mb_s']:7.2f}x")
        print(
            f"  peak RSS {args.peer_mb:g} MB file: {row['rss_small_mb']:.1f} MiB, "
            f"{row['file_mb']} MB file: {row['rss_big_mb']:.1f} MiB "
            f"(growth {row['rss_big_mb'] - row['rss_small_mb']:+.1f} MiB)"
        )
    print("\n" + json.dumps({k: {m: round(v, 2) for m, v in r.items()} for k, r in report.items()}))


if __name__ == "__main__":
    main()
