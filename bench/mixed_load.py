"""Mixed load on one pass: booking, cancelling, freezing, reassigning and webhook replays at once.

Runs tests/scheduling/test_mixed_load.py (the real views and services on committed data, a bounded
pool of threads, each request with its own database connection) at several sizes, and prints one
markdown row per size: wall time, latency p50/p95 of a request, requests of each kind, and errors
(a 500, a deadlock: the test fails on any, so a row exists only for a clean run with an exact ledger).

Uses the test database of the environment it runs in (pytest-django creates it), like the test:

    source <your test env>; .venv/bin/python -m bench.mixed_load [requests:workers ...]

Default sizes: 400:12 (the test's own), 400:4, 1000:24.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/scheduling/test_mixed_load.py"
SIZES = ["400:12", "400:4", "1000:24"]
LINE = re.compile(r"MIXED-LOAD (.*)")


def run(requests: int, workers: int) -> dict:
    env = {**os.environ, "MIXED_LOAD_REQUESTS": str(requests), "MIXED_LOAD_WORKERS": str(workers)}
    started = time.perf_counter()
    result = subprocess.run([str(ROOT / ".venv/bin/pytest"), TEST, "-q", "-s", "-p", "no:randomly", "-p",
                             "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    found = LINE.search(result.stdout)
    if result.returncode != 0 or found is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-2000:])
        raise SystemExit(f"{requests}:{workers} failed (exit {result.returncode})")
    figures = dict(pair.split("=") for pair in found.group(1).split())
    figures["total_seconds"] = f"{time.perf_counter() - started:.0f}"
    return figures


def main(sizes: list[str]) -> None:
    print("| Requests × threads | Wall time | p50 / p95 per request | book / cancel / freeze / reassign / webhook "
          "| 500s, deadlocks |")
    print("|---|---|---|---|---|")
    for size in sizes:
        requests, workers = (int(part) for part in size.split(":"))
        sys.stderr.write(f"{requests} requests, {workers} threads\n")
        f = run(requests, workers)
        kinds = " / ".join(f[name] for name in ("book", "cancel", "freeze", "reassign", "webhook"))
        print(f"| {requests} × {workers} | {float(f['seconds']):.1f} s | {f['p50_ms']} / {f['p95_ms']} ms "
              f"| {kinds} | {f['errors']} |")


if __name__ == "__main__":
    main(sys.argv[1:] or SIZES)
