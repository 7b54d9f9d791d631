"""A create whose answer was lost is found, not duplicated; a teardown removes every resource of the stack's tag.

The fault proxy lets CreateLoadBalancer and CreateTargetGroup reach moto and then answers with an InternalError
(``after_upstream``): AWS acted, the client saw a failure. moto makes a second load balancer of one name when asked
twice, so a blind retry would leave two. The stack engine (``edge_stack``) looks by name and ownership tag before it
creates again.
"""

from __future__ import annotations

import pytest

from fault_proxy import Fault, FaultProxy
from moto_server import MotoServer
from test_retries import ELB, client, run_play

STACK = "lost-it"

START_TASK = """\
    - name: Start the stack through the fault proxy
      webops.https_rollout.edge_stack:
        stack: {stack}
        phase: start
        target_groups:
          - {{name: lost-web, protocol: HTTP, port: 8080, vpc_id: {vpc_id}}}
        load_balancer:
          name: lost-edge
          type: application
          subnets: {subnets}
        listeners:
          - {{port: 80, protocol: HTTP, redirect_to_https: true}}
"""

ABSENT_TASK = """\
    - name: Tear the stack down
      webops.https_rollout.edge_stack:
        stack: {stack}
        phase: absent
        load_balancer: {{name: lost-edge}}
"""


@pytest.fixture
def moto():
    with MotoServer() as server:
        yield server


def seed_network(endpoint):
    ec2 = client("ec2", endpoint)
    vpc_id = ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.61.{n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for n, zone in ((1, "us-east-1a"), (2, "us-east-1b"))
    ]
    return vpc_id, subnets


def names(endpoint):
    elbv2 = client("elbv2", endpoint)
    lbs = [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    groups = [g["TargetGroupName"] for g in elbv2.describe_target_groups()["TargetGroups"]]
    return sorted(lbs), sorted(groups)


def test_a_lost_create_answer_is_found_not_duplicated(moto, tmp_path):
    vpc_id, subnets = seed_network(moto.endpoint)
    faults = [
        Fault(ELB, "CreateLoadBalancer", code="InternalError", after_upstream=True),
        Fault(ELB, "CreateTargetGroup", code="InternalError", after_upstream=True),
    ]
    with FaultProxy(moto.endpoint, faults) as proxy:
        task = START_TASK.format(stack=STACK, vpc_id=vpc_id, subnets=subnets)
        result = run_play(moto, proxy, tmp_path, task, {})
        assert proxy.injected_count() == 2
        creates = [c for c in proxy.calls if c.action in ("CreateLoadBalancer", "CreateTargetGroup")]
    assert not result.get("failed"), result.get("msg")
    assert names(moto.endpoint) == (["lost-edge"], ["lost-web"])
    # Each create was sent once: the engine found the result of the lost one instead of creating again.
    assert len(creates) == 2
    assert result["load_balancer"]["name"] == "lost-edge" and result["target_groups"]["lost-web"]["arn"]


def test_the_teardown_removes_both_load_balancers_of_one_name(moto, tmp_path):
    _vpc_id, subnets = seed_network(moto.endpoint)
    elbv2 = client("elbv2", moto.endpoint)
    tags = [{"Key": "https-rollout:stack", "Value": STACK}]
    for _attempt in range(2):  # what a blind retry of a lost create leaves behind
        elbv2.create_load_balancer(Name="lost-edge", Subnets=subnets, Tags=tags)
    assert names(moto.endpoint)[0] == ["lost-edge", "lost-edge"]
    with FaultProxy(moto.endpoint, []) as proxy:
        result = run_play(moto, proxy, tmp_path, ABSENT_TASK.format(stack=STACK), {})
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] and result["left"] == [] and len(result["deleted"]["load_balancers"]) == 2
    assert names(moto.endpoint)[0] == []
