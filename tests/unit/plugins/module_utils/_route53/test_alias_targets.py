"""Unit tests for _route53/alias_targets.py: load balancer alias targets, looked up or predicted."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import alias_targets
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import records


ZONE = {"id": "ZPUBLIC", "name": "example.test", "private": False}


def record(name="www.example.test", rtype="A", **kwargs):
    """A record as the module's argument spec fills it."""
    base = {"name": name, "type": rtype, "ttl": None, "values": None, "value": None, "alias": None}
    base.update(kwargs)
    return base


@pytest.mark.parametrize(
    "ref, name",
    [
        ("shop-alb", "shop-alb"),
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-alb/50dc6c495c0c9188", "shop-alb"),
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/shop-nlb/50dc6c495c0c9188", "shop-nlb"),
        ("predicted:load-balancer:shop-alb", "shop-alb"),
    ],
)
def test_load_balancer_name_and_predicted_target(ref, name):
    assert alias_targets.load_balancer_name(ref) == name
    assert alias_targets.predicted_target(ref) == {
        "dns_name": f"predicted:load-balancer:{name}",
        "hosted_zone_id": None,
        "type": None,
        "predicted": True,
    }


def test_explicit_alias_to_a_check_mode_load_balancer():
    alias = {"dns_name": "predicted:load-balancer:shop-nlb", "hosted_zone_id": None}
    target = alias_targets.alias_target(record(alias=alias), {})
    assert target["predicted"] and target["hosted_zone_id"] is None
    wanted, _rrset = records.desired_state(record(alias=alias), ZONE, None, {})
    assert wanted["alias"] == {"dns_name": "predicted:load-balancer:shop-nlb", "hosted_zone_id": None, "evaluate_target_health": False}
    assert alias_targets.alias_target(record(values=["10.0.0.1"]), {}) is None
    assert not alias_targets.alias_target(record(alias={"dns_name": "x.example.test", "hosted_zone_id": "/hostedzone/Z1"}), {})["predicted"]


class LoadBalancerNotFound(Exception):
    response = {"Error": {"Code": "LoadBalancerNotFound"}}


class FakeElbv2:
    """Answers DescribeLoadBalancers as ELBv2 does: one missing name or ARN fails the whole call."""

    def __init__(self, lbs):
        self.lbs = lbs
        self.calls = []

    def describe_load_balancers(self, aws_retry, **kwargs):  # pylint: disable=unused-argument
        self.calls.append(kwargs)
        key, field = ("Names", "LoadBalancerName") if "Names" in kwargs else ("LoadBalancerArns", "LoadBalancerArn")
        found = [lb for lb in self.lbs if lb[field] in kwargs[key]]
        if len(found) < len(kwargs[key]):
            raise LoadBalancerNotFound()
        return {"LoadBalancers": found}


def lb(name, kind="app", lb_type="application"):
    return {
        "LoadBalancerName": name,
        "LoadBalancerArn": f"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/{kind}/{name}/1",
        "DNSName": f"{name}-1.elb.amazonaws.com",
        "CanonicalHostedZoneId": "Z2P70J7EXAMPLE",
        "Type": lb_type,
    }


def test_load_balancer_targets_in_one_call_each_for_names_and_arns():
    alb, nlb = lb("shop-alb"), lb("shop-nlb", "net", "network")
    client = FakeElbv2([alb, nlb])
    found = alias_targets.describe_load_balancer_targets(client, ["shop-alb", nlb["LoadBalancerArn"], "shop-alb"])
    assert found == {
        "shop-alb": {"dns_name": "shop-alb-1.elb.amazonaws.com", "hosted_zone_id": "Z2P70J7EXAMPLE", "type": "application"},
        nlb["LoadBalancerArn"]: {"dns_name": "shop-nlb-1.elb.amazonaws.com", "hosted_zone_id": "Z2P70J7EXAMPLE", "type": "network"},
    }
    assert client.calls == [{"LoadBalancerArns": [nlb["LoadBalancerArn"]]}, {"Names": ["shop-alb"]}]


def test_missing_load_balancers_are_left_out_and_placeholders_never_sent():
    client = FakeElbv2([lb("shop-alb")])
    found = alias_targets.describe_load_balancer_targets(client, ["shop-alb", "gone", "predicted:load-balancer:new"])
    assert list(found) == ["shop-alb"]
    # The call for both names fails (one is missing): then each name is asked for alone.
    assert client.calls == [{"Names": ["gone", "shop-alb"]}, {"Names": ["gone"]}, {"Names": ["shop-alb"]}]
    client = FakeElbv2([])
    assert alias_targets.describe_load_balancer_targets(client, ["predicted:load-balancer:new"]) == {}
    assert client.calls == []


def test_other_errors_of_the_load_balancer_lookup_are_raised():
    class Denied(Exception):
        response = {"Error": {"Code": "AccessDenied"}}

    class Client:
        def describe_load_balancers(self, aws_retry, **kwargs):  # pylint: disable=unused-argument
            raise Denied()

    with pytest.raises(Denied):
        alias_targets.describe_load_balancer_targets(Client(), ["shop-alb"])
