"""Unit tests for _ec2/security_groups.py and _ec2/instances.py against moto in-process: one read, the
reconciliation (create, no-op, update with purge, ownership), the attachment to instances, and the call counts."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.webops.https_rollout.plugins.module_utils import ec2
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry

STACK = "shop"


class Calls:
    """The EC2 operations a client sent, in order."""

    def __init__(self, client):
        self.names = []
        client.meta.events.register("before-call.ec2", self._record)

    def _record(self, model, **_kwargs):
        self.names.append(model.name)

    def take(self):
        names, self.names = self.names, []
        return names


@pytest.fixture
def aws():
    with mock_aws():
        raw = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        vpc = raw.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = raw.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        image = raw.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instances = raw.run_instances(ImageId=image, MinCount=2, MaxCount=2, SubnetId=subnet)["Instances"]
        client = RetryingBotoClientWrapper(raw, aws_retry())
        yield client, vpc, [i["InstanceId"] for i in instances], Calls(raw)


def lb_group(vpc, **extra):
    desired = {
        "name": "shop-lb", "description": "LB of shop", "vpc_id": vpc, "stack": STACK, "tags": {"Name": "shop-lb"},
        "rules": [{"proto": "tcp", "from_port": port, "cidr_ip": ["0.0.0.0/0"], "cidr_ipv6": ["::/0"],
                   "description": f"port {port}"} for port in (80, 443)],
    }
    desired.update(extra)
    return desired


def test_create_then_noop_then_update_with_purge(aws):
    client, vpc, _ids, calls = aws
    current = ec2.read_security_groups(client, vpc, ["shop-lb", "shop-instances"])
    assert current == {"shop-lb": None, "shop-instances": None}
    assert calls.take() == ["DescribeSecurityGroups"]

    changed, predicted = ec2.ensure_security_group(client, None, lb_group(vpc), check_mode=True)
    assert changed and predicted["group_id"] == "predicted:security-group:shop-lb"
    assert calls.take() == []

    changed, created = ec2.ensure_security_group(client, None, lb_group(vpc), check_mode=False)
    assert changed and created["group_id"].startswith("sg-")
    assert calls.take() == ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress"]
    assert created["tags"] == {"Name": "shop-lb", "https-rollout:stack": STACK}
    assert len(created["authorized"]) == 4

    read = ec2.read_security_groups(client, vpc, ["shop-lb"])["shop-lb"]
    calls.take()
    # The state computed from what was sent is the state AWS reports.
    for key in ("group_id", "group_name", "description", "vpc_id", "tags", "ip_permissions", "ip_permissions_egress",
                "rules"):
        assert read[key] == created[key], key
    assert predicted["rules"] == created["rules"]

    changed, again = ec2.ensure_security_group(client, read, lb_group(vpc), check_mode=False)
    assert not changed and again["authorized"] == [] and again["revoked"] == []
    assert calls.take() == []

    # Drift: someone opens SSH to the world; the update purges it and closes IPv6.
    client.authorize_security_group_ingress(GroupId=read["group_id"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    drifted = ec2.read_security_groups(client, vpc, ["shop-lb"])["shop-lb"]
    calls.take()
    update = lb_group(vpc, rules=[{"proto": "tcp", "from_port": 443, "cidr_ip": "0.0.0.0/0", "description": "TLS"}],
                      tags={"Name": "shop-lb", "team": "web"})
    changed, check = ec2.ensure_security_group(client, drifted, update, check_mode=True)
    assert changed and calls.take() == []
    changed, updated = ec2.ensure_security_group(client, drifted, update, check_mode=False)
    assert changed
    assert sorted(updated["revoked"]) == sorted(["tcp 22 from 0.0.0.0/0", "tcp 80 from 0.0.0.0/0", "tcp 80 from ::/0",
                                                 "tcp 443 from ::/0"])
    assert calls.take() == ["CreateTags", "RevokeSecurityGroupIngress", "UpdateSecurityGroupRuleDescriptionsIngress"]
    after = ec2.read_security_groups(client, vpc, ["shop-lb"])["shop-lb"]
    assert after["rules"] == updated["rules"] == check["rules"] == [
        {"proto": "tcp", "from_port": 443, "to_port": 443, "cidr_ip": "0.0.0.0/0", "description": "TLS"}]
    assert after["tags"]["team"] == "web"


def test_group_source_placeholder_in_check_mode_only(aws):
    client, vpc, _ids, _calls = aws
    desired = {"name": "shop-instances", "description": "hosts", "vpc_id": vpc, "stack": STACK,
               "rules": [{"proto": "tcp", "from_port": 8080, "group_id": "predicted:security-group:shop-lb"}]}
    changed, state = ec2.ensure_security_group(client, None, desired, check_mode=True)
    assert changed and state["rules"][0]["group_id"] == "predicted:security-group:shop-lb"
    with pytest.raises(RolloutError, match="check-mode prediction"):
        ec2.ensure_security_group(client, None, desired, check_mode=False)
    assert ec2.read_security_groups(client, vpc, ["shop-instances"]) == {"shop-instances": None}


def test_foreign_group_refused_naming_the_option(aws):
    client, vpc, _ids, _calls = aws
    client.create_security_group(GroupName="shop-lb", Description="someone else's", VpcId=vpc)
    current = ec2.read_security_groups(client, vpc, ["shop-lb"])["shop-lb"]
    with pytest.raises(RolloutError, match="inbound_rules_lb_group_name: security group 'shop-lb'.*does not carry"):
        ec2.ensure_security_group(client, current, lb_group(vpc, option="inbound_rules_lb_group_name"), False)
    with pytest.raises(RolloutError, match="name: .*does not carry"):
        ec2.ensure_security_group_absent(client, current, STACK, check_mode=False)
    changed, state = ec2.ensure_security_group_absent(client, current, STACK, check_mode=False, skip_foreign=True)
    assert not changed and "not deleting it" in state["not_owned"]
    assert ec2.read_security_groups(client, vpc, ["shop-lb"])["shop-lb"]["group_id"] == current["group_id"]


def test_attach_detach_and_absent(aws):
    client, vpc, ids, calls = aws
    _changed, group = ec2.ensure_security_group(client, None, lb_group(vpc, name="shop-instances", rules=[]), False)
    calls.take()
    changed, state = ec2.ensure_instance_security_group(client, ids, group["group_id"], check_mode=True, vpc_id=vpc)
    assert changed and state["changed_instances"] == ids
    assert calls.take() == ["DescribeInstances"]
    changed, state = ec2.ensure_instance_security_group(client, ids, group["group_id"], check_mode=False)
    assert changed and all(group["group_id"] in eni["groups"] and len(eni["groups"]) == 2
                           for eni in state["interfaces"])
    assert calls.take() == ["DescribeInstances", "ModifyNetworkInterfaceAttribute", "ModifyNetworkInterfaceAttribute"]
    changed, _state = ec2.ensure_instance_security_group(client, ids, group["group_id"], check_mode=False)
    assert not changed and calls.take() == ["DescribeInstances"]

    with pytest.raises(RolloutError, match="instance_ids: every instance must be in vpc-other"):
        ec2.ensure_instance_security_group(client, ids, group["group_id"], False, vpc_id="vpc-other")
    with pytest.raises(RolloutError, match="instance_ids: .*every instance must exist"):
        ec2.ensure_instance_security_group(client, ids + ["i-0123456789abcdef0"], group["group_id"], False)

    changed, state = ec2.ensure_instance_security_group(client, ids, group["group_id"], False, attach=False)
    assert changed and all(group["group_id"] not in eni["groups"] for eni in state["interfaces"])
    calls.take()
    current = ec2.read_security_groups(client, vpc, ["shop-instances"])["shop-instances"]
    assert ec2.ensure_security_group_absent(client, current, STACK, check_mode=True) == (True, {})
    assert ec2.ensure_security_group_absent(client, current, STACK, check_mode=False) == (True, {})
    assert ec2.ensure_security_group_absent(client, None, STACK, check_mode=False) == (False, {})
    assert calls.take() == ["DescribeSecurityGroups", "DeleteSecurityGroup"]


def test_detach_refuses_to_leave_an_interface_without_group(aws):
    client, vpc, ids, _calls = aws
    eni = ec2.primary_interfaces(client, ids[:1])[0]
    with pytest.raises(RolloutError, match="has no group but"):
        ec2.ensure_instance_security_group(client, ids[:1], eni["groups"][0], False, attach=False)


def test_intruders_of_the_app_port(aws):
    client, vpc, _ids, _calls = aws
    _c, lb = ec2.ensure_security_group(client, None, lb_group(vpc), False)
    rules = [{"proto": "tcp", "from_port": 8080, "group_id": lb["group_id"]},
             {"proto": "tcp", "from_port": 8000, "to_port": 8999, "cidr_ipv6": "::/0"}]
    _c, hosts = ec2.ensure_security_group(client, None, lb_group(vpc, name="shop-instances", rules=rules), False)
    assert ec2.intruders(hosts, 8080, [lb["group_id"]]) == ["tcp 8000-8999 from ::/0"]
    assert ec2.intruders(None, 8080) == []


def test_the_stack_groups_as_inbound_rules_defines_them(aws):
    client, vpc, ids, calls = aws
    lb_desired = ec2.load_balancer_group("shop", vpc, "shop-lb", "LB", [80, 443], ["0.0.0.0/0"], ["::/0"], {"team": "web"})
    assert [r["description"] for r in lb_desired["rules"]] == [
        "HTTP to the load balancer of shop (IPv4)", "HTTP to the load balancer of shop (IPv6)",
        "HTTPS to the load balancer of shop (IPv4)", "HTTPS to the load balancer of shop (IPv6)"]
    assert lb_desired["tags"] == {"team": "web", "https-rollout:stack": "shop", "Name": "shop-lb"}
    admin = [{"port": 22, "cidr": "198.51.100.0/24", "description": "SSH from the office"}, {"port": 22, "cidr": "2001:db8::/32"}]
    assert ec2.admin_rules_error(admin, 8080) is None
    assert "inbound_rules_admin_rules: {'port': 8080" in ec2.admin_rules_error([{"port": 8080, "cidr": "10.0.0.0/8"}], 8080)
    assert "narrower than" in ec2.admin_rules_error([{"port": 22, "cidr": "::/0"}], 8080)

    found = ec2.read_security_groups(client, vpc, ["shop-lb", "shop-instances"])
    _changed, lb = ec2.ensure_security_group(client, found["shop-lb"], lb_desired, check_mode=True)
    hosts_desired = ec2.instance_group("shop", vpc, "shop-instances", "hosts", 8080, lb["group_id"], admin)
    changed, hosts = ec2.ensure_security_group(client, found["shop-instances"], hosts_desired, check_mode=True)
    assert changed and hosts["authorized"] == [
        "tcp 22 from 198.51.100.0/24", "tcp 22 from 2001:db8::/32", "tcp 8080 from predicted:security-group:shop-lb"]
    assert calls.take() == ["DescribeSecurityGroups"]

    _changed, lb = ec2.ensure_security_group(client, found["shop-lb"], lb_desired, check_mode=False)
    hosts_desired = ec2.instance_group("shop", vpc, "shop-instances", "hosts", 8080, lb["group_id"], admin)
    _changed, hosts = ec2.ensure_security_group(client, found["shop-instances"], hosts_desired, check_mode=False)
    ec2.ensure_instance_security_group(client, ids, hosts["group_id"], check_mode=False, vpc_id=vpc)
    # The first rollout of the security group side (after the one read above): 2 x (create, authorize), then one
    # read of the instances and an attachment per instance.
    assert calls.take() == ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress"] * 2 + [
        "DescribeInstances", "ModifyNetworkInterfaceAttribute", "ModifyNetworkInterfaceAttribute"]
    again = ec2.read_security_groups(client, vpc, ["shop-lb", "shop-instances"])
    assert not ec2.ensure_security_group(client, again["shop-lb"], lb_desired, False)[0]
    assert not ec2.ensure_security_group(client, again["shop-instances"], hosts_desired, False)[0]
    assert not ec2.ensure_instance_security_group(client, ids, hosts["group_id"], False, vpc_id=vpc)[0]
    assert ec2.intruders(again["shop-instances"], 8080, [lb["group_id"]]) == []
    # The no-op rerun: one read of both groups and one of the instances.
    assert calls.take() == ["DescribeSecurityGroups", "DescribeInstances"]
