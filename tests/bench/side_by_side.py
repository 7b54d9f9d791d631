"""`make bench`, side by side: the baseline (amazon.aws + community.aws, in BASELINE_DIR) and ours, on one kind of
moto with the same seed, alternating A B A B, with the issue's table (medians) and ratios ours/baseline.

- The baseline runs as its README says, from its own folder: ``playbook/measure.sh`` (its moto with its fidelity
  patches, its seed, rollout x2, teardown x2, its call counter). Nothing of it is copied here.
- Ours runs the same way: the baseline's patched moto (started from BASELINE_DIR/tools), the baseline's
  ``seed.yml``, then the AWS side of our ``playbooks/site.yml`` (the ``inbound_rules`` and ``https_edge`` roles;
  the host play is left out with ``--limit localhost``) twice and ``playbooks/teardown.yml`` twice, each phase
  counted with the baseline's ``tools/count_calls.py`` over the recording, wall time = the whole
  ``ansible-playbook`` process. It only runs the playbooks, so it measures whatever the roles drive.
- Then one first rollout of each with ``MOTO_ACM_VALIDATION_WAIT`` 20 s, and the scale rows (ours): 1,000 records
  in one route53_record task (create, no-op) and 1,000 targets (register, no-op), from benchmark targets.
- Module processes: counted by the ``bench_processes`` callback (tests/bench/callback_plugins) for both sides.

Numbers are printed, never asserted. ``python tests/bench/side_by_side.py --rounds 2 --baseline-dir DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "tests" / "harness"), str(REPO / "tests" / "integration")]

PHASES = [("rollout_1", "first rollout"), ("rollout_2", "no-op rerun"), ("teardown_1", "teardown"),
          ("teardown_2", "teardown again")]
# The targets, per row: (calls at most, mutating at most, wall ratio at most); None = no target.
TARGETS = {
    "rollout_1": (45, 16, 0.50),
    "rollout_2": (16, 0, 0.30),
    "teardown_1": (35, None, None),
    "teardown_2": (6, None, None),
}
STACK = "bench"
PLAYBOOK_TIMEOUT = 1800


# ---------------------------------------------------------------------------
# Pure: medians, ratios and the table (unit-tested)
# ---------------------------------------------------------------------------


def median(values):
    """The median of the numbers that are not None, or None."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(ours, baseline):
    """ours / baseline, or None when either is missing or the baseline is 0."""
    if ours is None or not baseline:
        return None
    return ours / baseline


def fmt_ratio(value):
    return "-" if value is None else f"{value:.2f}"


def fmt_calls(calls):
    """``total (read/mutating)`` of a median ``{"total", "read", "mutating"}``, or ``-``."""
    if not calls or calls.get("total") is None:
        return "-"
    return f"{calls['total']:g} ({calls['read']:g}/{calls['mutating']:g})"


def fmt_seconds(value):
    return "-" if value is None else f"{value:.1f}"


def phase_medians(runs, phase):
    """``({"total", "read", "mutating"}, wall)``: the medians of one phase over the runs of one side."""
    found = [run["phases"][phase] for run in runs if phase in run.get("phases", {})]
    calls = {key: median([p["calls"][key] for p in found]) for key in ("total", "read", "mutating")}
    return calls, median([p["wall_s"] for p in found])


def target_note(phase, ours_calls, wall_ratio):
    """``met`` / ``MISSED (...)`` against the issue's target of the phase, or ``""`` without a target."""
    if phase not in TARGETS or not ours_calls or ours_calls.get("total") is None:
        return ""
    max_calls, max_mutating, max_ratio = TARGETS[phase]
    missed = []
    if ours_calls["total"] > max_calls:
        missed.append(f"calls {ours_calls['total']:g} > {max_calls}")
    if max_mutating is not None and ours_calls["mutating"] > max_mutating:
        missed.append(f"mutating {ours_calls['mutating']:g} > {max_mutating}")
    if max_ratio is not None and (wall_ratio is None or wall_ratio > max_ratio):
        missed.append(f"wall ratio {fmt_ratio(wall_ratio)} > {max_ratio:.2f}")
    return "met" if not missed else "MISSED: " + ", ".join(missed)


def table(rows):
    """Rows (the first is the header) as a text table, the first column left-aligned, the others right."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        out.append(" | ".join(f"{row[0]:<{widths[0]}}" if i == 0 else f"{row[i]:>{widths[i]}}" for i in range(len(row))))
        if number == 0:
            out.append("-+-".join("-" * width for width in widths))
    return "\n".join(out)


def main_table(baseline_runs, our_runs):
    """The issue's table: per phase the median calls (read/mutating) and wall seconds of both, and the ratios."""
    rows = [("phase", "baseline calls (r/m)", "ours calls (r/m)", "calls ours/base", "baseline wall s",
             "ours wall s", "wall ours/base", "target")]
    for phase, label in PHASES:
        base_calls, base_wall = phase_medians(baseline_runs, phase)
        our_calls, our_wall = phase_medians(our_runs, phase)
        wall_ratio = ratio(our_wall, base_wall)
        rows.append((label, fmt_calls(base_calls), fmt_calls(our_calls), fmt_ratio(ratio(our_calls["total"],
                     base_calls["total"])), fmt_seconds(base_wall), fmt_seconds(our_wall), fmt_ratio(wall_ratio),
                     target_note(phase, our_calls, wall_ratio)))
    return table(rows)


def acm_wait_row(wait, short_wall, base_long, ours_long, ours_rest):
    """The certificate-wait row: first-rollout walls with the long wait, their ratio, what the longer wait added to
    each side (long minus the short-wait median: noisy on a loaded machine, since the runs are minutes apart), and
    the issue's target ``ours <= max(wait, the rest) + 3`` where the rest is our first rollout with the short wait."""
    limit = max(wait, ours_rest) + 3 if ours_rest is not None else None
    met = "-" if limit is None or ours_long is None else ("met" if ours_long <= limit else f"MISSED: > {limit:.1f}")
    added = [None if long is None or short is None else long - short
             for long, short in ((base_long, short_wall[0]), (ours_long, short_wall[1]))]
    note = "added by the wait: base {}, ours {}".format(  # pylint: disable=consider-using-f-string
        *("-" if value is None else f"{value:+.1f} s" for value in added))
    return (f"first rollout, certificate wait {wait} s", fmt_seconds(base_long), fmt_seconds(ours_long),
            fmt_ratio(ratio(ours_long, base_long)), note, met)


def fmt_count(value):
    return "-" if value is None else f"{value:g}"


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def callback_env(processes_file):
    return {
        "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_processes",
        "BENCH_PROCESSES_FILE": str(processes_file),
    }


def read_processes(path):
    """The JSON lines the bench_processes callback wrote, in order."""
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def run_baseline(baseline_dir, acm_wait, workdir):
    """One ``measure.sh`` of the baseline: ``{"phases": {...}, "processes": [...]}`` from its last JSON line."""
    processes = Path(workdir) / "baseline-processes.jsonl"
    env = dict(os.environ, VENV=str(Path(sys.executable).parent.parent), MOTO_ACM_VALIDATION_WAIT=str(acm_wait),
               TMPDIR=str(workdir), **callback_env(processes))
    env.pop("KEEP", None)
    started = time.monotonic()
    proc = subprocess.run(["bash", str(Path(baseline_dir) / "playbook" / "measure.sh")], env=env, check=False,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"baseline measure.sh failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n"
                           f"{proc.stderr[-3000:]}")
    result = json.loads(lines[-1])
    result["processes"] = read_processes(processes)
    result["seconds"] = time.monotonic() - started
    return result


class PatchedMoto:
    """The baseline's moto (``tools/moto_patched.py``) on a free loopback port, recording every request; stopped by
    its PID."""

    def __init__(self, baseline_dir, workdir, acm_wait):
        from moto_server import free_port  # pylint: disable=import-outside-toplevel

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.recording = Path(workdir) / "requests.jsonl"
        self.log = Path(workdir) / "moto.log"
        self.command = [sys.executable, str(Path(baseline_dir) / "tools" / "moto_patched.py"), "-H", "127.0.0.1",
                        "-p", str(self.port)]
        self.env = dict(os.environ, MOTO_ENABLE_RECORDING="True", MOTO_RECORDER_FILEPATH=str(self.recording),
                        MOTO_ACM_VALIDATION_WAIT=str(acm_wait))
        self.proc = None

    def __enter__(self):
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(self.command, env=self.env, stdin=subprocess.DEVNULL, stdout=log,  # pylint: disable=consider-using-with
                                         stderr=subprocess.STDOUT)
        for _attempt in range(240):
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto exited: {self.log.read_text(encoding='utf-8')[-2000:]}")
            try:
                with urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1):
                    return self
            except OSError:
                time.sleep(0.25)
        raise RuntimeError("moto did not answer within 60 s")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def lines(self):
        if not self.recording.exists():
            return 0
        with open(self.recording, "rb") as recording:
            return sum(1 for _line in recording)


def count_calls(baseline_dir, recording, start, stop):
    """The baseline's own counter over lines [start, stop) of the recording: ``{"total", "read", "mutating", ...}``."""
    out = subprocess.run([sys.executable, str(Path(baseline_dir) / "tools" / "count_calls.py"), str(recording),
                          "--from", str(start), "--to", str(stop), "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def our_inventory(seeded, endpoint, path):
    """The inventory of our run: the seeded instances as the web group (never contacted: --limit localhost), and the
    roles' variables for the baseline's work (its names, ports, domain, dualstack ALB, no verification: no hosts)."""
    hosts = {f"bench-web-{index + 1}": {"instance_id": instance} for index, instance in enumerate(seeded["instance_ids"])}
    inventory = {"all": {
        "hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
        "children": {"web": {"hosts": hosts}},
        "vars": {
            "https_rollout_aws": {"region": "us-east-1", "endpoint_url": endpoint, "access_key": "testing",
                                  "secret_key": "testing"},
            "inbound_rules_stack": STACK, "inbound_rules_vpc_id": seeded["vpc_id"], "inbound_rules_app_port": 80,
            "inbound_rules_allowed_cidrs": ["0.0.0.0/0"], "inbound_rules_allowed_ipv6_cidrs": ["::/0"],
            "https_edge_stack": STACK, "https_edge_domain": "app.example.test",
            "https_edge_alternative_names": ["www.example.test"], "https_edge_hosted_zone": "example.test",
            "https_edge_vpc_id": seeded["vpc_id"], "https_edge_subnets": seeded["subnet_ids"],
            "https_edge_dualstack": True, "https_edge_app_port": 80, "https_edge_health_check_path": "/healthz",
            "https_edge_ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "https_edge_wait_timeout": 300,
            "https_edge_verify": False,
        },
    }}
    Path(path).write_text(json.dumps(inventory, indent=1), encoding="utf-8")


def run_ours(baseline_dir, acm_wait, workdir, phases=("rollout_1", "rollout_2", "teardown_1", "teardown_2")):
    """Ours on the baseline's seed and moto: ``{"phases": {phase: {"wall_s", "calls", "changed"}}, "processes"}``."""
    import yaml  # pylint: disable=import-outside-toplevel

    workdir = Path(workdir)
    processes = workdir / "ours-processes.jsonl"
    results = {"phases": {}, "logs": {}}
    with PatchedMoto(baseline_dir, workdir, acm_wait) as moto:
        seed_env = dict(os.environ, ANSIBLE_CONFIG=str(Path(baseline_dir) / "playbook" / "ansible.cfg"))
        seed = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "seed.yml", "-e",
                               f"moto_ep={moto.endpoint}", "-e", f"state_dir={workdir / 'state'}"],
                              cwd=Path(baseline_dir) / "playbook", env=seed_env, check=False, capture_output=True,
                              text=True, timeout=PLAYBOOK_TIMEOUT)
        if seed.returncode != 0:
            raise RuntimeError(f"the baseline's seed.yml failed:\n{seed.stdout[-3000:]}")
        seeded = yaml.safe_load((workdir / "state" / "seeded.yml").read_text(encoding="utf-8"))
        inventory = workdir / "inventory.json"
        our_inventory(seeded, moto.endpoint, inventory)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / ".build" / "collections"), ANSIBLE_NOCOLOR="true",
                   ANSIBLE_RETRY_FILES_ENABLED="false", **callback_env(processes))
        for phase in phases:
            playbook = "site.yml" if phase.startswith("rollout") else "teardown.yml"
            start = moto.lines()
            started = time.monotonic()
            proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory),
                                   "--limit", "localhost", str(REPO / "playbooks" / playbook)], cwd=REPO, env=env,
                                  check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=PLAYBOOK_TIMEOUT)
            wall = time.monotonic() - started
            log = workdir / f"{phase}.log"
            log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
            if proc.returncode != 0:
                raise RuntimeError(f"ours: {playbook} ({phase}) failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}")
            changed = sum(int(part.split("=")[1]) for line in proc.stdout.splitlines() if " : ok=" in line
                          for part in line.split() if part.startswith("changed="))
            results["phases"][phase] = {"wall_s": round(wall, 2), "changed": changed,
                                        "calls": count_calls(baseline_dir, moto.recording, start, moto.lines())}
    results["processes"] = read_processes(processes)
    return results


def rerun_processes(run, index):
    """``(processes, async jobs)`` of the playbook run at ``index`` of a side's callback lines, or (None, None)."""
    if len(run.get("processes", [])) <= index:
        return None, None
    line = run["processes"][index]
    return line["processes"], line["async_jobs"]


def scale_rows():
    """Ours, from benchmark targets on a fresh moto: 1,000 records and 1,000 targets, create and no-op."""
    from test_targets import run_target  # pylint: disable=import-outside-toplevel

    roles_path = f"{HERE / 'targets'}:{REPO / 'tests' / 'integration' / 'targets'}"
    rows = []
    for target, extra, wanted in (
        ("bench_route53_records", {"bench_records_count": 1000},
         [("create_1000_records", "1,000 records in one route53_record task, create"),
          ("idempotent_1000_records", "1,000 records in one route53_record task, no-op (target <= 10)")]),
        ("bench_target_group", {"bench_targets_count": 1000},
         [("create_1000_targets", "1,000 targets registered (target <= 6 to register)"),
          ("idempotent_rerun", "1,000 targets, no-op (target <= 5)")]),
    ):
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as workdir:
            result = run_target(target, Path(workdir), roles_path=roles_path, extra_vars=extra)
        phases = {phase.name: phase for phase in result["phases"]}
        for name, label in wanted:
            phase = phases.get(name)
            if result["rc"] != 0 or phase is None:
                rows.append((label, "-", f"FAILED (exit {result['rc']}, log {result['log']})", "-"))
                continue
            calls = phase.to_dict()
            rows.append((label, "n/a", f"{calls['read'] + calls['mutating']} ({calls['read']}/{calls['mutating']})",
                         fmt_seconds(calls.get("seconds"))))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baseline-dir", default=os.environ.get("BASELINE_DIR") or str(REPO / ".." / "shared" / "baseline"),
                        help="the baseline's folder (default: BASELINE_DIR, else ../shared/baseline)")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds (at least 2 for a median)")
    parser.add_argument("--acm-wait", type=int, default=3, help="MOTO_ACM_VALIDATION_WAIT of the rounds")
    parser.add_argument("--long-acm-wait", type=int, default=20, help="the certificate-wait row (0: skip)")
    parser.add_argument("--no-scale", action="store_true", help="skip the 1,000 records / targets rows")
    parser.add_argument("--json", help="also write every raw figure to this file")
    args = parser.parse_args(argv)
    baseline_dir = Path(args.baseline_dir).resolve()
    if not (baseline_dir / "playbook" / "measure.sh").is_file():
        print(f"no baseline at {baseline_dir}: set BASELINE_DIR (see its README)")
        return 2

    raw = {"baseline": [], "ours": []}
    for round_number in range(1, args.rounds + 1):
        for side, runner in (("baseline", run_baseline), ("ours", run_ours)):
            with tempfile.TemporaryDirectory(prefix=f"bench-{side}-") as workdir:
                started = time.monotonic()
                raw[side].append(runner(baseline_dir, args.acm_wait, workdir))
            phases = raw[side][-1]["phases"]
            print(f"round {round_number} {side:8s} " + ", ".join(
                f"{label} {phases[p]['calls']['total']} calls {phases[p]['wall_s']:.1f} s" for p, label in PHASES
                if p in phases) + f" ({time.monotonic() - started:.0f} s with seed and moto)", flush=True)

    print(f"\n[side by side] the AWS side of the rollout on the baseline's seed and patched moto, "
          f"MOTO_ACM_VALIDATION_WAIT={args.acm_wait}, medians of {args.rounds} alternating rounds (A B A B)")
    print(main_table(raw["baseline"], raw["ours"]))

    rows = [("figure", "baseline", "ours", "ours/base", "note", "target")]
    base_proc = [rerun_processes(run, 2) for run in raw["baseline"]]  # seed, rollout_1, rollout_2, ...
    our_proc = [rerun_processes(run, 1) for run in raw["ours"]]  # rollout_1, rollout_2, ...
    base_p, our_p = median([p for p, _a in base_proc]), median([p for p, _a in our_proc])
    rows.append(("module processes on a rerun", fmt_count(base_p), fmt_count(our_p), fmt_ratio(ratio(our_p, base_p)),
                 f"async jobs: base {fmt_count(median([a for _p, a in base_proc]))}, "
                 f"ours {fmt_count(median([a for _p, a in our_proc]))}",
                 "-" if our_p is None else ("met" if our_p <= 3 else "MISSED: > 3")))
    if args.long_acm_wait:
        with tempfile.TemporaryDirectory(prefix="bench-baseline-") as workdir:
            base_long = run_baseline(baseline_dir, args.long_acm_wait, workdir)
        with tempfile.TemporaryDirectory(prefix="bench-ours-") as workdir:
            ours_long = run_ours(baseline_dir, args.long_acm_wait, workdir, phases=("rollout_1",))
        raw["baseline_long"], raw["ours_long"] = base_long, ours_long
        short = (phase_medians(raw["baseline"], "rollout_1")[1], phase_medians(raw["ours"], "rollout_1")[1])
        rows.append(acm_wait_row(args.long_acm_wait, short, base_long["phases"]["rollout_1"]["wall_s"],
                                 ours_long["phases"]["rollout_1"]["wall_s"], short[1]))
    print("\n[more rows]")
    print(table(rows))
    if not args.no_scale:
        print("\n[scale, ours] benchmark targets on stock moto; the baseline has no one-task equivalent "
              "(amazon.aws.route53 takes one record a task)")
        print(table([("figure", "baseline", "ours calls (r/m)", "seconds")] + scale_rows()))
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
