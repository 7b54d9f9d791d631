"""Run every integration target as a role against a fresh moto server and count its API calls.

A target is a directory under tests/integration/targets/ with tasks/main.yml and no
``hidden`` in its ``aliases`` file. Targets mark their phases with ``api_calls_mark``
(from the setup_api_calls role); phases named check* or idempotent* must make no
mutating AWS call. Per-phase counts go to .build/results/api_calls/<target>.json.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from api_calls import format_table, parse_lines, read_only_violations, split_phases
from moto_server import MotoServer

REPO = Path(__file__).resolve().parents[2]
TARGETS = Path(__file__).resolve().parent / "targets"
RESULTS = REPO / ".build" / "results"
PLAYBOOK_TIMEOUT = int(os.environ.get("HTTPS_ROLLOUT_TEST_TIMEOUT", "900"))
REGION = "us-east-1"


def play_header(endpoint: str, region: str = REGION) -> str:
    """The head of a one-play playbook on localhost whose AWS modules talk to ``endpoint`` (moto)."""
    return f"""\
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/webops.https_rollout.aws:
      endpoint_url: {endpoint}
      region: {region}
      access_key: testing
      secret_key: testing
"""


def playbook_command(playbook: Path, *extra: str) -> list[str]:
    """ansible-playbook from this venv, on localhost with this Python, with ``extra`` arguments."""
    return [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i", "localhost,",
        "-e", f"ansible_python_interpreter={sys.executable}",
        *extra,
        str(playbook),
    ]  # fmt: skip


def discover_targets(root: Path = TARGETS) -> list[str]:
    """Return the runnable target names: tasks/main.yml present, not aliased ``hidden``."""
    names = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        aliases = path / "aliases"
        hidden = aliases.is_file() and "hidden" in aliases.read_text(encoding="utf-8").split()
        if (path / "tasks" / "main.yml").is_file() and not hidden:
            names.append(path.name)
    return names


def ansible_env(moto: MotoServer, phase_log: Path, workdir: Path, roles_path: Path) -> dict[str, str]:
    """Return the environment for ansible-playbook: roles, credentials, recording files."""
    env = dict(os.environ)
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".build" / "collections"))
    env.update(
        ANSIBLE_ROLES_PATH=str(roles_path),
        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"),
        ANSIBLE_REMOTE_TEMP=str(workdir / "ansible-tmp"),
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_NOCOLOR="true",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        HTTPS_ROLLOUT_TEST_RECORDING=str(moto.recording_path),
        HTTPS_ROLLOUT_TEST_PHASES=str(phase_log),
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        env.pop(name, None)
    return env


def run_playbook(command: list[str], env: dict[str, str], log_path: Path, timeout: int) -> int:
    """Run ansible-playbook, writing its output to log_path as it comes; return the exit code.

    On timeout (or an interrupt) the playbook's whole process group is killed.
    """
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.write(f"\n*** killed after {timeout}s ***\n".encode())
            return -signal.SIGKILL
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def tail(path: Path, lines: int = 60) -> str:
    """Return the last lines of a text file."""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def moto_env(target: str, roles_path: Path | str) -> dict[str, str]:
    """Settings for the target's moto server, from an optional ``moto.env`` (KEY=VALUE lines) in the target."""
    for root in str(roles_path).split(os.pathsep):
        path = Path(root) / target / "moto.env"
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {}


def run_target(
    target: str,
    workdir: Path,
    roles_path: Path | str = TARGETS,
    timeout: int = PLAYBOOK_TIMEOUT,
    extra_vars: dict | None = None,
) -> dict:
    """Run one target against a fresh moto; return rc, log path, phases and violations.

    ``roles_path`` may list several directories (os.pathsep-separated); ``extra_vars``
    are passed to the play as JSON.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "ansible-tmp").mkdir(exist_ok=True)
    phase_log = workdir / "phases.jsonl"
    log_path = RESULTS / "integration" / f"{target}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with MotoServer(extra_env=moto_env(target, roles_path)) as moto:
        playbook = workdir / "playbook.yml"
        playbook.write_text(play_header(moto.endpoint) + f"  roles:\n    - {target}\n", encoding="utf-8")
        command = playbook_command(playbook, "-e", f"moto_endpoint={moto.endpoint}", "-e", json.dumps(extra_vars or {}))
        rc = run_playbook(command, ansible_env(moto, phase_log, workdir, roles_path), log_path, timeout)
        recording = moto.recording_lines()
    markers = parse_lines(phase_log.read_text(encoding="utf-8").splitlines()) if phase_log.exists() else []
    phases = split_phases(recording, markers)
    return {"rc": rc, "log": log_path, "phases": phases, "violations": read_only_violations(phases)}


def save_counts(target: str, result: dict) -> Path:
    """Write the per-phase counts of a target to .build/results/api_calls/<target>.json."""
    path = RESULTS / "api_calls" / f"{target}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"target": target, "rc": result["rc"], "phases": [phase.to_dict() for phase in result["phases"]]}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def check_result(target: str, result: dict) -> None:
    """Fail with a readable message unless the target passed the harness's rules."""
    if result["rc"] != 0:
        pytest.fail(
            f"ansible-playbook failed for target {target!r} (exit {result['rc']}); "
            f"full log: {result['log']}\n--- last lines ---\n{tail(result['log'])}",
            pytrace=False,
        )
    names = [phase.name for phase in result["phases"]]
    if not any(name.startswith("idempotent") for name in names):
        pytest.fail(
            f"target {target!r} marked no idempotent* phase (phases: {names}); "
            "add `api_calls_mark: {phase: idempotent}` before the rerun",
            pytrace=False,
        )
    if result["violations"]:
        pytest.fail(f"target {target!r}: " + "; ".join(result["violations"]), pytrace=False)


@pytest.mark.parametrize("target", discover_targets())
def test_target(target, tmp_path, api_call_tables):
    """The target's playbook succeeds, and its check/idempotent phases only read."""
    result = run_target(target, tmp_path)
    save_counts(target, result)
    api_call_tables[target] = format_table(result["phases"])
    check_result(target, result)
