"""Run a command (the deploy) under a load of concurrent HTTPS clients through the sandbox edge; print the counts.

    python sandbox/load.py --workdir .build/sandbox/demo [--clients 4] [--name app.example.test] -- COMMAND...

The clients send requests to 127.0.0.1 only, at the port the edge gave the name's HTTPS listener, trusting the
sandbox CA, from before the command starts until it has ended. Then the counts are printed: requests sent,
failed (an error or a status other than 200), and answered per app version and host (the demo app names both in
its JSON answer). The exit code is the command's, or 1 when it succeeded but a request failed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))

# pylint: disable-next=wrong-import-position
import edge  # noqa: E402
# pylint: disable-next=wrong-import-position
import through_edge  # noqa: E402


def target(workdir: Path, name: str) -> tuple[int, str]:
    """``(port, CA bundle)`` of the name's HTTPS listener on the edge."""
    status = edge.read_status(edge.EdgePaths(workdir.resolve()))
    entry = status.get("names", {}).get(name)
    if not entry or not entry.get("https"):
        raise SystemExit(f"the sandbox edge in {workdir} serves no HTTPS for {name}: run `make demo` first")
    return entry["https"], status["ca"]


def versions(bodies: Counter) -> tuple[Counter, Counter]:
    """Answers per app version, and per version and host."""
    per_version, per_host = Counter(), Counter()
    for body, count in bodies.items():
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        per_version[answer.get("version", "?")] += count
        per_host[f"{answer.get('host', '?')} {answer.get('version', '?')}"] += count
    return per_version, per_host


def report(load: through_edge.Load, seconds: float) -> dict:
    """The counts of a finished load, as a dict (also printed)."""
    per_version, per_host = versions(load.bodies)
    return {
        "clients": load.threads,
        "seconds": round(seconds, 1),
        "sent": load.ok + len(load.failures),
        "failed": len(load.failures),
        "per_version": dict(sorted(per_version.items())),
        "per_host": dict(sorted(per_host.items())),
        "failures": Counter(load.failures).most_common(5),
    }


def print_report(counts: dict, url: str) -> None:
    """The lines users read at the end of `make deploy`."""
    print(f"\n== Load through the sandbox edge during the deploy: {url}, {counts['clients']} concurrent clients, "
          f"{counts['seconds']} s")
    print(f"requests sent: {counts['sent']}")
    print(f"failed:        {counts['failed']}")
    print("per version:   " + (", ".join(f"{v} {n}" for v, n in counts["per_version"].items()) or "none"))
    print("per host:      " + (", ".join(f"{h}: {n}" for h, n in counts["per_host"].items()) or "none"))
    for failure, count in counts["failures"]:
        print(f"  failure x{count}: {failure}")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the command under load, print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workdir", type=Path, required=True, help="the sandbox's work directory")
    parser.add_argument("--name", default="app.example.test", help="the name to send requests to")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (at least 1)")
    parser.add_argument("--json", type=Path, help="also write the counts to this file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command or args.clients < 1:
        parser.error("give --clients 1 or more and a command after --")
    port, ca_path = target(args.workdir, args.name)
    url = f"https://{args.name}:{port}/ (127.0.0.1)"
    started = time.monotonic()
    with through_edge.Load(args.name, port, ca_path, threads=args.clients) as load:
        rc = subprocess.call(command)
    counts = report(load, time.monotonic() - started)
    print_report(counts, url)
    if args.json:
        args.json.write_text(json.dumps(counts, indent=2), encoding="utf-8")
    return rc if rc else (1 if counts["failed"] else 0)


if __name__ == "__main__":
    sys.exit(main())
