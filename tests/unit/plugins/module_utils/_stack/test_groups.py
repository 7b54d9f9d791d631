"""Unit tests for _stack/groups.py: the option security_groups validated and planned, the teardown's order."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.webops.https_rollout.plugins.module_utils import stack
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import groups
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry


def security_groups(**overrides):
    base = {
        "vpc_id": "vpc-1", "tags": None, "option_names": {},
        "load_balancer": {"name": "shop-lb", "description": None, "ports": [80, 443], "cidrs": ["0.0.0.0/0"],
                          "ipv6_cidrs": ["::/0"]},
        "instances": {"name": "shop-instances", "description": None, "app_port": 8080, "admin_rules": [],
                      "instance_ids": ["i-1"]},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = dict(base[key], **value)
        else:
            base[key] = value
    return base


def options(phase="start", **overrides):
    return {"stack": "shop", "phase": phase, "tags": {"team": "web"}, "purge_tags": True, "certificate": None,
            "target_groups": [], "load_balancer": None, "listeners": [], "rules": [],
            "security_groups": security_groups(**overrides)}


def test_without_the_option_there_is_nothing_to_plan():
    assert groups.group_params(dict(options(), security_groups=None)) is None


def test_security_groups_alone_are_not_an_edge():
    assert not groups.has_edge(options())
    assert groups.has_edge(dict(options(), load_balancer={"name": "shop-edge"}))


@pytest.mark.parametrize("overrides, message", [
    ({"vpc_id": ""}, r"^security_groups.vpc_id: give the VPC"),
    ({"vpc_id": "subnet-1"}, r"^security_groups.vpc_id: 'subnet-1' is not a VPC ID"),
    ({"load_balancer": {"ports": [80, 70000]}}, r"^security_groups.load_balancer.ports: "),
    ({"load_balancer": {"ports": []}}, r"^security_groups.load_balancer.ports: "),
    ({"load_balancer": {"cidrs": ["10.0.0.1"]}}, r"^security_groups.load_balancer.cidrs: '10.0.0.1' is not an IPv4"),
    ({"load_balancer": {"ipv6_cidrs": ["10.0.0.0/8"]}}, r"^security_groups.load_balancer.ipv6_cidrs: .* IPv6"),
    ({"instances": {"app_port": 0}}, r"^security_groups.instances.app_port: 0"),
    ({"instances": {"admin_rules": [{"port": 22, "cidr": "0.0.0.0/0"}]}}, r"^security_groups.instances.admin_rules: "),
    ({"instances": {"admin_rules": [{"port": 8080, "cidr": "10.0.0.0/8"}]}}, r"app port \(8080"),
    ({"instances": {"name": "shop-lb"}}, r"both are 'shop-lb'"),
    ({"option_names": {"nope": "x"}}, r"^security_groups.option_names: nope is not one of"),
])
def test_bad_input_is_refused_naming_the_option(overrides, message):
    with pytest.raises(RolloutError, match=message):
        groups.group_params(options(**overrides))


def test_errors_name_the_option_as_the_caller_calls_it():
    names = {"instances.admin_rules": "inbound_rules_admin_rules", "vpc_id": "inbound_rules_vpc_id"}
    with pytest.raises(RolloutError, match=r"^inbound_rules_admin_rules: "):
        groups.group_params(options(option_names=names, instances={"admin_rules": [{"port": 22, "cidr": "::/0"}]}))
    with pytest.raises(RolloutError, match=r"^inbound_rules_vpc_id: give the VPC"):
        groups.group_params(options(option_names=names, vpc_id=""))


def test_absent_needs_neither_the_vpc_nor_valid_rules():
    params = groups.group_params(options(phase="absent", vpc_id="", load_balancer={"ports": []}))
    assert params["load_balancer"]["name"] == "shop-lb"


def test_the_desired_groups_are_the_roles_with_the_engines_tags_and_the_callers_option_names():
    params = groups.group_params(options(option_names={"load_balancer.name": "inbound_rules_lb_group_name"}))
    lb, instances = groups.desired_groups(params, options(), "sg-lb")
    assert lb["option"] == "inbound_rules_lb_group_name" and instances["option"] == "security_groups.instances.name"
    assert lb["tags"] == {"team": "web", "https-rollout:stack": "shop", "Name": "shop-lb"}
    assert lb["description"].startswith("Load balancer of shop")
    assert [rule["from_port"] for rule in lb["rules"]] == [80, 80, 443, 443]
    assert instances["rules"] == [{"proto": "tcp", "from_port": 8080, "to_port": 8080, "group_id": ["sg-lb"],
                                   "description": "App port from the load balancer of shop"}]
    own_tags = groups.group_params(options(tags={"env": "prod"}))
    assert groups.desired_groups(own_tags, options(), "sg-lb")[0]["tags"]["env"] == "prod"


def test_a_foreign_group_is_refused_with_the_roles_words():
    params = groups.group_params(options(option_names={"load_balancer.name": "inbound_rules_lb_group_name",
                                                       "instances.name": "inbound_rules_instance_group_name"}))
    foreign = {"group_name": "shop-lb", "group_id": "sg-9", "vpc_id": "vpc-1", "tags": {"https-rollout:stack": "other"}}
    message = groups._foreign_message(params, [("load_balancer.name", foreign)], "shop")
    assert message.startswith("inbound_rules_lb_group_name: security group shop-lb = sg-9 in vpc-1 exists without "
                              "the tag https-rollout:stack=shop (it carries https-rollout:stack=other)")
    assert "Set inbound_rules_lb_group_name / inbound_rules_instance_group_name to names that are free" in message


class Calls:
    """The EC2 operations a client sent, in order."""

    def __init__(self, client):
        self.names = []
        client.meta.events.register("before-call.ec2", lambda model, **_kwargs: self.names.append(model.name))


class Clients:
    def __init__(self, client):
        self.client = client

    def ec2(self):
        return self.client


@pytest.fixture
def aws():
    """moto in process: a VPC, two instances with a base group, and the engine's clients."""
    with mock_aws():
        raw = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        vpc = raw.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        other_vpc = raw.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        subnet = raw.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        base = raw.create_security_group(GroupName="base", Description="base", VpcId=vpc)["GroupId"]
        image = raw.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instances = raw.run_instances(ImageId=image, MinCount=2, MaxCount=2, SubnetId=subnet,
                                      SecurityGroupIds=[base])["Instances"]
        ids = sorted(i["InstanceId"] for i in instances)
        calls = Calls(raw)
        yield {"raw": raw, "clients": Clients(RetryingBotoClientWrapper(raw, aws_retry())), "vpc": vpc,
               "other_vpc": other_vpc, "ids": ids, "base": base, "calls": calls}


def _groups_of(raw, ids):
    found = raw.describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: sorted(g["GroupId"] for g in i["NetworkInterfaces"][0]["Groups"])
            for r in found for i in r["Instances"]}


def _apply(aws, check_mode=False, **overrides):
    overrides.setdefault("instances", {"instance_ids": aws["ids"]})
    opts = options(vpc_id=aws["vpc"], **overrides)
    params = groups.group_params(opts)
    current = groups.read_groups(params, opts, aws["clients"])
    rows, warnings = [], []
    states = groups.apply_groups(params, current, opts, aws["clients"], check_mode, warnings.append,
                                 lambda resource, changed, before, after: rows.append((resource, changed)))
    return states, rows, warnings


def test_apply_then_rerun_reads_twice_and_changes_nothing(aws):
    states, rows, _warnings = _apply(aws, check_mode=True)
    assert states["load_balancer"]["group_id"] == "predicted:security-group:shop-lb"
    assert [changed for _resource, changed in rows] == [True, True, True]
    assert aws["calls"].names == ["DescribeSecurityGroups", "DescribeInstances"]

    states, rows, _warnings = _apply(aws)
    instance_group = states["instances"]["group_id"]
    assert _groups_of(aws["raw"], aws["ids"]) == {i: sorted([aws["base"], instance_group]) for i in aws["ids"]}

    aws["calls"].names.clear()
    _states, rows, _warnings = _apply(aws)
    assert [changed for _resource, changed in rows] == [False, False, False]
    assert aws["calls"].names == ["DescribeSecurityGroups", "DescribeInstances"]


def test_an_intruder_on_the_app_port_is_removed_and_named(aws):
    states, _rows, _warnings = _apply(aws)
    aws["raw"].authorize_security_group_ingress(GroupId=states["instances"]["group_id"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    states, _rows, warnings = _apply(aws)
    assert states["instances"]["intruders"] == ["tcp 8080 from 0.0.0.0/0"]
    assert states["instances"]["revoked"] == ["tcp 8080 from 0.0.0.0/0"]
    assert "the app port 8080 is open to others than the load balancer's group; removing" in warnings[0]


def test_a_foreign_group_is_refused_before_any_change(aws):
    aws["raw"].create_security_group(GroupName="shop-instances", Description="theirs", VpcId=aws["vpc"])
    aws["calls"].names.clear()
    with pytest.raises(RolloutError, match=r"^security_groups.instances.name: security group shop-instances = sg-"):
        _apply(aws)
    assert aws["calls"].names == ["DescribeSecurityGroups"]


def test_a_missing_instance_is_refused_before_any_change(aws):
    aws["calls"].names.clear()
    with pytest.raises(RolloutError, match=r"^security_groups.instances.instance_ids: "):
        _apply(aws, instances={"instance_ids": ["i-0123456789abcdef0"]})
    assert not [name for name in aws["calls"].names if not name.startswith("Describe")]


def test_the_teardown_takes_the_group_off_then_deletes_the_instance_group_first_and_leaves_foreign_ones(aws):
    states, _rows, _warnings = _apply(aws)
    foreign = aws["raw"].create_security_group(GroupName="shop-lb", Description="theirs", VpcId=aws["other_vpc"])
    opts = options(phase="absent", vpc_id="", instances={"instance_ids": aws["ids"]})
    params = groups.group_params(opts)
    aws["calls"].names.clear()
    rows, diffs, left = [], [], []
    deleted = groups.teardown_groups(params, opts, aws["clients"], False, rows, diffs, left)
    assert deleted == [states["instances"]["group_id"], states["load_balancer"]["group_id"]]
    assert aws["calls"].names == ["DescribeSecurityGroups", "DescribeInstances", "ModifyNetworkInterfaceAttribute",
                                  "ModifyNetworkInterfaceAttribute", "DeleteSecurityGroup", "DeleteSecurityGroup"]
    assert [row["action"] for row in rows] == ["update", "delete", "delete"]
    assert len(left) == 1 and foreign["GroupId"] in left[0] and "does not carry the tag" in left[0]
    assert _groups_of(aws["raw"], aws["ids"]) == {i: [aws["base"]] for i in aws["ids"]}

    aws["calls"].names.clear()
    rows, left = [], []
    assert groups.teardown_groups(params, opts, aws["clients"], False, rows, [], left) == []
    assert aws["calls"].names == ["DescribeSecurityGroups"] and rows == [] and len(left) == 1


def test_a_phase_with_security_groups_only_makes_no_other_client(aws):
    made = []

    def factory(service, once):
        made.append(service)
        return aws["clients"].ec2()

    opts = dict(options(vpc_id=aws["vpc"], instances={"instance_ids": aws["ids"]}), wait_timeout=60, wait_slice=0)
    results = {phase: stack.run_phase(dict(opts, phase=phase), stack.Clients(factory), False, lambda _message: None)
               for phase in ("start", "finish", "absent")}
    assert made == ["ec2", "ec2", "ec2"]  # one client per phase (one module run each), EC2's only
    assert results["start"]["changed"] and not results["finish"]["changed"]
    assert all(result["finished"] for result in results.values())
    made_groups = results["start"]["security_groups"]
    assert results["absent"]["deleted"] == {
        "security_groups": [made_groups["instances"]["group_id"], made_groups["load_balancer"]["group_id"]]}
