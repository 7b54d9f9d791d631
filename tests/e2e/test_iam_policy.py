"""The least-privilege IAM policy (policies/https-rollout-iam-policy.json) against moto with IAM enforcement on.

moto (5.2.x) checks the *actions* of a caller's policies, but authorizes every request against the resource "*"
and does not evaluate the condition operators the policy uses (Null, ForAllValues:...). So the test attaches a
copy of the policy whose statements all have ``"Resource": "*"``: what it proves is that the policy's action list
is complete for the EC2, ELB and ACM work of site.yml and teardown.yml. Route 53 is left out: under moto's
enforcement every Route 53 call fails with SignatureDoesNotMatch, even for an administrator.

1. The policy is valid IAM JSON (moto's policy validator accepts the file as shipped), and policies/README.md
   gives a reason for exactly the actions the policy grants.
2. An IAM user with only the policy runs the EC2/ELB/ACM part of a rollout (the inbound_rules role, then the
   modules with the arguments of the https_edge role: certificate request and wait, target group, load balancer,
   listeners, rule, retirement of superseded certificates), a second rollout that changes tags and settings, and
   the teardown. Everything succeeds and nothing of the stack is left.
3. The same policy without elasticloadbalancing:CreateListener makes the rollout fail with AccessDenied naming it.
4. The stack engine (edge_stack, the https_edge role's path: start, finish, absent) runs with only the policy.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "harness"))

from api_calls import count_calls, parse_lines  # noqa: E402  pylint: disable=wrong-import-position
from moto_server import MotoServer  # noqa: E402  pylint: disable=wrong-import-position

POLICY = REPO / "policies" / "https-rollout-iam-policy.json"
POLICY_README = REPO / "policies" / "README.md"
REGION = "us-east-1"
OWNER_KEY = "https-rollout:stack"
PLAYBOOK_TIMEOUT = 300
# The services whose calls moto can authorize; Route 53 cannot be tested this way.
ENFORCED_SERVICES = ("ec2", "elasticloadbalancing", "acm")
DROPPED_ACTION = "elasticloadbalancing:CreateListener"


def policy_actions(document: dict) -> set[str]:
    """Every action the policy's Allow statements grant."""
    actions = set()
    for statement in document["Statement"]:
        granted = statement["Action"]
        actions.update([granted] if isinstance(granted, str) else granted)
    return actions


#: IAM actions that moto authorizes under another name: the Resource Groups Tagging API's ``tag:GetResources`` is
#: checked as ``tagging:GetResources`` (moto uses the endpoint's prefix). The copy grants both names.
MOTO_ACTION_NAMES = {"tag:GetResources": "tagging:GetResources"}


def actions_only(document: dict, drop: str | None = None) -> dict:
    """The policy with every Resource widened to "*" (moto authorizes against "*"), minus one action if asked."""
    statements = []
    for statement in document["Statement"]:
        copy = dict(statement, Resource="*")
        granted = [copy["Action"]] if isinstance(copy["Action"], str) else list(copy["Action"])
        granted += [MOTO_ACTION_NAMES[action] for action in granted if action in MOTO_ACTION_NAMES]
        copy["Action"] = [action for action in granted if action != drop]
        if copy["Action"]:
            statements.append(copy)
    return {"Version": document["Version"], "Statement": statements}


class Account:
    """The moto account: the seeded network and instances, and one IAM user per policy variant."""

    def __init__(self, server: MotoServer) -> None:
        self.server = server
        self.keys: dict[str, tuple[str, str]] = {}
        self.seed: dict = {}

    def client(self, service: str, user: str | None = None):
        """A boto3 client: moto's dummy credentials before enforcement, a user's keys after."""
        key, secret = self.keys[user] if user else ("testing", "testing")
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name=REGION,
                            aws_access_key_id=key, aws_secret_access_key=secret)

    def seed_network(self) -> None:
        """A VPC, two subnets in two zones and two instances (what an account has before a rollout)."""
        ec2 = self.client("ec2")
        vpc_id = ec2.create_vpc(CidrBlock="10.91.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.91.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
                   for index, zone in ((1, "us-east-1a"), (2, "us-east-1b"))]
        image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instances = [ec2.run_instances(ImageId=image_id, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                       SubnetId=subnet)["Instances"][0]["InstanceId"] for subnet in subnets]
        self.seed = {"vpc_id": vpc_id, "subnet_ids": subnets, "instance_ids": instances}

    def add_user(self, name: str, document: dict) -> None:
        """An IAM user whose only permissions are ``document``."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        arn = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.keys[name] = (key["AccessKeyId"], key["SecretAccessKey"])

    def enforce(self) -> None:
        """Turn IAM enforcement on: from now on every request is authorized against the caller's policies."""
        request = urllib.request.Request(f"{self.server.endpoint}/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10):
            pass


@pytest.fixture(scope="module")
def account():
    """A moto server of its own (free port), seeded, with the users created while auth was off, then enforcing."""
    with MotoServer(acm_validation_wait=2) as server:
        box = Account(server)
        box.seed_network()
        document = json.loads(POLICY.read_text(encoding="utf-8"))
        # moto's validator checks the file as shipped (grammar, ARNs, condition operators) ...
        box.client("iam").create_policy(PolicyName="iam-as-shipped", PolicyDocument=json.dumps(document))
        # ... and enforces the actions of the widened copies.
        box.add_user("iam-rollout", actions_only(document))
        box.add_user("iam-no-listener", actions_only(document, drop=DROPPED_ACTION))
        box.enforce()
        yield box


def rollout_tasks(account: Account, stack: str, second: bool) -> list[dict]:
    """The EC2/ELB/ACM tasks of site.yml for ``stack``, with the arguments the roles give the modules.

    ``second`` changes tags, an admin rule, health check, deregistration delay, idle timeout, targets and the rule's
    host and priority, so that the update actions are exercised too.
    """
    seed = account.seed
    tags = {"environment": "iam-second" if second else "iam-first"}
    if not second:
        tags["team"] = "web"
    names = ["app.iam.test", "www.iam.test"]
    instance_ids = seed["instance_ids"][:1] if second else seed["instance_ids"]
    common = {"stack": stack, "tags": tags}
    certificate = dict(common, name=f"{stack}-edge", domain_name=names[0], subject_alternative_names=names[1:])
    target_group = dict(common, name=f"{stack}-web", protocol="HTTP", port=8080, vpc_id=seed["vpc_id"], target_type="instance",
                        health_check={"protocol": "HTTP", "path": "/ready" if second else "/healthz", "interval": 15,
                                      "healthy_threshold": 2},
                        deregistration_delay=10 if second else 30, targets=[{"id": i} for i in instance_ids])
    load_balancer = dict(common, name=f"{stack}-edge", type="application", scheme="internet-facing",
                         subnets=seed["subnet_ids"], security_groups=["{{ inbound_rules_lb_security_group_id }}"],
                         ip_address_type="ipv4", idle_timeout=120 if second else 60, drop_invalid_header_fields=True,
                         deletion_protection=False)
    listener = dict(common, load_balancer=f"{stack}-edge")
    module = "webops.https_rollout."
    return [
        {"name": "Security groups (role inbound_rules)", "ansible.builtin.include_role": {"name": f"{module}inbound_rules"},
         "vars": {"inbound_rules_stack": stack, "inbound_rules_vpc_id": seed["vpc_id"], "inbound_rules_app_port": 8080,
                  "inbound_rules_instance_ids": instance_ids, "inbound_rules_tags": tags,
                  "inbound_rules_admin_rules": [{"port": 22, "cidr": "203.0.113.0/24" if second else "198.51.100.0/24"}]}},
        {"name": "Request the certificate", module + "acm_certificate": dict(certificate, wait=False)},
        {"name": "Target group", module + "elb_target_group": target_group},
        {"name": "Load balancer", module + "elb_load_balancer": dict(load_balancer, wait=False)},
        {"name": "HTTP listener redirecting to HTTPS", module + "elb_listener":
            dict(listener, port=80, protocol="HTTP", redirect_to_https=True)},
        {"name": "Wait for the certificate", module + "acm_certificate": dict(certificate, wait=True, wait_timeout=120),
         "register": "certificate"},
        {"name": "Wait for the load balancer", module + "elb_load_balancer": dict(load_balancer, wait=True, wait_timeout=120)},
        {"name": "Wait for healthy targets", module + "elb_target_group": dict(target_group, wait_healthy=True, wait_timeout=120)},
        {"name": "HTTPS listener", module + "elb_listener": dict(
            listener, port=443, protocol="HTTPS", certificate_arn="{{ certificate.arn }}", extra_certificate_arns=[],
            ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06", default_action={"type": "forward", "target_group": f"{stack}-web"})},
        {"name": "Host rule", module + "elb_listener_rule": dict(
            listener, port=443, priority=15 if second else 10, name=f"{stack}-www",
            conditions={"host_header": ["shop.iam.test" if second else names[1]]},
            action={"type": "redirect", "redirect": {"host": names[0], "status_code": 301}})},
        {"name": "Retire superseded certificates", module + "acm_certificate": dict(certificate, retire_superseded=True)},
    ]


def teardown_tasks(account: Account, stack: str) -> list[dict]:
    """The EC2/ELB/ACM tasks of teardown.yml (https_edge absent, then inbound_rules absent)."""
    module = "webops.https_rollout."
    owned = {"stack": stack, "load_balancer": f"{stack}-edge"}
    return [
        {"name": "Look for the load balancer", "amazon.aws.elb_application_lb_info": {
            "include_attributes": False, "include_listeners": False, "include_listener_rules": False}},
        {"name": "Remove the rule", module + "elb_listener_rule": dict(owned, port=443, priority=15, name=f"{stack}-www",
                                                                       state="absent")},
        {"name": "Remove the listeners", module + "elb_listener": dict(owned, port="{{ item }}", state="absent"),
         "loop": [443, 80]},
        {"name": "Remove the load balancer", module + "elb_load_balancer": {
            "name": f"{stack}-edge", "stack": stack, "state": "absent", "wait": True, "wait_timeout": 120}},
        {"name": "Remove the target group", module + "elb_target_group": {"name": f"{stack}-web", "stack": stack, "state": "absent"}},
        {"name": "Find the certificates", module + "acm_certificate_info": {"name": f"{stack}-edge", "tags": {OWNER_KEY: stack}}},
        {"name": "Remove the certificates", module + "acm_certificate": {"name": f"{stack}-edge", "stack": stack, "state": "absent"}},
        {"name": "Remove the security groups (role inbound_rules)", "ansible.builtin.include_role": {"name": f"{module}inbound_rules"},
         "vars": {"inbound_rules_stack": stack, "inbound_rules_state": "absent",
                  "inbound_rules_instance_ids": account.seed["instance_ids"]}},
    ]


def run_playbook(account: Account, user: str, tasks: list[dict], workdir: Path, label: str) -> tuple[subprocess.CompletedProcess, object]:
    """Run ``tasks`` on localhost with ``user``'s keys; return the process and the AWS calls it made."""
    key, secret = account.keys[user]
    play = {
        "name": label, "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/webops.https_rollout.aws": {
            "region": REGION, "endpoint_url": account.server.endpoint, "access_key": key, "secret_key": secret}},
        "tasks": tasks,
    }
    playbook = workdir / f"{label}.yml"
    playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding="utf-8")
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(REPO / ".build" / "collections"), ANSIBLE_NOCOLOR="true",
               ANSIBLE_FORCE_COLOR="false", ANSIBLE_RETRY_FILES_ENABLED="false")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(playbook),
               "-e", f"ansible_python_interpreter={sys.executable}"]
    start = len(account.server.recording_lines())
    began = time.monotonic()
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT, check=False)
    calls = count_calls(parse_lines(account.server.recording_lines()[start:]))
    print(f"{label}: rc {proc.returncode} in {time.monotonic() - began:.1f} s, {calls.read} read, {calls.mutating} mutating calls")
    return proc, calls


def test_policy_is_valid_and_every_action_has_a_reason():
    """The file is IAM JSON with unique Sids, and the README's table gives a reason for exactly its actions."""
    document = json.loads(POLICY.read_text(encoding="utf-8"))
    assert document["Version"] == "2012-10-17"
    sids = [statement["Sid"] for statement in document["Statement"]]
    assert len(sids) == len(set(sids)) and all(re.fullmatch(r"[A-Za-z0-9]+", sid) for sid in sids), sids
    assert all(statement["Effect"] == "Allow" and statement["Resource"] for statement in document["Statement"])
    granted = policy_actions(document)
    documented = set(re.findall(r"^\| `([a-z0-9]+:[A-Za-z0-9]+)` \|", POLICY_README.read_text(encoding="utf-8"), re.M))
    assert documented == granted, {"no reason in README": sorted(granted - documented),
                                   "in README, not in the policy": sorted(documented - granted)}


def test_rollout_and_teardown_with_only_the_policy(account, tmp_path):
    """EC2, ELB and ACM work of a rollout, an updating rollout and the teardown, as a user with only the policy."""
    stack = "iam-lp"
    recorded = set()
    for label, tasks in (("rollout", rollout_tasks(account, stack, second=False)),
                         ("update", rollout_tasks(account, stack, second=True)),
                         ("teardown", teardown_tasks(account, stack))):
        proc, calls = run_playbook(account, "iam-rollout", tasks, tmp_path, label)
        assert proc.returncode == 0, f"{label} failed (rc {proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
        assert "AccessDenied" not in proc.stdout
        recorded |= {f"{service}:{action}" for service, action in calls.actions}

    enforced = {call for call in recorded if call.split(":")[0] in ENFORCED_SERVICES}
    granted = policy_actions(json.loads(POLICY.read_text(encoding="utf-8")))
    print("EC2/ELB/ACM actions made:", ", ".join(sorted(enforced)))
    assert enforced <= granted, sorted(enforced - granted)
    # The run went through the create, update and delete paths that the policy is there for.
    for needed in ("ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
                   "ec2:ModifyNetworkInterfaceAttribute", "ec2:DeleteSecurityGroup",
                   "acm:RequestCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:DeleteCertificate",
                   "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
                   "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule",
                   "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
                   "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:DeregisterTargets",
                   "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
                   "elasticloadbalancing:DeleteRule", "elasticloadbalancing:DeleteListener",
                   "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup"):
        assert needed in enforced, f"{needed} was never called: the test no longer covers it"

    elbv2, acm, ec2 = (account.client(service, "iam-rollout") for service in ("elbv2", "acm", "ec2"))
    assert [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]] == []
    assert [group["TargetGroupName"] for group in elbv2.describe_target_groups()["TargetGroups"]] == []
    assert acm.list_certificates()["CertificateSummaryList"] == []
    owned = ec2.describe_security_groups(Filters=[{"Name": f"tag:{OWNER_KEY}", "Values": [stack]}])["SecurityGroups"]
    assert owned == []


def test_policy_without_create_listener_is_denied(account, tmp_path):
    """Without elasticloadbalancing:CreateListener the rollout stops at the first listener, with AccessDenied."""
    tasks = [task for task in rollout_tasks(account, "iam-neg", second=False)
             if not task["name"].startswith("Security groups")][:4]
    tasks[2]["webops.https_rollout.elb_load_balancer"].pop("security_groups")
    assert "webops.https_rollout.elb_listener" in tasks[-1]
    proc, calls = run_playbook(account, "iam-no-listener", tasks, tmp_path, "denied")
    assert proc.returncode != 0
    assert "AccessDenied" in proc.stdout, proc.stdout[-4000:]
    assert f"not authorized to perform: {DROPPED_ACTION}" in proc.stdout, proc.stdout[-4000:]
    assert ("elasticloadbalancing", "CreateListener") in calls.actions
    assert ("elasticloadbalancing", "CreateLoadBalancer") in calls.actions


def engine_tasks(account: Account, stack: str, phase: str) -> list[dict]:
    """One call of the stack engine (webops.https_rollout.edge_stack), as the https_edge role makes it."""
    seed = account.seed
    names = ["engine.iam.test", "www.engine.iam.test"]
    args = {"stack": stack, "phase": phase, "wait_timeout": 120,
            "certificate": {"name": f"{stack}-edge", "domain_name": names[0], "subject_alternative_names": names[1:]},
            "load_balancer": {"name": f"{stack}-edge", "type": "application", "subnets": seed["subnet_ids"]}}
    if phase != "absent":
        args.update(
            tags={"team": "web"},
            target_groups=[{"name": f"{stack}-web", "protocol": "HTTP", "port": 8080, "vpc_id": seed["vpc_id"],
                            "health_check": {"path": "/healthz"}, "targets": [{"id": i} for i in seed["instance_ids"]]}],
            listeners=[{"port": 80, "protocol": "HTTP", "redirect_to_https": True},
                       {"port": 443, "protocol": "HTTPS", "default_action": {"type": "forward", "target_group": f"{stack}-web"}}],
            rules=[{"name": f"{stack}-www", "priority": 10, "conditions": {"host_header": [names[1]]}}],
        )
    return [{"name": f"Stack engine, phase {phase}", "webops.https_rollout.edge_stack": args}]


def test_the_stack_engine_with_only_the_policy(account, tmp_path):
    """The engine's start, finish and absent phases (the https_edge role's path) as a user with only the policy."""
    stack = "iam-engine"
    recorded = set()
    for phase in ("start", "finish", "absent"):
        proc, calls = run_playbook(account, "iam-rollout", engine_tasks(account, stack, phase), tmp_path, f"engine-{phase}")
        assert proc.returncode == 0, f"{phase} failed (rc {proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
        assert "AccessDenied" not in proc.stdout
        recorded |= {f"{service}:{action}" for service, action in calls.actions}
    assert "tagging:GetResources" in recorded
    elbv2, acm = (account.client(service, "iam-rollout") for service in ("elbv2", "acm"))
    # Only this test's resources count: an earlier test of the module may leave its own behind.
    assert [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]
            if lb["LoadBalancerName"].startswith(stack)] == []
    assert [group["TargetGroupName"] for group in elbv2.describe_target_groups()["TargetGroups"]
            if group["TargetGroupName"].startswith(stack)] == []
    assert [c for c in acm.list_certificates()["CertificateSummaryList"] if c["DomainName"].endswith("engine.iam.test")] == []
