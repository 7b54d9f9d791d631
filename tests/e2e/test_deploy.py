"""End to end: rolling deploys (playbooks/deploy.yml) under real traffic through the sandbox edge.

The sandbox is this module's own (moto on a free port, containers ``webops-e2e-dpl-*``) and the stack is ``dpl``.
The sandbox inventory keeps the timings short: a 5 s deregistration delay, health checks every 5 s, thresholds of 2.

1. site.yml rolls the stack out (both hosts on the app's default version, v1).
2. deploy.yml ships v2, one host at a time, while 4 clients send HTTPS requests through the edge without a pause:
   no request fails, and both hosts answer v2 afterwards.
3. deploy.yml ships ``broken`` (its health check fails) under the same load: the first host is rolled back to v2 and
   registered again, the deploy exits non-zero naming the host and the reason, the second host is never touched,
   and no request fails.

The counts (requests sent, failed, per version and host) are printed. The sandbox is removed at the end.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "tests" / "harness"), str(REPO / "sandbox")]

# pylint: disable-next=wrong-import-position
import through_edge  # noqa: E402
# pylint: disable-next=wrong-import-position
from load import report  # noqa: E402
# pylint: disable-next=wrong-import-position
from sandbox import Sandbox  # noqa: E402
# pylint: disable-next=wrong-import-position
from test_site import NAMES, edge_ports, edge_status, fresh_sandbox, run_playbook, seeded_order  # noqa: E402

STACK = "dpl"
STACK_VARS = json.dumps({"inbound_rules_stack": STACK, "https_edge_stack": STACK})
CLIENTS = 4


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A sandbox of its own (moto, containers webops-e2e-dpl-*), apart from the other modules'."""
    yield from fresh_sandbox("e2e-dpl", tmp_path_factory.mktemp("sandbox-dpl"))


def answers(box: Sandbox, count: int = 20) -> Counter:
    """``(host, version)`` of ``count`` HTTPS requests through the edge (non-200 answers as ``status <code>``)."""
    _http, https = edge_ports(box)
    ca_path = edge_status(box)["ca"]
    seen = Counter()
    for _attempt in range(count):
        answer = through_edge.request(NAMES[0], https, ca_path=ca_path)
        body = json.loads(answer.body) if answer.status == 200 else {}
        seen[(body.get("identity"), body.get("version")) if body else f"status {answer.status}"] += 1
    return seen


def deploy_under_load(box: Sandbox, version: str, expect_rc: int) -> tuple[dict, str]:
    """deploy.yml to ``version`` while CLIENTS clients send requests through the edge; the counts and the output."""
    _http, https = edge_ports(box)
    output: dict = {}
    with through_edge.Load(NAMES[0], https, edge_status(box)["ca"], threads=CLIENTS) as load:
        run_playbook(box, "deploy.yml", "-e", STACK_VARS, "-e", f"rolling_deploy_version={version}",
                     expect_rc=expect_rc, output=output)
    counts = report(load, 0)
    print(f"deploy {version} under load: {CLIENTS} clients, requests sent {counts['sent']}, failed {counts['failed']}, "
          f"per version {counts['per_version']}, per host {counts['per_host']}")
    return counts, output["stdout"]


def test_rollout(sandbox):
    """site.yml: both hosts serve v1 through the edge."""
    run_playbook(sandbox, "site.yml", "-e", STACK_VARS)
    assert set(answers(sandbox)) == {("web1", "v1"), ("web2", "v1")}


def test_deploy_v2_drops_no_request(sandbox):
    """v2 one host at a time under load: 0 failed requests, both versions served during, both hosts on v2 after."""
    counts, _stdout = deploy_under_load(sandbox, "v2", expect_rc=0)
    assert counts["failed"] == 0, counts["failures"]
    assert counts["sent"] > 0
    assert counts["per_version"].get("v2", 0) > 0, counts
    assert set(answers(sandbox)) == {("web1", "v2"), ("web2", "v2")}


def test_deploy_broken_is_rolled_back_and_drops_no_request(sandbox):
    """``broken`` fails its health check on the first host: rolled back, deploy stopped non-zero, 0 failed requests."""
    counts, stdout = deploy_under_load(sandbox, "broken", expect_rc=2)
    assert counts["failed"] == 0, counts["failures"]
    assert "broken" not in counts["per_version"], counts
    instance = seeded_order(sandbox)[0]
    assert f"Deploy of broken failed on web1 ({instance}): " in stdout, stdout[-3000:]
    assert "Status code was 503" in stdout
    assert "rolled back to v2 and is healthy in the load balancer again" in stdout
    # The second host was never touched; the first is back on v2, in service.
    assert "web2" not in stdout.split("PLAY RECAP", 1)[1]
    assert set(answers(sandbox)) == {("web1", "v2"), ("web2", "v2")}
    elbv2 = sandbox.client("elbv2")
    group = elbv2.describe_target_groups(Names=[f"{STACK}-web"])["TargetGroups"][0]
    health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    assert {(d["Target"]["Id"], d["TargetHealth"]["State"]) for d in health} == {(i, "healthy") for i in seeded_order(sandbox)}


def test_deploy_refused_when_too_few_healthy_hosts_would_stay(sandbox):
    """With rolling_deploy_min_healthy_hosts 2 of 2 hosts, the first batch is refused before anything changes."""
    output: dict = {}
    _recap, calls = run_playbook(sandbox, "deploy.yml", "-e", STACK_VARS, "-e", "rolling_deploy_version=v3",
                                 "-e", "rolling_deploy_min_healthy_hosts=2", expect_rc=2, output=output)
    assert "Refusing to deploy v3 to web1: only 1 healthy host(s) would stay in service" in output["stdout"], \
        output["stdout"][-3000:]
    assert "fewer than rolling_deploy_min_healthy_hosts (2)" in output["stdout"]
    assert calls.mutating == 0, calls.mutating_actions()
    assert "v3" not in {version for _host, version in answers(sandbox)}
