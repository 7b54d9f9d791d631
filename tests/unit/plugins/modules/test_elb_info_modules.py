"""Unit tests for elb_load_balancer_info and elb_listener_info: option checks, shaping, and the reads they make."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.webops.https_rollout.plugins.modules import elb_listener_info
from ansible_collections.webops.https_rollout.plugins.modules import elb_load_balancer_info

STACK = "https-rollout:stack"
ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/{}/0123456789abcdef"


def not_found(code, operation):
    return ClientError({"Error": {"Code": code, "Message": "not found"}}, operation)


def lb(name, lb_type="application"):
    return {
        "LoadBalancerArn": ARN.format(name),
        "LoadBalancerName": name,
        "Type": lb_type,
        "Scheme": "internet-facing",
        "DNSName": f"{name}-1.us-east-1.elb.amazonaws.com",
        "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
        "State": {"Code": "active"},
        "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-1"}],
    }


class Paginator:
    def __init__(self, client, name):
        self.client, self.name = client, name

    def paginate(self, **params):
        self.client.calls.append((self.name, params))
        answer = self.client.answers[self.name](params)
        return type("Pages", (), {"build_full_result": staticmethod(lambda: answer)})


class FakeElb:
    """Answers DescribeLoadBalancers like AWS: a batch with a missing name fails as a whole."""

    def __init__(self, lbs, tags=None, attributes=None):
        self.lbs = {item["LoadBalancerName"]: item for item in lbs}
        self.tags = tags or {}
        self.attributes = attributes or {}
        self.calls = []
        self.answers = {"describe_load_balancers": self._describe}

    def _describe(self, params):
        if "Names" in params:
            keys = params["Names"]
            found = [self.lbs[n] for n in keys if n in self.lbs]
        elif "LoadBalancerArns" in params:
            keys = params["LoadBalancerArns"]
            found = [item for item in self.lbs.values() if item["LoadBalancerArn"] in keys]
        else:
            return {"LoadBalancers": list(self.lbs.values())}
        if len(found) < len(keys):
            raise not_found("LoadBalancerNotFound", "DescribeLoadBalancers")
        return {"LoadBalancers": found}

    def get_paginator(self, name):
        return Paginator(self, name)

    def describe_tags(self, aws_retry=False, ResourceArns=()):
        self.calls.append(("describe_tags", ResourceArns))
        return {"TagDescriptions": [
            {"ResourceArn": arn, "Tags": [{"Key": k, "Value": v} for k, v in self.tags.get(arn, {}).items()]}
            for arn in ResourceArns
        ]}

    def describe_load_balancer_attributes(self, aws_retry=False, LoadBalancerArn=None):
        self.calls.append(("describe_load_balancer_attributes", LoadBalancerArn))
        if LoadBalancerArn not in self.attributes:
            raise not_found("LoadBalancerNotFound", "DescribeLoadBalancerAttributes")
        return {"Attributes": [{"Key": k, "Value": v} for k, v in self.attributes[LoadBalancerArn].items()]}


def names_of(states):
    return [s["name"] for s in states]


# ---------------------------------------------------------------------------
# elb_load_balancer_info
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "names, arns, expect",
    [
        (["shop", "a-1"], [ARN.format("shop")], None),
        (["web_lb"], None, "names[0]='web_lb' cannot be a load balancer name"),
        (["-web"], None, "cannot be a load balancer name"),
        (["a" * 33], None, "cannot be a load balancer name"),
        ([ARN.format("shop")], None, "is an ARN: give it in arns"),
        (None, ["shop"], "arns[0]='shop' is not a load balancer ARN"),
        (None, [ARN.format("shop").replace("loadbalancer/app", "targetgroup")], "is not a load balancer ARN"),
    ],
)
def test_load_balancer_options_are_checked_before_any_call(names, arns, expect):
    problem = elb_load_balancer_info.validate_options(names, arns)
    if expect is None:
        assert problem is None
    else:
        assert expect in problem


def test_shape_keeps_the_stacks_load_balancers_sorted_by_name_once_each():
    web, api, other = lb("web"), lb("api", "network"), lb("other")
    tags = {web["LoadBalancerArn"]: {STACK: "shop"}, api["LoadBalancerArn"]: {STACK: "shop", "team": "x"},
            other["LoadBalancerArn"]: {STACK: "blog"}}
    states = elb_load_balancer_info.shape([web, other, api, web], tags, {}, "shop")
    assert names_of(states) == ["api", "web"]
    assert states[0]["tags"] == {STACK: "shop", "team": "x"}
    assert states[1]["dns_name"] == "web-1.us-east-1.elb.amazonaws.com"
    # Attributes AWS does not report are "not set".
    assert states[1]["deletion_protection"] is None
    assert states[1]["access_logs"] == {"enabled": None, "bucket": None, "prefix": None}


def test_shape_without_a_stack_keeps_all_and_without_attributes_drops_their_keys():
    states = elb_load_balancer_info.shape([lb("b"), lb("a")], {}, None, None)
    assert names_of(states) == ["a", "b"]
    for key in ("deletion_protection", "idle_timeout", "http2", "cross_zone", "access_logs"):
        assert key not in states[0]
    assert states[0]["tags"] == {}


def test_a_batch_with_a_missing_name_is_asked_again_one_name_at_a_time():
    client = FakeElb([lb("web")], attributes={ARN.format("web"): {"idle_timeout.timeout_seconds": "60"}})
    states = elb_load_balancer_info.find_load_balancers(client, names=["web", "gone"])
    assert names_of(states) == ["web"]
    assert states[0]["idle_timeout"] == 60
    described = [params for name, params in client.calls if name == "describe_load_balancers"]
    assert described == [{"Names": ["gone", "web"]}, {"Names": ["gone"]}, {"Names": ["web"]}]


def test_a_single_missing_load_balancer_costs_one_call_and_gives_nothing():
    client = FakeElb([lb("web")])
    assert elb_load_balancer_info.find_load_balancers(client, arns=[ARN.format("gone")]) == []
    assert client.calls == [("describe_load_balancers", {"LoadBalancerArns": [ARN.format("gone")]})]


def test_empty_lists_select_none_without_a_call():
    client = FakeElb([lb("web")])
    assert elb_load_balancer_info.find_load_balancers(client, names=[], arns=[]) == []
    assert client.calls == []


def test_by_stack_attributes_are_read_only_for_the_stacks_load_balancers():
    web, other = lb("web"), lb("other")
    client = FakeElb(
        [web, other],
        tags={web["LoadBalancerArn"]: {STACK: "shop"}, other["LoadBalancerArn"]: {STACK: "blog"}},
        attributes={web["LoadBalancerArn"]: {}, other["LoadBalancerArn"]: {}},
    )
    states = elb_load_balancer_info.find_load_balancers(client, stack="shop")
    assert names_of(states) == ["web"]
    assert [name for name, _params in client.calls] == [
        "describe_load_balancers", "describe_tags", "describe_load_balancer_attributes",
    ]


def test_a_load_balancer_deleted_while_read_is_left_out():
    web, gone = lb("web"), lb("gone")
    client = FakeElb([web, gone], attributes={web["LoadBalancerArn"]: {}})
    assert names_of(elb_load_balancer_info.find_load_balancers(client)) == ["web"]


# ---------------------------------------------------------------------------
# elb_listener_info
# ---------------------------------------------------------------------------


def listener(port, protocol="HTTP", arn=None, certificates=(), actions=None):
    return {
        "ListenerArn": arn or f"listener-{port}",
        "LoadBalancerArn": ARN.format("web"),
        "Port": port,
        "Protocol": protocol,
        "Certificates": [{"CertificateArn": c} for c in certificates],
        "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06" if protocol in ("HTTPS", "TLS") else None,
        "DefaultActions": actions or [{"Type": "forward", "TargetGroupArn": "tg-web"}],
    }


def rule(arn, priority, host=None):
    if priority == "default":
        return {"RuleArn": arn, "Priority": "default", "IsDefault": True, "Conditions": [],
                "Actions": [{"Type": "forward", "TargetGroupArn": "tg-web"}]}
    return {
        "RuleArn": arn,
        "Priority": str(priority),
        "IsDefault": False,
        "Conditions": [{"Field": "host-header", "HostHeaderConfig": {"Values": [host]}}],
        "Actions": [{"Type": "forward", "TargetGroupArn": "tg-api"}],
    }


@pytest.mark.parametrize(
    "load_balancer, ports, expect",
    [
        ("web", [80, 443], None),
        (ARN.format("web"), None, None),
        ("", None, "load_balancer is empty"),
        ("web_lb", None, "load_balancer='web_lb' cannot be a load balancer name"),
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2", None, "is an ARN but not a load balancer's"),
        ("web", [0], "ports[0]=0 is out of range"),
        ("web", [443, 65536], "ports[1]=65536 is out of range"),
    ],
)
def test_listener_options_are_checked_before_any_call(load_balancer, ports, expect):
    problem = elb_listener_info.validate_options(load_balancer, ports)
    if expect is None:
        assert problem is None
    else:
        assert expect in problem


def test_select_listeners_by_port_sorted():
    listeners = [listener(443, "HTTPS"), listener(80), listener(8080)]
    assert [x["Port"] for x in elb_listener_info.select_listeners(listeners, None)] == [80, 443, 8080]
    assert [x["Port"] for x in elb_listener_info.select_listeners(listeners, [8080, 80])] == [80, 8080]
    assert elb_listener_info.select_listeners(listeners, []) == []
    gateway = dict(listener(None), Port=None, Protocol=None)
    assert elb_listener_info.select_listeners([gateway], None) == [gateway]
    assert elb_listener_info.select_listeners([gateway], [6081]) == []


def test_shape_gives_certificates_and_rules_without_the_default_rule():
    https = listener(443, "HTTPS", certificates=["cert-www"])
    http = listener(80)
    certificates = {"listener-443": [("cert-www", True), ("cert-api", False), ("cert-shop", False)]}
    rules = {
        "listener-443": [rule("r-default", "default"), rule("r-20", 20, "b.example.test"), rule("r-3", 3, "a.example.test")],
        "listener-80": [rule("r80-default", "default")],
    }
    tags = {"listener-443": {"role": "https"}, "r-20": {"Name": "blog"}}
    states = elb_listener_info.shape([http, https], certificates, rules, tags)
    assert [s["port"] for s in states] == [80, 443]
    assert states[0]["rules"] == []
    assert states[0]["certificate_arn"] is None
    assert states[1]["certificate_arn"] == "cert-www"
    assert states[1]["extra_certificate_arns"] == ["cert-api", "cert-shop"]
    assert states[1]["tags"] == {"role": "https"}
    assert [r["priority"] for r in states[1]["rules"]] == [3, 20]
    assert [r["listener_arn"] for r in states[1]["rules"]] == ["listener-443", "listener-443"]
    assert states[1]["rules"][1]["name"] == "blog"
    assert states[1]["rules"][0]["conditions"] == {"host_header": ["a.example.test"]}
    assert states[1]["rules"][0]["action"]["target_groups"] == [{"arn": "tg-api", "weight": 1}]


class FakeListeners:
    def __init__(self, lbs=(), listeners=(), rules=None):
        self.lbs = {item["LoadBalancerName"]: item for item in lbs}
        self.listeners = list(listeners)
        self.rules = rules or {}
        self.calls = []

    def describe_load_balancers(self, aws_retry=False, Names=()):
        self.calls.append("DescribeLoadBalancers")
        if Names[0] not in self.lbs:
            raise not_found("LoadBalancerNotFound", "DescribeLoadBalancers")
        return {"LoadBalancers": [self.lbs[Names[0]]]}

    def describe_listeners(self, aws_retry=False, LoadBalancerArn=None):
        self.calls.append("DescribeListeners")
        if LoadBalancerArn not in [item["LoadBalancerArn"] for item in self.lbs.values()]:
            raise not_found("LoadBalancerNotFound", "DescribeListeners")
        return {"Listeners": self.listeners}

    def describe_listener_certificates(self, aws_retry=False, ListenerArn=None):
        self.calls.append("DescribeListenerCertificates")
        return {"Certificates": [{"CertificateArn": "cert-www", "IsDefault": True}]}

    def describe_rules(self, aws_retry=False, ListenerArn=None):
        self.calls.append("DescribeRules")
        if ListenerArn not in self.rules:
            raise not_found("ListenerNotFound", "DescribeRules")
        return {"Rules": self.rules[ListenerArn]}

    def describe_tags(self, aws_retry=False, ResourceArns=()):
        self.calls.append(f"DescribeTags x{len(ResourceArns)}")
        return {"TagDescriptions": []}

    def get_paginator(self, name):
        """The listings go through boto3's paginators: one page, from the methods above."""
        method = getattr(self, name)
        return type("Paginator", (), {"paginate": lambda _self, **params: type(
            "Pages", (), {"build_full_result": staticmethod(lambda: method(**params))})})()


def test_a_missing_load_balancer_gives_no_listeners_by_name_or_arn():
    client = FakeListeners()
    assert elb_listener_info.find_listeners(client, "web") == (None, [])
    assert elb_listener_info.find_listeners(client, ARN.format("web")) == (None, [])
    assert client.calls == ["DescribeLoadBalancers", "DescribeListeners"]


def test_the_reads_of_a_lookup_and_a_listener_deleted_meanwhile():
    nlb_listener = listener(8443, "TCP", arn="listener-tcp")
    client = FakeListeners(
        [lb("web")],
        [listener(443, "HTTPS", certificates=["cert-www"]), listener(80), nlb_listener],
        rules={"listener-443": [rule("r-default", "default"), rule("r-1", 1, "a.example.test")]},
    )
    lb_arn, states = elb_listener_info.find_listeners(client, "web")
    assert lb_arn == ARN.format("web")
    # The HTTP listener vanished between DescribeListeners and DescribeRules; the TCP one has no rules to read.
    assert [s["port"] for s in states] == [443, 8443]
    assert client.calls == [
        "DescribeLoadBalancers",
        "DescribeListeners",
        "DescribeRules",
        "DescribeListenerCertificates",
        "DescribeRules",
        "DescribeTags x3",
    ]


def test_check_mode_placeholders_are_split_from_real_references():
    assert elb_load_balancer_info.split_predicted(None) == (None, [])
    assert elb_load_balancer_info.split_predicted(["web", "predicted:load-balancer:api"]) == (
        ["web"], ["predicted:load-balancer:api"],
    )
