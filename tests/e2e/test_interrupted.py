"""End to end: a site.yml run killed in the middle of the edge phase, then rerun, converges.

The sandbox is this module's own (moto on a free port, containers ``webops-e2e-int-*``) and the stack is ``int``,
so it cannot meet the sandbox of test_site.py. The account starts empty of the stack, so every resource of a kind
is counted, not only the tagged ones: an untagged orphan (a certificate requested by a run that never saw the
answer, say) counts as a duplicate.

1. site.yml is killed (SIGKILL to its whole process tree) while moto holds its answer to the certificate request
   (the sandbox's hold file): the certificate comes into being, the run never learns its ARN.
2. site.yml is killed again while moto holds its answer to the load balancer's creation: the load balancer comes
   into being, its listeners do not.
3. site.yml runs to the end: one certificate, one target group, one load balancer, one listener per port, one rule
   per priority, one security group per role, the DNS records of that one certificate and nothing more.
4. A rerun reports changed=0 and makes no mutating call.
5. teardown.yml leaves nothing of the stack (nor any orphan of the killed runs).

The sandbox is removed at the end, also when a test fails.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "tests" / "harness"), str(REPO / "sandbox")]

# pylint: disable-next=wrong-import-position
from sandbox import Sandbox  # noqa: E402
# pylint: disable-next=wrong-import-position
from api_calls import classify  # noqa: E402
# pylint: disable-next=wrong-import-position
from test_site import NAMES, OWNER_KEY, elb_tags, fresh_sandbox, run_playbook, seeded_instance_ids, zone_records  # noqa: E402

STACK = "int"
STACK_VARS = json.dumps({"inbound_rules_stack": STACK, "https_edge_stack": STACK})
# A killed run must reach its kill point well within this; the whole module stays under four minutes.
KILL_DEADLINE = 120


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A sandbox of its own (moto, containers webops-e2e-int-*), apart from test_site's."""
    yield from fresh_sandbox("e2e-int", tmp_path_factory.mktemp("sandbox-int"))


def run_and_kill(box: Sandbox, action: tuple[str, str]) -> None:
    """Run site.yml and SIGKILL its process group while moto holds its answer to ``action`` (service, Action).

    moto serves the request in full (the resource exists) and holds the answer (sandbox/account/hold.py) until the
    run is dead, so the run never learns what it made, whatever calls it would send next.
    """
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(REPO / ".build" / "collections"), ANSIBLE_PIPELINING="true",
               ANSIBLE_NOCOLOR="true")
    marker = Path(f"{box.hold_file}.held")
    marker.unlink(missing_ok=True)
    offset = box.recording.stat().st_size if box.recording.exists() else 0
    box.hold_file.write_text(json.dumps({"service": action[0], "action": action[1]}), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(REPO / "inventories" / "sandbox"),
               "-i", str(box.inventory), str(REPO / "playbooks" / "site.yml"), "-e", STACK_VARS]
    log = box.workdir / f"killed-at-{action[1]}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + KILL_DEADLINE
        while not marker.exists():
            assert proc.poll() is None, (f"site.yml ended (rc {proc.returncode}) before {action[1]}; moto saw "
                                         f"{calls_since(box, offset)}\n"
                                         + log.read_text(encoding="utf-8", errors="replace")[-4000:])
            assert time.monotonic() < deadline, f"no {action[1]} within {KILL_DEADLINE}s"
            time.sleep(0.05)
    finally:
        tree = kill_tree(proc.pid)
        proc.wait(timeout=30)
        box.hold_file.unlink(missing_ok=True)
    assert proc.returncode == -signal.SIGKILL, f"site.yml was not killed: rc {proc.returncode}"
    # Nothing of the killed run lives on: not ansible-playbook, its workers, nor the module they ran.
    assert len(tree) >= 3, f"the killed site.yml had no worker or module running: {tree}"
    assert gone(tree), f"processes of the killed site.yml are still there: {tree}"
    # moto lets the held answer go to the dead connection; wait until it has.
    deadline = time.monotonic() + 10
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def calls_since(box: Sandbox, offset: int) -> list[str]:
    """The mutating actions in moto's request log after ``offset`` bytes (for failure messages)."""
    with open(box.recording, "rb") as recording:
        recording.seek(offset)
        lines = recording.read().splitlines()
    return [":".join(found) for found in (classify(json.loads(line)) for line in lines if line.strip())
            if not found[1].startswith(("Describe", "List", "Get"))]


def children(pid: int) -> set[int]:
    """The direct children of a process (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def kill_tree(root: int) -> set[int]:
    """SIGKILL a process and every descendant, as a machine that loses power would; return the pids.

    A process group is not enough: ansible-core's workers call setsid(), so they and the modules they run are in
    sessions of their own and would finish their work after ansible-playbook died. The tree is frozen (SIGSTOP)
    first, so that nothing forks or is reparented while it is collected.
    """
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in tree:
            continue
        try:
            os.kill(pid, signal.SIGSTOP)
        except ProcessLookupError:
            continue
        tree.add(pid)
        todo += children(pid)
    for pid in tree:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return tree


def gone(pids: set[int], timeout: float = 10) -> bool:
    """Whether none of ``pids`` is left (as a live process; zombies of this test's own child do not count)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = set()
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.add(pid)
        if not alive:
            return True
        time.sleep(0.1)
    return False


def certificates(box: Sandbox) -> list[dict]:
    """Every certificate of the account, described."""
    acm = box.client("acm")
    return [acm.describe_certificate(CertificateArn=item["CertificateArn"])["Certificate"]
            for item in acm.list_certificates()["CertificateSummaryList"]]


def load_balancers(box: Sandbox) -> list[dict]:
    """Every load balancer of the account."""
    return box.client("elbv2").describe_load_balancers()["LoadBalancers"]


def listeners(box: Sandbox) -> list[dict]:
    """Every listener of every load balancer of the account."""
    elbv2 = box.client("elbv2")
    return [item for lb in load_balancers(box)
            for item in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]]


def security_groups(box: Sandbox) -> list[dict]:
    """Every security group of the account but the VPCs' default ones."""
    return [g for g in box.client("ec2").describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"]


def account_state(box: Sandbox) -> dict:
    """What the account holds, in a few words (printed, for the record of each step)."""
    return {
        "certificates": [c["Status"] for c in certificates(box)],
        "load_balancers": [lb["LoadBalancerName"] for lb in load_balancers(box)],
        "target_groups": [g["TargetGroupName"] for g in box.client("elbv2").describe_target_groups()["TargetGroups"]],
        "listeners": sorted(item["Port"] for item in listeners(box)),
        "security_groups": sorted(g["GroupName"] for g in security_groups(box)),
        "records": sorted(f"{r['Name']} {r['Type']}" for r in zone_records(box)),
    }


def test_killed_at_certificate_request(sandbox):
    """A run killed as the certificate is requested leaves a certificate whose ARN it never saw, and no edge."""
    run_and_kill(sandbox, ("acm", "RequestCertificate"))
    state = account_state(sandbox)
    print(f"after the kill at RequestCertificate: {state}")
    assert len(state["certificates"]) == 1
    assert state["load_balancers"] == [] and state["listeners"] == []


def test_killed_at_load_balancer_creation(sandbox):
    """A second run, killed as the load balancer is created, reuses the certificate and leaves no listener."""
    run_and_kill(sandbox, ("elasticloadbalancing", "CreateLoadBalancer"))
    state = account_state(sandbox)
    print(f"after the kill at CreateLoadBalancer: {state}")
    assert len(state["certificates"]) == 1, state
    assert state["load_balancers"] == [f"{STACK}-edge"], state
    assert 443 not in state["listeners"], state


def test_rerun_converges(sandbox):
    """The full run after two kills: one of everything, all of it the stack's, no orphan."""
    recap, _calls = run_playbook(sandbox, "site.yml", "-e", STACK_VARS)
    assert all(host["failed"] == 0 and host["unreachable"] == 0 for host in recap.values()), recap
    print(f"after the full run: {account_state(sandbox)}")
    elbv2, acm = sandbox.client("elbv2"), sandbox.client("acm")

    (certificate,) = certificates(sandbox)
    assert certificate["Status"] == "ISSUED"
    assert sorted(certificate["SubjectAlternativeNames"]) == sorted(NAMES)
    tags = {t["Key"]: t["Value"] for t in acm.list_tags_for_certificate(CertificateArn=certificate["CertificateArn"])["Tags"]}
    assert tags[OWNER_KEY] == STACK

    (balancer,) = load_balancers(sandbox)
    assert balancer["LoadBalancerName"] == f"{STACK}-edge"
    assert elb_tags(elbv2, balancer["LoadBalancerArn"])[OWNER_KEY] == STACK

    (group,) = elbv2.describe_target_groups()["TargetGroups"]
    assert group["TargetGroupName"] == f"{STACK}-web"
    assert elb_tags(elbv2, group["TargetGroupArn"])[OWNER_KEY] == STACK
    health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    assert sorted(t["Target"]["Id"] for t in health) == sorted(seeded_instance_ids(sandbox))

    by_port = sorted(listeners(sandbox), key=lambda item: item["Port"])
    assert [item["Port"] for item in by_port] == [80, 443]
    assert by_port[1]["Certificates"][0]["CertificateArn"] == certificate["CertificateArn"]
    rules = [r for r in elbv2.describe_rules(ListenerArn=by_port[1]["ListenerArn"])["Rules"] if not r["IsDefault"]]
    assert sorted(r["Priority"] for r in rules) == ["10", "20"]

    groups = security_groups(sandbox)
    assert sorted(g["GroupName"] for g in groups) == [f"{STACK}-instances", f"{STACK}-lb"]
    assert all({"Key": OWNER_KEY, "Value": STACK} in g.get("Tags", []) for g in groups), groups

    validation = {option["ResourceRecord"]["Name"] for option in certificate["DomainValidationOptions"]}
    records = zone_records(sandbox)
    assert sorted((r["Name"], r["Type"]) for r in records) == sorted(
        [(f"{name}.", "A") for name in NAMES] + [(name if name.endswith(".") else f"{name}.", "CNAME") for name in validation])
    assert all(r["AliasTarget"]["DNSName"].rstrip(".").lower().endswith(balancer["DNSName"].lower())
               for r in records if r["Type"] == "A"), records


def test_second_rerun_is_a_no_op(sandbox):
    """Converged means settled: another run changes nothing and makes no mutating call."""
    recap, calls = run_playbook(sandbox, "site.yml", "-e", STACK_VARS)
    assert {host: values["changed"] for host, values in recap.items()} == {"localhost": 0, "web1": 0, "web2": 0}
    assert calls.mutating == 0, f"mutating calls on the rerun: {calls.mutating_actions()}"


def test_teardown_leaves_nothing(sandbox):
    """teardown.yml after the interrupted rollout: no certificate, edge, security group or record is left."""
    run_playbook(sandbox, "teardown.yml", "-e", STACK_VARS)
    state = account_state(sandbox)
    print(f"after teardown: {state}")
    assert state == {"certificates": [], "load_balancers": [], "target_groups": [], "listeners": [],
                     "security_groups": [], "records": []}
