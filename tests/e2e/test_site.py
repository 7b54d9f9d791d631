"""End to end: playbooks/site.yml and teardown.yml in the sandbox (moto on 127.0.0.1, two systemd containers).

One sandbox is shared by the tests of this module, which run in order:

1. site.yml rolls out app.example.test and www.example.test; AWS (moto) is checked resource by resource;
2. a rerun reports changed=0 on every host and makes zero mutating AWS calls (moto's request log);
3. a changed domain set rotates the certificate: the listener serves the new one, the old one is deleted;
4. teardown.yml removes every resource carrying the stack's tag, and leaves alone foreign resources with
   similar names that the test created.

The sandbox (moto and the containers) is removed at the end, also when a test fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(REPO / "sandbox"))

from api_calls import count_calls, parse_lines  # noqa: E402  pylint: disable=wrong-import-position
from moto_server import free_port  # noqa: E402  pylint: disable=wrong-import-position
from sandbox import Sandbox  # noqa: E402  pylint: disable=wrong-import-position

STACK = "demo"
OWNER_KEY = "https-rollout:stack"
NAMES = ["app.example.test", "www.example.test"]
PLAYBOOK_TIMEOUT = 900
# What one test leaves for the next (the tests of this module run in order on one sandbox).
SHARED = {"alternative_names": NAMES[1:]}
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def fresh_sandbox(name: str, workdir: Path):
    """Yield a fresh sandbox (own moto server on a free port, own containers); remove it afterwards whatever happened."""
    box = Sandbox(name, free_port(), workdir, acm_wait=3)
    box.remove_containers()  # left over by a run that was killed before its clean-up
    try:
        box.up()
        yield box
    finally:
        box.down()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """The sandbox of this module's tests (containers webops-e2e-*)."""
    yield from fresh_sandbox("e2e", tmp_path_factory.mktemp("sandbox"))


def recording_lines(box: Sandbox) -> list[str]:
    """moto's request log so far, one JSON line per request."""
    if not box.recording.exists():
        return []
    return [line for line in box.recording.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_playbook(box: Sandbox, playbook: str, *extra: str) -> tuple[dict, object]:
    """Run a playbook against the sandbox; return its recap per host and the AWS calls it made."""
    start = len(recording_lines(box))
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".build" / "collections"),
        ANSIBLE_PIPELINING="true",
        ANSIBLE_FORCE_COLOR="false",
        ANSIBLE_NOCOLOR="true",
    )
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i", str(REPO / "inventories" / "sandbox"), "-i", str(box.inventory),
        str(REPO / "playbooks" / playbook), *extra,
    ]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT,
                          check=False)
    calls = count_calls(parse_lines(recording_lines(box)[start:]))
    print(f"{playbook} {' '.join(extra)}: {calls.read} read, {calls.mutating} mutating AWS calls")
    assert proc.returncode == 0, f"{playbook} failed (rc {proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    recap = {m.group(1): {"ok": int(m.group(2)), "changed": int(m.group(3)), "unreachable": int(m.group(4)),
                          "failed": int(m.group(5))} for m in RECAP.finditer(proc.stdout)}
    assert recap, f"no PLAY RECAP in the output of {playbook}:\n{proc.stdout[-3000:]}"
    return recap, calls


def elb_tags(elbv2, arn: str) -> dict:
    """Tags of an ELBv2 resource."""
    return {t["Key"]: t["Value"] for t in elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"]}


def owned_certificates(acm) -> list[dict]:
    """The stack's certificates, described."""
    found = []
    for summary in acm.list_certificates()["CertificateSummaryList"]:
        tags = {t["Key"]: t["Value"] for t in acm.list_tags_for_certificate(CertificateArn=summary["CertificateArn"])["Tags"]}
        if tags.get(OWNER_KEY) == STACK:
            found.append(acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"])
    return found


def edge(box: Sandbox) -> dict:
    """The stack's load balancer, its listeners by port and its target group's health."""
    elbv2 = box.client("elbv2")
    lbs = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == f"{STACK}-edge"]
    assert len(lbs) == 1, f"expected one load balancer {STACK}-edge, found {len(lbs)}"
    listeners = {item["Port"]: item for item in elbv2.describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"]}
    group = elbv2.describe_target_groups(Names=[f"{STACK}-web"])["TargetGroups"][0]
    health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    return {"lb": lbs[0], "listeners": listeners, "group": group, "health": health}


def zone_records(box: Sandbox) -> list[dict]:
    """The records of example.test, without NS and SOA."""
    route53 = box.client("route53")
    zone = route53.list_hosted_zones_by_name(DNSName="example.test")["HostedZones"][0]
    return [r for r in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
            if r["Type"] not in ("NS", "SOA")]


def seeded_instance_ids(box: Sandbox) -> set[str]:
    """The instance IDs the seed mapped to the containers (from the written inventory)."""
    return set(re.findall(r"instance_id: (i-[0-9a-f]+)", box.inventory.read_text(encoding="utf-8")))


def test_site_rolls_out(sandbox):
    """site.yml: certificate ISSUED, redirect and HTTPS listeners, rules, healthy targets, alias records."""
    recap, calls = run_playbook(sandbox, "site.yml")
    assert set(recap) == {"localhost", "web1", "web2"}
    assert all(host["failed"] == 0 and host["unreachable"] == 0 for host in recap.values()), recap
    assert calls.mutating > 0

    certificates = owned_certificates(sandbox.client("acm"))
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate["Status"] == "ISSUED"
    assert sorted(certificate["SubjectAlternativeNames"]) == sorted(NAMES)

    state = edge(sandbox)
    assert state["lb"]["Type"] == "application"
    assert elb_tags(sandbox.client("elbv2"), state["lb"]["LoadBalancerArn"])[OWNER_KEY] == STACK
    assert sorted(state["listeners"]) == [80, 443]
    redirect = state["listeners"][80]["DefaultActions"][0]
    assert redirect["Type"] == "redirect" and redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    https = state["listeners"][443]
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2")
    assert https["Certificates"][0]["CertificateArn"] == certificate["CertificateArn"]
    rules = [r for r in sandbox.client("elbv2").describe_rules(ListenerArn=https["ListenerArn"])["Rules"] if not r["IsDefault"]]
    assert sorted(r["Priority"] for r in rules) == ["10", "20"]
    assert {t["Target"]["Id"] for t in state["health"]} == seeded_instance_ids(sandbox)
    assert all(t["TargetHealth"]["State"] == "healthy" for t in state["health"])
    assert all(t["Target"]["Port"] == 8080 for t in state["health"])

    records = zone_records(sandbox)
    aliases = {r["Name"] for r in records if r["Type"] == "A" and "AliasTarget" in r}
    assert aliases == {f"{name}." for name in NAMES}
    assert any(r["Type"] == "CNAME" and "acm-validations" in r["ResourceRecords"][0]["Value"] for r in records)


def test_rerun_changes_nothing(sandbox):
    """A second site.yml: changed=0 everywhere and not one mutating AWS call."""
    recap, calls = run_playbook(sandbox, "site.yml")
    assert {host: values["changed"] for host, values in recap.items()} == {"localhost": 0, "web1": 0, "web2": 0}
    assert calls.mutating == 0, f"mutating calls on the rerun: {calls.mutating_actions()}"
    assert calls.read > 0


def test_domain_change_rotates_certificate(sandbox):
    """A third name: a new certificate is issued, the listener switched to it, the old one deleted."""
    acm = sandbox.client("acm")
    (old,) = owned_certificates(acm)
    names = NAMES[1:] + ["shop.example.test"]
    run_playbook(sandbox, "site.yml", "-e", json.dumps({"https_edge_alternative_names": names}))
    certificates = owned_certificates(acm)
    assert len(certificates) == 1, [c["CertificateArn"] for c in certificates]
    new = certificates[0]
    assert new["CertificateArn"] != old["CertificateArn"]
    assert new["Status"] == "ISSUED"
    assert sorted(new["SubjectAlternativeNames"]) == sorted(NAMES + ["shop.example.test"])
    assert edge(sandbox)["listeners"][443]["Certificates"][0]["CertificateArn"] == new["CertificateArn"]
    assert "shop.example.test." in {r["Name"] for r in zone_records(sandbox) if r["Type"] == "A"}
    # Keep the rotated names for the teardown: it must find the alias of shop.example.test too.
    SHARED["alternative_names"] = names


def create_foreign_resources(box: Sandbox) -> dict:
    """Resources with names like the stack's that the stack does not own."""
    ec2, elbv2, acm, route53 = box.client("ec2"), box.client("elbv2"), box.client("acm"), box.client("route53")
    vpc_id = re.search(r"sandbox_vpc_id: (\S+)", box.inventory.read_text(encoding="utf-8")).group(1)
    group = elbv2.create_target_group(
        Name=f"{STACK}-web-foreign", Protocol="HTTP", Port=8080, VpcId=vpc_id, TargetType="instance",
        Tags=[{"Key": OWNER_KEY, "Value": "someone-else"}],
    )["TargetGroups"][0]["TargetGroupArn"]
    security_group = ec2.create_security_group(GroupName=f"{STACK}-lb-foreign", Description="not the stack's",
                                               VpcId=vpc_id)["GroupId"]
    certificate = acm.request_certificate(
        DomainName="app.example.test", ValidationMethod="DNS",
        Tags=[{"Key": "Name", "Value": f"{STACK}-edge"}, {"Key": OWNER_KEY, "Value": "someone-else"}],
    )["CertificateArn"]
    zone = route53.list_hosted_zones_by_name(DNSName="example.test")["HostedZones"][0]["Id"]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": "app-foreign.example.test", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}}]})
    return {"target_group": group, "security_group": security_group, "certificate": certificate}


def test_teardown_removes_only_the_stack(sandbox):
    """teardown.yml: nothing with the stack's tag is left; the foreign look-alikes are untouched."""
    foreign = create_foreign_resources(sandbox)
    run_playbook(sandbox, "teardown.yml", "-e", json.dumps({"https_edge_alternative_names": SHARED["alternative_names"]}))

    elbv2, acm, ec2 = sandbox.client("elbv2"), sandbox.client("acm"), sandbox.client("ec2")
    assert owned_certificates(acm) == []
    for lb in elbv2.describe_load_balancers()["LoadBalancers"]:
        assert elb_tags(elbv2, lb["LoadBalancerArn"]).get(OWNER_KEY) != STACK, lb["LoadBalancerName"]
    for group in elbv2.describe_target_groups()["TargetGroups"]:
        assert elb_tags(elbv2, group["TargetGroupArn"]).get(OWNER_KEY) != STACK, group["TargetGroupName"]
    owned_groups = ec2.describe_security_groups(Filters=[{"Name": f"tag:{OWNER_KEY}", "Values": [STACK]}])["SecurityGroups"]
    assert owned_groups == [], [g["GroupName"] for g in owned_groups]
    records = zone_records(sandbox)
    assert not [r for r in records if "AliasTarget" in r or "acm-validations" in json.dumps(r)], records

    assert elbv2.describe_target_groups(TargetGroupArns=[foreign["target_group"]])["TargetGroups"]
    assert ec2.describe_security_groups(GroupIds=[foreign["security_group"]])["SecurityGroups"]
    assert acm.describe_certificate(CertificateArn=foreign["certificate"])["Certificate"]["CertificateArn"]
    assert [r for r in records if r["Name"] == "app-foreign.example.test."]
