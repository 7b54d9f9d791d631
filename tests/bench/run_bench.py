"""`make bench`: API call counts and wall time of the modules, printed, never asserted.

Each benchmark target runs against a fresh moto server, like an integration target;
the table shows per phase the read and mutating calls and the seconds it took.
Then the sandbox rollout (bench_rollout.py): site.yml, its rerun and teardown.yml, and the waits' overlap.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "tests" / "harness"), str(REPO / "tests" / "integration")]

# pylint: disable-next=wrong-import-position
from api_calls import format_table  # noqa: E402
# pylint: disable-next=wrong-import-position
from test_targets import run_target  # noqa: E402
# pylint: disable-next=wrong-import-position
import bench_rollout  # noqa: E402

ROLES_PATH = f"{HERE / 'targets'}:{REPO / 'tests' / 'integration' / 'targets'}"
# (target, extra vars): one line per benchmark.
BENCHMARKS = [
    ("bench_target_group", {"bench_targets_count": 10}),
    ("bench_target_group", {"bench_targets_count": 200}),
]


def main() -> int:
    failed = 0
    for target, extra_vars in BENCHMARKS:
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            started = time.monotonic()
            result = run_target(target, Path(workdir), roles_path=ROLES_PATH, extra_vars=extra_vars)
            seconds = time.monotonic() - started
        label = ", ".join(f"{k}={v}" for k, v in extra_vars.items())
        print(f"\n[{target} {label}] {seconds:.1f}s in all (moto start and playbook included)")
        print(format_table(result["phases"], top=4))
        if result["rc"] != 0:
            failed += 1
            print(f"FAILED (exit {result['rc']}), log: {result['log']}")
    if bench_rollout.main([]) != 0:
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
