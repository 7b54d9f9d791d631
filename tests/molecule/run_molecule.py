"""Run every Molecule scenario and write one JUnit file with a test case per scenario.

Scenarios are the directories under extensions/molecule that hold a molecule.yml. Each runs
``molecule test`` (converge, idempotence, verify, then destroy) with its own Ansible temp and cache
directories under .build/molecule, so that concurrent Ansible runs on the machine are not disturbed.
A scenario that fails or is interrupted is destroyed again, so no container is left behind.

Usage: python tests/molecule/run_molecule.py --results .build/results/molecule.xml [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "extensions" / "molecule"
WORK = REPO / ".build" / "molecule"
IMAGE_SECONDS = REPO / ".build" / "image" / "build-seconds"
BIN = Path(sys.executable).parent


def scenarios(names: list[str]) -> list[str]:
    """Return the scenario names to run: the given ones, or every one found."""
    found = sorted(path.parent.name for path in SCENARIOS.glob("*/molecule.yml"))
    unknown = [name for name in names if name not in found]
    if unknown:
        raise SystemExit(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(found)}")
    return names or found


def scenario_env(name: str) -> dict[str, str]:
    """Return the environment of one scenario run: private temp and cache directories."""
    work = WORK / name
    for sub in ("tmp", "cache", "home"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "ANSIBLE_LOCAL_TEMP": str(work / "tmp"),
        "ANSIBLE_HOME": str(work / "home"),
        "XDG_CACHE_HOME": str(work / "cache"),
        "ANSIBLE_FORCE_COLOR": "0",
        "PY_COLORS": "0",
        "NO_COLOR": "1",
    })
    # The collection comes from the layout the Makefile prepares, never from a copy in ~/.ansible.
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".build" / "collections"))
    env.setdefault("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "true")
    return env


def run_logged(command: list[str], env: dict[str, str], log: Path) -> int:
    """Run a command, streaming its output to ours and to a log file; return its exit code."""
    with log.open("a", encoding="utf-8") as sink:
        with subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace") as proc:
            for line in proc.stdout:
                sys.stdout.write(line)
                sink.write(line)
            sys.stdout.flush()
            return proc.wait()


def run_scenario(name: str) -> tuple[int, float, Path]:
    """Run ``molecule test`` for one scenario; destroy it again when it did not pass."""
    env = scenario_env(name)
    log = WORK / name / "molecule.log"
    log.write_text("", encoding="utf-8")
    started = time.monotonic()
    rc = 1
    try:
        rc = run_logged([str(BIN / "molecule"), "test", "-s", name, "--destroy", "always"], env, log)
    finally:
        if rc != 0:
            print(f"molecule: {name} did not pass; destroying its instances", flush=True)
            run_logged([str(BIN / "molecule"), "destroy", "-s", name], env, log)
    return rc, time.monotonic() - started, log


def write_junit(path: Path, rows: list[tuple[str, int, float, Path]]) -> None:
    """Write one test case per scenario; a failed one carries the end of its log."""
    suite = ET.Element("testsuite", name="molecule", tests=str(len(rows)),
                       failures=str(sum(1 for row in rows if row[1] != 0)),
                       time=f"{sum(row[2] for row in rows):.1f}")
    for name, rc, seconds, log in rows:
        case = ET.SubElement(suite, "testcase", classname="molecule", name=name, time=f"{seconds:.1f}")
        if rc != 0:
            # Colour codes and other control characters are not allowed in XML 1.0.
            text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f]", "", log.read_text(encoding="utf-8", errors="replace"))
            tail = text.splitlines()[-60:]
            failure = ET.SubElement(case, "failure", message=f"molecule test -s {name} exited {rc}")
            failure.text = "\n".join(tail)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="unicode")


def main() -> int:
    """Run the scenarios, write the JUnit file, print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, required=True, help="JUnit file to write")
    parser.add_argument("scenario", nargs="*", help="scenarios to run (default: all)")
    args = parser.parse_args()

    rows = []
    for name in scenarios(args.scenario):
        print(f"\n===== molecule scenario {name} =====", flush=True)
        rc, seconds, log = run_scenario(name)
        rows.append((name, rc, seconds, log))
        write_junit(args.results, rows)

    print("\n===== molecule summary =====")
    if IMAGE_SECONDS.is_file():
        print(f"image build: {IMAGE_SECONDS.read_text(encoding='utf-8').strip()}")
    for name, rc, seconds, log in rows:
        print(f"{name:<12} {'passed' if rc == 0 else 'FAILED':<7} {seconds:7.1f}s  log: {log.relative_to(REPO)}")
    return 0 if rows and all(row[1] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
