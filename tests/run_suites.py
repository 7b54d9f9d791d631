"""Run every test suite in order and print one summary; ``make test`` calls this.

Each suite runs as a subprocess (``make <suite>``), even when an earlier one failed,
with its output streamed. Suites that write JUnit XML are counted per test case;
the others count as one test, passed or failed by exit code. A suite that runs no
test, or fails without a failing test case, counts as failed. The last line is
exactly ``N passed, N failed``; the exit code is 1 if anything failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / ".build" / "results"

# name, command, JUnit file in .build/results (None: one test, judged by exit code).
# Add Molecule and e2e suites here, one line each.
SUITES = [
    ("sanity", ["make", "sanity"], "sanity.xml"),
    ("unit", ["make", "unit"], "unit.xml"),
    ("fidelity", ["make", "fidelity"], "fidelity.xml"),
    ("integration", ["make", "integration"], "integration.xml"),
    ("lint", ["make", "lint"], None),
    ("changelog-lint", ["make", "changelog-lint"], None),
    ("molecule", ["make", "molecule"], "molecule.xml"),
    ("e2e", ["make", "e2e"], "e2e.xml"),
]


def junit_counts(path: Path) -> dict[str, int]:
    """Count passed, failed (failure or error) and skipped test cases in a JUnit file."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


def judge(rc: int, junit: Path | None) -> tuple[dict[str, int], str]:
    """Return a suite's counts and a note, from its exit code and JUnit file."""
    if junit is None:
        return {"passed": int(rc == 0), "failed": int(rc != 0), "skipped": 0}, "" if rc == 0 else f"exit {rc}"
    if not junit.is_file():
        return {"passed": 0, "failed": 1, "skipped": 0}, f"exit {rc}, no JUnit file"
    try:
        counts = junit_counts(junit)
    except ET.ParseError as exc:
        return {"passed": 0, "failed": 1, "skipped": 0}, f"exit {rc}, unreadable JUnit file: {exc}"
    notes = []
    if rc != 0 and counts["failed"] == 0:
        counts["failed"] += 1
        notes.append(f"exit {rc} without a failing test")
    if counts["passed"] + counts["failed"] == 0:
        counts["failed"] += 1
        notes.append("no test ran")
    return counts, "; ".join(notes)


def run_suite(command: list[str]) -> tuple[int, float]:
    """Run one suite with its output going straight to ours; return exit code and seconds."""
    started = time.monotonic()
    rc = subprocess.call(command, cwd=REPO)
    return rc, time.monotonic() - started


def main() -> int:
    """Run the suites, print the table and the final count line."""
    for suite in SUITES:
        if suite[2]:
            (RESULTS / suite[2]).unlink(missing_ok=True)

    rows = []
    for name, command, junit in SUITES:
        print(f"\n===== {name}: {' '.join(command)} =====", flush=True)
        rc, seconds = run_suite(command)
        counts, note = judge(rc, RESULTS / junit if junit else None)
        rows.append((name, counts, seconds, note))

    passed = sum(row[1]["passed"] for row in rows)
    failed = sum(row[1]["failed"] for row in rows)
    print("\n===== summary =====")
    print(f"{'suite':<16} {'passed':>6} {'failed':>6} {'skipped':>7} {'time':>8}  note")
    for name, counts, seconds, note in rows:
        print(f"{name:<16} {counts['passed']:>6} {counts['failed']:>6} {counts['skipped']:>7} {seconds:>7.1f}s  {note}")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
