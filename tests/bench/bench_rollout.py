"""`make bench`, the sandbox rollout: API calls and wall time of site.yml, its no-op rerun and teardown.yml.

Two sandboxes are set up one after the other (moto on a free port, containers ``webops-bench-rollout-*``), each
fresh, so that the web hosts are configured from scratch in both:

1. with moto's certificate validation wait short (3 s): the first site.yml run, the rerun and the teardown, each
   with its wall time and its AWS calls, read and mutating, per service (from moto's request log);
2. with a long validation wait (``MOTO_ACM_VALIDATION_WAIT``, 20 s unless given): the first run again. The
   certificate is requested in the edge's first phase and awaited in its second phase, after the hosts are
   configured, with the load balancer and target health awaited right after it (all three were started in the first
   phase, so AWS works on them at once); the long wait overlaps the host configuration and the total grows by less
   than the added wait (by nothing when the hosts take longer).

Both sandboxes run the sandbox edge; its renders (read moto, render, ``haproxy -c`` and reload) are timed from
its log and printed too.

Numbers are printed, never asserted. Run it alone with ``python tests/bench/bench_rollout.py [--acm-wait 20]``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "tests" / "harness"), str(REPO / "sandbox")]

# pylint: disable-next=wrong-import-position
from api_calls import count_calls, is_mutating, parse_lines  # noqa: E402
# pylint: disable-next=wrong-import-position
from moto_server import free_port  # noqa: E402
# pylint: disable-next=wrong-import-position
from sandbox import Sandbox  # noqa: E402

NAME = "bench-rollout"
SHORT_WAIT = 3
SERVICES = ("acm", "ec2", "elasticloadbalancing", "route53")
# Task names (as printed in TASK [...] headers) that mark the certificate request and the waits of the finish phase,
# the first and the last of the three run in the foreground one after the other.
# The stack engine starts the certificate and the load balancer in one task, and waits for all three in one task.
REQUEST_TASK = "Certificate (no wait), validation records, target groups, load balancer (no wait), port 80 listener"
FIRST_WAIT_TASK = "Wait for the certificate, the load balancer and the targets at once; HTTPS listener, rules, DNS aliases"
LAST_WAIT_TASK = FIRST_WAIT_TASK
PLAYBOOK_TIMEOUT = 900


def run_playbook(box: Sandbox, playbook: str) -> dict:
    """Run a playbook against the sandbox; return its rc, wall time, AWS calls and when each task started."""
    lines_before = len(box.recording.read_text(encoding="utf-8").splitlines()) if box.recording.exists() else 0
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(REPO / ".build" / "collections"), ANSIBLE_PIPELINING="true",
               ANSIBLE_NOCOLOR="true", PYTHONUNBUFFERED="1")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(REPO / "inventories" / "sandbox"),
               "-i", str(box.inventory), str(REPO / "playbooks" / playbook)]
    tasks = []  # (seconds since start, task name), in the order the TASK headers were printed
    output = []
    started = time.monotonic()
    with subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as proc:
        try:
            for line in proc.stdout:
                output.append(line)
                if line.startswith("TASK ["):
                    name = line[len("TASK ["):].split("]", 1)[0]
                    tasks.append((time.monotonic() - started, name.split(" : ", 1)[-1]))
            proc.wait(timeout=PLAYBOOK_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
    seconds = time.monotonic() - started
    recorded = box.recording.read_text(encoding="utf-8").splitlines()[lines_before:]
    return {"playbook": playbook, "rc": proc.returncode, "seconds": seconds, "tasks": tasks,
            "calls": count_calls(parse_lines(recorded)), "tail": "".join(output[-40:])}


def task_span(result: dict, name: str) -> tuple[float, float] | None:
    """(start, end) in seconds of the first task of that name: from its header to the next one."""
    tasks = result["tasks"]
    for index, (at, task) in enumerate(tasks):
        if task == name:
            end = tasks[index + 1][0] if index + 1 < len(tasks) else result["seconds"]
            return at, end
    return None


def per_service(calls) -> dict:
    """{service: (read, mutating)} of a CallCounts."""
    read, mutating = Counter(), Counter()
    for (service, action), number in calls.actions.items():
        (mutating if is_mutating(action) else read)[service] += number
    return {service: (read[service], mutating[service]) for service in sorted(set(read) | set(mutating))}


def table(rows: list[tuple]) -> str:
    """Render rows (the first is the header) as a text table, numbers right-aligned."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        out.append(" | ".join(f"{row[0]:<{widths[0]}}" if i == 0 else f"{row[i]:>{widths[i]}}" for i in range(len(row))))
        if number == 0:
            out.append("-+-".join("-" * width for width in widths))
    return "\n".join(out)


def calls_table(results: list[tuple[str, dict]]) -> str:
    """run | seconds | read | mutating | read/mutating per service."""
    services = list(SERVICES) + sorted({s for _label, r in results for s in per_service(r["calls"])} - set(SERVICES))
    rows = [("run", "seconds", "read", "mutating") + tuple(f"{s} r/m" for s in services)]
    for label, result in results:
        counts = per_service(result["calls"])
        rows.append((label, f"{result['seconds']:.1f}", result["calls"].read, result["calls"].mutating)
                    + tuple("{}/{}".format(*counts.get(s, (0, 0))) for s in services))  # pylint: disable=consider-using-f-string
    return table(rows)


EDGE_LINE = re.compile(r"generation (\d+) \((.*?)\): (reloaded|started); read (\d+) ms, render (\d+) ms, "
                       r"check\+(?:reload|start) (\d+) ms")
EDGE_RENDERS: list[dict] = []  # every render of the sandbox edge during the benchmark, from its log


def edge_renders(box: Sandbox) -> list[dict]:
    """The sandbox edge's renders, from its log: reason, and the milliseconds to read moto, render, check+reload."""
    if not box.edge.log.exists():
        return []
    return [{"generation": int(m.group(1)), "reason": m.group(2), "action": m.group(3), "read_ms": int(m.group(4)),
             "render_ms": int(m.group(5)), "reload_ms": int(m.group(6))}
            for m in EDGE_LINE.finditer(box.edge.log.read_text(encoding="utf-8"))]


def in_sandbox(acm_wait: int, playbooks: list[str]) -> list[dict]:
    """Set up a fresh sandbox with that validation wait, run the playbooks in order, take it all down."""
    with tempfile.TemporaryDirectory(prefix="bench-rollout-") as workdir:
        # With the fidelity layer the certificate is issued acm_wait seconds after its validation records resolve.
        box = Sandbox(NAME, free_port(), Path(workdir) / "sandbox", acm_wait=acm_wait, edge_own_ports=False,
                      delays={"acm_issue": acm_wait})
        box.remove_containers()  # left over by a bench that was killed before its clean-up
        results = []
        try:
            box.up()
            for playbook in playbooks:
                results.append(run_playbook(box, playbook))
                if results[-1]["rc"] != 0:
                    break
            EDGE_RENDERS.extend(edge_renders(box))
        finally:
            box.down()
    return results


def edge_table(renders: list[dict], observer_calls: int) -> str:
    """Median and slowest milliseconds of the edge's renders (read moto, render, check and reload HAProxy)."""
    if not renders:
        return "the edge logged no render"
    rows = [("edge renders", "count", "read moto ms", "render ms", "check+reload ms", "total ms")]
    for label, chosen in (("median", renders), ("slowest", renders)):
        pick = statistics.median if label == "median" else max
        rows.append((label, len(chosen), *(f"{pick([r[k] for r in chosen]):.0f}" for k in ("read_ms", "render_ms", "reload_ms")),
                     f"{pick([r['read_ms'] + r['render_ms'] + r['reload_ms'] for r in chosen]):.0f}"))
    return table(rows) + f"\nthe edge's own reads of moto (observer key, left out of the counts above): {observer_calls}"


def slowest_tasks(result: dict, limit: int) -> str:
    """The ``limit`` longest tasks of a run, as seconds and name (a header to the next one)."""
    ends = [at for at, _name in result["tasks"][1:]] + [result["seconds"]]
    spans = sorted(((end - at, at, name) for (at, name), end in zip(result["tasks"], ends)), reverse=True)[:limit]
    return "\n".join(f"  {length:5.1f} s at {at:5.1f} s  {name}" for length, at, name in spans)


def overlap_row(acm_wait: int, result: dict) -> tuple:
    """One line of the overlap table for the first run with that wait."""
    requested = task_span(result, REQUEST_TASK)
    first, last = task_span(result, FIRST_WAIT_TASK), task_span(result, LAST_WAIT_TASK)
    if not (requested and first and last):
        return (f"{acm_wait}", f"{result['seconds']:.1f}", "-", "-", "-")
    return (f"{acm_wait}", f"{result['seconds']:.1f}", f"{requested[1]:.1f}", f"{first[0]:.1f}",
            f"{last[1] - first[0]:.1f}")


def main(argv: list[str] | None = None) -> int:
    """Run the two sandboxes and print the tables; 1 when a playbook failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--acm-wait", type=int, default=20, help="the long certificate validation wait, seconds")
    parser.add_argument("--tasks", type=int, default=0, help="also print the N longest tasks of each first run")
    args = parser.parse_args(argv)
    print(f"\n[sandbox rollout, MOTO_ACM_VALIDATION_WAIT={SHORT_WAIT}] site.yml, its rerun, teardown.yml; "
          "AWS calls from moto's request log, read/mutating per service")
    short = in_sandbox(SHORT_WAIT, ["site.yml", "site.yml", "teardown.yml"])
    labels = ["first run", "no-op rerun", "teardown"]
    print(calls_table(list(zip(labels, short))))
    if len(short) < 3 or short[-1]["rc"] != 0:
        print(f"FAILED: {short[-1]['playbook']} exited {short[-1]['rc']}:\n{short[-1]['tail']}")
        return 1

    print(f"\n[sandbox rollout, MOTO_ACM_VALIDATION_WAIT={args.acm_wait}] first site.yml run in a fresh sandbox")
    long = in_sandbox(args.acm_wait, ["site.yml"])
    if long[0]["rc"] != 0:
        print(f"FAILED: site.yml exited {long[0]['rc']}:\n{long[0]['tail']}")
        return 1
    print(calls_table([("first run", long[0])]))

    print("\n[waits overlap] seconds since the start of site.yml: the certificate is requested in the edge's first "
          "phase;\nits validation runs while the hosts are configured; the finish phase then waits for the three "
          "things started\nin the first phase (certificate issued, load balancer active, targets healthy), one "
          "after the other")
    rows = [("ACM wait", "first run", "cert requested", "waits began at", "waits took")]
    rows += [overlap_row(SHORT_WAIT, short[0]), overlap_row(args.acm_wait, long[0])]
    print(table(rows))
    for acm_wait, result in ((SHORT_WAIT, short[0]), (args.acm_wait, long[0])):
        if args.tasks:
            print(f"longest tasks of the first run with ACM wait {acm_wait}:\n{slowest_tasks(result, args.tasks)}")
    print("\n[sandbox edge] HAProxy rendered from moto during these runs: each change of a load balancer, certificate or"
          "\nrecord is read back from moto, rendered, checked with haproxy -c and reloaded seamlessly")
    print(edge_table(EDGE_RENDERS, sum(r["calls"].observer for r in short + long)))
    added = args.acm_wait - SHORT_WAIT
    print(f"{added} s more of certificate validation changed the first run by "
          f"{long[0]['seconds'] - short[0]['seconds']:+.1f} s (waits in series would add {added} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
