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

Then the same two jobs run in the collection's execution environment (EE) image, as AWX runs them: built here from
``meta/execution-environment.yml`` by ``sandbox/ee/build.py`` (ansible-builder, offline; reused when an image of the
same inputs exists), started by ansible-runner with process isolation (``docker run`` of the image, the private data
directory mounted at ``/runner``). The collection and amazon.aws come from the image; the job's project brings
community.docker (the sandbox's web hosts are containers reached with ``docker exec``), as an AWX project's
``collections/requirements.yml`` would. Only for the sandbox, the container gets the host's network (moto and the
edge listen on 127.0.0.1), the host's Docker socket and the Docker client. moto's account is wiped and seeded again
first: moto 5.2.5 cannot roll the same stack out twice on one account (the certificate request repeats the
idempotency token of the deleted certificate and gets HTTP 500).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
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
EE_BUILD_TIMEOUT = 1800
# Where ansible-builder installs the collections in the image.
IMAGE_COLLECTIONS = "/usr/share/ansible/collections/ansible_collections"
SITE_COLLECTIONS = Path(ansible_runner.__file__).resolve().parents[1] / "ansible_collections"
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


def run_job(private_data_dir: Path, playbook: str, ident: str, **isolation):
    """Run one playbook of the project as an ansible-runner job; return the runner and the job's artifacts folder.

    ``isolation``: ansible-runner's process isolation settings, for a job in a container image.
    """
    # Without isolation ansible-runner starts the ansible-playbook on PATH, as in an execution environment: this venv's.
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        runner = ansible_runner.run(
            private_data_dir=str(private_data_dir),
            playbook=playbook,
            ident=ident,
            timeout=JOB_TIMEOUT,
            quiet=True,
            **isolation,
        )
    artifacts = private_data_dir / "artifacts" / ident
    stdout = (artifacts / "stdout").read_text(encoding="utf-8", errors="replace")
    print(f"{playbook}: status {runner.status}, rc {runner.rc}, {len(job_events(artifacts))} job events, "
          f"{time.monotonic() - started:.0f} s{' in ' + isolation['container_image'] if isolation else ''}")
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


def check_site_job(sandbox, artifacts: Path) -> list[dict]:
    """site.yml's job: every task's events, no failure, changes, and the rollout summary matching AWS. The events."""
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
    return events


def check_teardown_job(sandbox, artifacts: Path) -> None:
    """teardown.yml's job: every task's events, no failure; nothing of the stack is left."""
    check_events(job_events(artifacts))
    assert owned_certificates(sandbox.client("acm")) == []
    assert sandbox.client("elbv2").describe_load_balancers()["LoadBalancers"] == []


def test_site_as_a_runner_job(sandbox, private_data_dir):
    """site.yml as an ansible-runner job: successful, every task's events, no failure, the summary in its stdout."""
    _runner, artifacts = run_job(private_data_dir, "site.yml", "site")
    check_site_job(sandbox, artifacts)


def test_teardown_as_a_runner_job(sandbox, private_data_dir):
    """teardown.yml as a job: successful, every task's events, no failure; nothing of the stack is left."""
    _runner, artifacts = run_job(private_data_dir, "teardown.yml", "teardown")
    check_teardown_job(sandbox, artifacts)


# -- the same jobs in the execution environment image ------------------------------------------------------------


@pytest.fixture(scope="module")
def ee_image() -> str:
    """The EE image's tag: built by sandbox/ee/build.py from meta/execution-environment.yml, or reused."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(REPO / "sandbox" / "ee" / "build.py")], capture_output=True,
                          text=True, timeout=EE_BUILD_TIMEOUT, check=False)
    assert done.returncode == 0, f"the EE image build failed:\n{done.stdout[-3000:]}{done.stderr[-6000:]}"
    *said, tag = done.stdout.strip().splitlines()
    print(f"{said[-1]} ({time.monotonic() - started:.0f} s with the inputs' preparation)")
    return tag


def fresh_account(box) -> None:
    """Wipe moto's state and seed the account again; the edge follows the new instances, on the same ports."""
    with urllib.request.urlopen(urllib.request.Request(f"{box.endpoint}/moto-api/reset", method="POST"), timeout=30):
        pass
    seed = box.seed()
    box.stop_edge()
    box.write_inventory(seed, box.start_edge(seed))


@pytest.fixture(scope="module")
def ee_private_data_dir(sandbox, ee_image, tmp_path_factory) -> Path:  # pylint: disable=unused-argument
    """The private data directory of the jobs in the image: AWX's layout, paths as the container sees them."""
    fresh_account(sandbox)
    root = tmp_path_factory.mktemp("runner-ee")
    project = root / "project"
    project.mkdir()
    for playbook in ("site.yml", "teardown.yml"):
        shutil.copy(REPO / "playbooks" / playbook, project / playbook)
    # This collection and amazon.aws are the image's; the project brings the sandbox's connection plugin, copied
    # (a link to the host would not resolve in the container).
    shutil.copytree(SITE_COLLECTIONS / "community" / "docker",
                    project / "collections" / "ansible_collections" / "community" / "docker",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # The CA of the sandbox edge, which the HTTPS check trusts: inside the private data directory, at /runner.
    shutil.copy(sandbox.edge.ca_cert, project / "edge-ca.pem")

    inventory = root / "inventory"
    shutil.copytree(REPO / "inventories" / "sandbox", inventory)
    shutil.copy(sandbox.inventory, inventory / "sandbox.yml")

    env = root / "env"
    env.mkdir()
    extravars = {
        "https_rollout_aws": {"region": "us-east-1", "endpoint_url": sandbox.endpoint},
        "sandbox_edge_ca": "/runner/project/edge-ca.pem",
    }
    (env / "extravars").write_text(json.dumps(extravars), encoding="utf-8")
    envvars = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        # The project's collections, then the image's (where ansible-builder installed them).
        "ANSIBLE_COLLECTIONS_PATH": f"/runner/project/collections:{IMAGE_COLLECTIONS.rsplit('/', 1)[0]}",
        "ANSIBLE_PIPELINING": "true",
        "ANSIBLE_NOCOLOR": "true",
    }
    (env / "envvars").write_text(json.dumps(envvars), encoding="utf-8")
    return root


def ee_isolation(image: str) -> dict:
    """ansible-runner's process isolation: the job in ``image`` under Docker, with what the sandbox needs."""
    docker = shutil.which("docker")
    assert docker, "the Docker client is needed (make engine)"
    return {
        "process_isolation": True,
        "process_isolation_executable": "docker",
        "container_image": image,
        # moto and the edge listen on the host's 127.0.0.1.
        "container_options": ["--network=host"],
        # The web hosts are containers of the host's engine, reached with `docker exec` (community.docker.docker).
        "container_volume_mounts": [f"{os.path.realpath(docker)}:/usr/bin/docker:ro",
                                    "/var/run/docker.sock:/var/run/docker.sock"],
    }


def test_site_in_the_execution_environment(sandbox, ee_image, ee_private_data_dir):
    """site.yml in the EE image, run by ansible-runner with process isolation: the checks of the job above."""
    _runner, artifacts = run_job(ee_private_data_dir, "site.yml", "ee-site", **ee_isolation(ee_image))
    events = check_site_job(sandbox, artifacts)
    # The job ran in the image (docker run of the image, on the host's network), and the collection and amazon.aws
    # were the image's: the project brings neither.
    command = json.loads((artifacts / "command").read_text(encoding="utf-8"))["command"]
    assert command[:2] == ["docker", "run"] and ee_image in command and "--network=host" in command, command
    installed = ee_private_data_dir / "project" / "collections" / "ansible_collections"
    assert sorted(path.name for path in installed.iterdir()) == ["community"]
    # The roles' tasks were read from the collection ansible-builder installed in the image.
    role_tasks = {e["event_data"]["task_path"].rsplit(":", 1)[0] for e in events
                  if e["event"] == "playbook_on_task_start" and "/roles/" in e["event_data"].get("task_path", "")}
    assert role_tasks, "no role task in the job events"
    outside = [path for path in role_tasks if not path.startswith(f"{IMAGE_COLLECTIONS}/webops/https_rollout/roles/")]
    assert not outside, f"role tasks not from the image's collection: {outside}"


def test_teardown_in_the_execution_environment(sandbox, ee_image, ee_private_data_dir):
    """teardown.yml in the EE image: successful, every task's events, no failure; nothing of the stack is left."""
    _runner, artifacts = run_job(ee_private_data_dir, "teardown.yml", "ee-teardown", **ee_isolation(ee_image))
    check_teardown_job(sandbox, artifacts)
