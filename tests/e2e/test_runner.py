"""End to end: site.yml and teardown.yml as ansible-runner jobs, the engine that AWX / Automation Platform jobs use.

The sandbox is this module's own (moto on a free port, containers ``webops-e2e-runner-*``). Each run gets a private
data directory in the layout AWX gives a job:

- ``project/``: the playbooks, with the collection installed beside them in ``project/collections`` (a link to this
  checkout), where Ansible finds a playbook's collections;
- ``inventory/``: the sandbox inventory (``inventories/sandbox`` and the seeded part ``sandbox.py`` writes);
- ``env/extravars``: the AWS endpoint and region, without keys;
- ``env/envvars``: the credentials as environment variables (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, moto's
  dummy ``testing``), as an AWX credential injects them, and the collections path.

The tests assert on what ansible-runner writes to ``artifacts/<ident>``: the job events (every task's start has an
ok, changed or skipped result per host, no failed event that was not ignored, the final stats), the status
``successful`` with rc 0, and the rollout summary in the job's stdout. The sandbox is removed at the end, also when a
test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "tests" / "harness"), str(REPO / "sandbox")]

# pylint: disable-next=wrong-import-position
from test_site import (  # noqa: E402
    OWNER_KEY, STACK, check_rollout_summary, elb_tags, fresh_sandbox, owned_certificates, rollout_summary,
    seeded_instance_ids,
)

ansible_runner = pytest.importorskip("ansible_runner")

JOB_TIMEOUT = 900
SUMMARY_HEADER = f"== HTTPS rollout of stack {STACK} =="
# Results that close a task on a host; runner_on_ok carries `changed` (there is no runner_on_changed event).
CLOSING = {"runner_on_ok", "runner_on_skipped", "runner_on_failed", "runner_on_unreachable"}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A sandbox of its own (moto, containers webops-e2e-runner-*), apart from the other e2e modules'."""
    yield from fresh_sandbox("e2e-runner", tmp_path_factory.mktemp("sandbox-runner"))


@pytest.fixture(scope="module")
def private_data_dir(sandbox, tmp_path_factory) -> Path:
    """The job's private data directory, in the layout AWX gives a job."""
    root = tmp_path_factory.mktemp("runner")
    project = root / "project"
    project.mkdir()
    for playbook in ("site.yml", "teardown.yml"):
        shutil.copy(REPO / "playbooks" / playbook, project / playbook)
    # AWX installs the project's collections into the job; here the collection is this checkout, linked.
    installed = project / "collections" / "ansible_collections" / "webops"
    installed.mkdir(parents=True)
    (installed / "https_rollout").symlink_to(REPO, target_is_directory=True)

    inventory = root / "inventory"
    shutil.copytree(REPO / "inventories" / "sandbox", inventory)
    shutil.copy(sandbox.inventory, inventory / "sandbox.yml")

    env = root / "env"
    env.mkdir()
    # The inventory's https_rollout_aws carries moto's keys; the job's replaces it with one without keys, so the
    # modules take the credentials from the environment, as under an AWX credential.
    extravars = {"https_rollout_aws": {"region": "us-east-1", "endpoint_url": sandbox.endpoint}}
    (env / "extravars").write_text(json.dumps(extravars), encoding="utf-8")
    envvars = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        # Only the job's own collections, and those of the Python environment (amazon.aws, community.docker).
        "ANSIBLE_COLLECTIONS_PATH": str(project / "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true",
        "ANSIBLE_PIPELINING": "true",
        "ANSIBLE_NOCOLOR": "true",
    }
    (env / "envvars").write_text(json.dumps(envvars), encoding="utf-8")
    return root


def run_job(private_data_dir: Path, playbook: str, ident: str):
    """Run one playbook of the project as an ansible-runner job; return the runner and the job's artifacts folder."""
    # ansible-runner starts the ansible-playbook on PATH, as in an execution environment: this venv's.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        runner = ansible_runner.run(
            private_data_dir=str(private_data_dir),
            playbook=playbook,
            ident=ident,
            timeout=JOB_TIMEOUT,
            quiet=True,
        )
    artifacts = private_data_dir / "artifacts" / ident
    stdout = (artifacts / "stdout").read_text(encoding="utf-8", errors="replace")
    print(f"{playbook}: status {runner.status}, rc {runner.rc}, {len(job_events(artifacts))} job events")
    assert runner.status == "successful" and runner.rc == 0, (
        f"{playbook} ended {runner.status} with rc {runner.rc}:\n{stdout[-6000:]}"
    )
    assert (artifacts / "status").read_text(encoding="utf-8").strip() == "successful"
    assert (artifacts / "rc").read_text(encoding="utf-8").strip() == "0"
    return runner, artifacts


def job_events(artifacts: Path) -> list[dict]:
    """The job events ansible-runner wrote (artifacts/<ident>/job_events/*.json), in their order."""
    events = [json.loads(path.read_text(encoding="utf-8")) for path in (artifacts / "job_events").glob("*.json")]
    return sorted(events, key=lambda event: event["counter"])


def check_events(events: list[dict]) -> dict:
    """Every task's start is closed per host; no failed event but ignored ones; the stats. Returns the stats."""
    assert events[0]["event"] == "playbook_on_start"
    assert events[-1]["event"] == "playbook_on_stats"
    # A meta task (flush_handlers) starts but has no result of its own.
    starts = {e["event_data"]["task_uuid"]: e for e in events if e["event"] == "playbook_on_task_start"
              and e["event_data"].get("task_action") not in ("meta", "ansible.builtin.meta")}
    assert starts, "no task started"
    closed: dict[str, set] = {}
    for event in events:
        if event["event"] in CLOSING:
            closed.setdefault(event["event_data"]["task_uuid"], set()).add(event["event_data"]["host"])
    unclosed = [f"{e['event_data']['task']} ({e['event_data'].get('task_path', '')})"
                for uuid, e in starts.items() if not closed.get(uuid)]
    assert not unclosed, f"tasks without an ok, changed or skipped event: {unclosed}"
    orphans = [uuid for uuid in closed if uuid not in starts and not any(
        e["event"] == "playbook_on_task_start" and e["event_data"]["task_uuid"] == uuid for e in events)]
    assert not orphans, f"results without their task start: {orphans}"
    failed = [e for e in events if e["event"] in ("runner_on_failed", "runner_item_on_failed")
              and not e["event_data"].get("ignore_errors")]
    assert not failed, "failed events: " + "; ".join(
        f"{e['event_data'].get('host')} {e['event_data'].get('task')}: {e['event_data'].get('res', {}).get('msg')}"
        for e in failed)
    assert not [e for e in events if e["event"] == "runner_on_unreachable"]
    stats = events[-1]["event_data"]
    assert stats["failures"] == {} and stats["dark"] == {}, stats
    return stats


def test_site_as_a_runner_job(sandbox, private_data_dir):
    """site.yml as an ansible-runner job: successful, every task's events, no failure, the summary in its stdout."""
    _runner, artifacts = run_job(private_data_dir, "site.yml", "site")
    events = job_events(artifacts)
    stats = check_events(events)
    assert set(stats["ok"]) == {"localhost", "web1", "web2"}, stats
    assert stats["changed"].get("localhost", 0) > 0, stats
    changed = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"]["res"].get("changed")]
    assert changed, "no changed result among the ok events"

    # The rollout summary, in the job's stdout, as the event of its task has it.
    stdout = (artifacts / "stdout").read_text(encoding="utf-8")
    lines = rollout_summary(stdout)
    (summary,) = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"]["task"] == "Print the rollout summary"]
    assert summary["event_data"]["res"]["msg"] == lines
    assert lines[0] == SUMMARY_HEADER
    (certificate,) = owned_certificates(sandbox.client("acm"))
    elbv2 = sandbox.client("elbv2")
    (balancer,) = elbv2.describe_load_balancers()["LoadBalancers"]
    assert elb_tags(elbv2, balancer["LoadBalancerArn"])[OWNER_KEY] == STACK
    check_rollout_summary(lines, certificate, balancer, seeded_instance_ids(sandbox))


def test_teardown_as_a_runner_job(sandbox, private_data_dir):
    """teardown.yml as a job: successful, every task's events, no failure; nothing of the stack is left."""
    _runner, artifacts = run_job(private_data_dir, "teardown.yml", "teardown")
    check_events(job_events(artifacts))
    assert owned_certificates(sandbox.client("acm")) == []
    assert sandbox.client("elbv2").describe_load_balancers()["LoadBalancers"] == []
