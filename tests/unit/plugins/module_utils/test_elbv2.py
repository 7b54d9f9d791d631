"""Unit tests for the pure ELBv2 logic: validation, normalisation and change computation."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils import elbv2

VPC = "vpc-0123456789abcdef0"


def params(**overrides):
    """Module params as AnsibleModule fills them: every option present, None when not given."""
    base = {
        "name": "web",
        "state": "present",
        "protocol": "HTTP",
        "protocol_version": None,
        "port": 8080,
        "vpc_id": VPC,
        "target_type": None,
        "ip_address_type": None,
        "health_check": None,
        "deregistration_delay": None,
        "slow_start": None,
        "load_balancing_algorithm": None,
        "preserve_client_ip": None,
        "proxy_protocol_v2": None,
        "stickiness": None,
        "targets": None,
        "purge_targets": True,
        "wait_healthy": False,
        "wait_healthy_count": None,
        "wait_timeout": 300,
        "tags": None,
        "purge_tags": True,
        "stack": None,
    }
    base.update(overrides)
    return base


def hc(**values):
    keys = ("enabled", "protocol", "port", "path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold")
    result = {k: None for k in keys}
    result["matcher"] = None
    result.update(values)
    return result


AWS_GROUP = {
    "TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc",
    "TargetGroupName": "web",
    "Protocol": "HTTP",
    "ProtocolVersion": "HTTP1",
    "Port": 8080,
    "VpcId": VPC,
    "HealthCheckEnabled": True,
    "HealthCheckProtocol": "HTTP",
    "HealthCheckPort": "traffic-port",
    "HealthCheckPath": "/healthz",
    "HealthCheckIntervalSeconds": 15,
    "HealthCheckTimeoutSeconds": 5,
    "HealthyThresholdCount": 2,
    "UnhealthyThresholdCount": 3,
    "Matcher": {"HttpCode": "200"},
    "LoadBalancerArns": [],
    "TargetType": "instance",
    "IpAddressType": "ipv4",
}
AWS_ATTRIBUTES = {
    "deregistration_delay.timeout_seconds": "300",
    "stickiness.enabled": "false",
    "stickiness.type": "lb_cookie",
    "stickiness.lb_cookie.duration_seconds": "86400",
}
AWS_HEALTH = [
    {"Target": {"Id": "i-0bbbbbbbbbbbbbbb2", "Port": 8080}, "TargetHealth": {"State": "healthy"}},
    {
        "Target": {"Id": "i-0aaaaaaaaaaaaaaa1", "Port": 8080},
        "TargetHealth": {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"},
    },
]


def current_state():
    return elbv2.target_group_state(AWS_GROUP, AWS_ATTRIBUTES, {"team": "web"}, AWS_HEALTH)


# --- normalisation -----------------------------------------------------------


def test_state_is_snake_case_and_sorted():
    state = current_state()
    assert state["health_check"]["path"] == "/healthz"
    assert state["health_check"]["matcher"] == {"http_codes": "200", "grpc_codes": None}
    assert state["deregistration_delay"] == 300
    assert state["stickiness"] == {"enabled": False, "type": "lb_cookie", "duration": 86400, "cookie_name": None}
    assert [t["id"] for t in state["targets"]] == ["i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2"]
    assert state["targets"][0]["reason"] == "Target.FailedHealthChecks"
    assert not any(k[0].isupper() for k in state)


def test_missing_attributes_are_not_set():
    state = elbv2.attributes_state({})
    assert state["slow_start"] is None
    assert state["load_balancing_algorithm"] is None
    assert state["stickiness"]["enabled"] is None


def test_desired_attributes_maps_options_to_aws_keys():
    wanted = elbv2.desired_attributes(
        params(
            deregistration_delay=30,
            slow_start=60,
            load_balancing_algorithm="least_outstanding_requests",
            preserve_client_ip=True,
            stickiness={"enabled": True, "type": "app_cookie", "duration": 600, "cookie_name": "SID"},
        )
    )
    assert wanted == {
        "deregistration_delay.timeout_seconds": "30",
        "slow_start.duration_seconds": "60",
        "load_balancing.algorithm.type": "least_outstanding_requests",
        "preserve_client_ip.enabled": "true",
        "stickiness.enabled": "true",
        "stickiness.type": "app_cookie",
        "stickiness.app_cookie.duration_seconds": "600",
        "stickiness.app_cookie.cookie_name": "SID",
    }


def test_attribute_changes_counts_missing_as_unset():
    wanted = {"deregistration_delay.timeout_seconds": "300", "slow_start.duration_seconds": "0"}
    assert elbv2.attribute_changes(AWS_ATTRIBUTES, wanted) == {"slow_start.duration_seconds": "0"}
    assert elbv2.attribute_changes(AWS_ATTRIBUTES, {}) == {}


def test_health_check_changes_only_what_differs():
    state = current_state()
    assert elbv2.health_check_changes(state, hc(path="/healthz", interval=15, port="traffic-port")) == {}
    changes = elbv2.health_check_changes(state, hc(path="/ready", timeout=5, matcher={"http_codes": "200-299"}))
    assert changes == {"HealthCheckPath": "/ready", "Matcher": {"HttpCode": "200-299"}}
    assert elbv2.health_check_changes(state, None) == {}


def test_health_check_port_compares_as_text():
    state = current_state()
    state["health_check"]["port"] = "8081"
    assert elbv2.health_check_changes(state, hc(port="8081")) == {}
    assert elbv2.health_check_changes(state, hc(port="traffic-port")) == {"HealthCheckPort": "traffic-port"}


def test_create_request():
    request = elbv2.create_request(
        params(health_check=hc(path="/healthz", interval=10, matcher={"http_codes": "200", "grpc_codes": None})),
        {"https-rollout:stack": "shop"},
    )
    assert request == {
        "Name": "web",
        "TargetType": "instance",
        "Protocol": "HTTP",
        "Port": 8080,
        "VpcId": VPC,
        "HealthCheckPath": "/healthz",
        "HealthCheckIntervalSeconds": 10,
        "Matcher": {"HttpCode": "200"},
        "Tags": [{"Key": "https-rollout:stack", "Value": "shop"}],
    }


# --- targets -----------------------------------------------------------------


def test_targets_default_to_the_group_port():
    targets = elbv2.normalise_targets([{"id": "i-1", "port": None}, {"id": "i-2", "port": 9000}], 8080)
    assert [(t["id"], t["port"]) for t in targets] == [("i-1", 8080), ("i-2", 9000)]


def test_target_changes_by_id_and_port():
    current = [
        {"id": "i-1", "port": 8080, "health": "healthy"},
        {"id": "i-2", "port": 8080, "health": "healthy"},
        {"id": "i-3", "port": 8080, "health": "draining"},
    ]
    desired = elbv2.normalise_targets([{"id": "i-2"}, {"id": "i-2", "port": 8081}, {"id": "i-3"}], 8080)
    register, deregister = elbv2.target_changes(current, desired, purge=True)
    assert sorted((t["id"], t["port"]) for t in register) == [("i-2", 8081), ("i-3", 8080)]
    assert [(t["id"], t["port"]) for t in deregister] == [("i-1", 8080)]
    register, deregister = elbv2.target_changes(current, desired, purge=False)
    assert deregister == []


def test_target_changes_nothing_when_equal():
    current = [{"id": "i-1", "port": 8080, "health": "unhealthy"}]
    assert elbv2.target_changes(current, elbv2.normalise_targets([{"id": "i-1"}], 8080), True) == ([], [])


def test_predict_state_for_a_create_and_an_update():
    created = elbv2.predict_state(
        None, params(health_check=hc(path="/x")), {"a": "b"}, True, [{"id": "i-1", "port": 8080}], []
    )
    # Check mode predicts the ARN AWS would give as a placeholder that later check-mode tasks accept.
    assert created["arn"] == "predicted:target-group:web" and created["target_type"] == "instance"
    assert created["health_check"]["path"] == "/x"
    assert created["targets"] == [{"id": "i-1", "port": 8080, "health": "initial", "reason": None}]

    updated = elbv2.predict_state(
        current_state(),
        params(deregistration_delay=5, stickiness={"enabled": True, "type": None, "duration": None, "cookie_name": None}),
        {"team": "platform"},
        True,
        [],
        [{"id": "i-0aaaaaaaaaaaaaaa1", "port": 8080}],
    )
    assert updated["deregistration_delay"] == 5
    assert updated["stickiness"]["enabled"] is True and updated["stickiness"]["duration"] == 86400
    assert updated["tags"] == {"team": "platform"}
    assert [t["id"] for t in updated["targets"]] == ["i-0bbbbbbbbbbbbbbb2"]


# --- validation --------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, expect",
    [
        ({"port": 70000}, "port=70000 is out of range"),
        ({"port": 0}, "port=0 is out of range"),
        ({"protocol": "TCP", "health_check": hc(path="/healthz")}, "health check protocol is TCP"),
        ({"health_check": hc(interval=5, timeout=5)}, "health_check.interval (5s) must be longer than"),
        ({"health_check": hc(path="healthz")}, "must start with '/'"),
        ({"health_check": hc(port="http")}, "health_check.port='http'"),
        ({"health_check": hc(port="0")}, "health_check.port=0 is out of range"),
        ({"health_check": hc(matcher={"http_codes": "2xx", "grpc_codes": None})}, "http_codes='2xx'"),
        ({"targets": [{"id": "10.0.0.1", "port": None}]}, "targets[0].id='10.0.0.1' does not fit target_type=instance"),
        ({"target_type": "ip", "targets": [{"id": "i-0123456789abcdef0", "port": None}]}, "target_type=ip"),
        ({"target_type": "lambda", "port": 80, "protocol": None, "vpc_id": None}, "port does not apply to a lambda"),
        ({"protocol": "GENEVE", "port": 6080}, "GENEVE target group listens on port 6081"),
        ({"protocol": "TCP", "protocol_version": "HTTP2"}, "protocol_version applies to HTTP and HTTPS"),
        ({"name": "web_1"}, "name='web_1' is not a valid target group name"),
        ({"name": "-web"}, "is not a valid target group name"),
        (
            {"stickiness": {"enabled": True, "type": "app_cookie", "duration": None, "cookie_name": None}},
            "needs stickiness.cookie_name",
        ),
        (
            {"protocol": "TCP", "stickiness": {"enabled": True, "type": "lb_cookie", "duration": None, "cookie_name": None}},
            "needs an HTTP or HTTPS target group",
        ),
        ({"targets": [{"id": "i-0123456789abcdef0", "port": None}], "wait_healthy_count": 2}, "could never be reached"),
        ({"targets": [{"id": "i-0123456789abcdef0", "port": 99999}]}, "targets[0].port=99999 is out of range"),
        ({"health_check": hc(interval=400)}, "health_check.interval=400 is out of range: use 5 to 300"),
        ({"health_check": hc(timeout=1)}, "health_check.timeout=1 is out of range: use 2 to 120"),
        ({"health_check": hc(healthy_threshold=11)}, "health_check.healthy_threshold=11 is out of range"),
        ({"health_check": hc(unhealthy_threshold=1)}, "health_check.unhealthy_threshold=1 is out of range"),
        ({"deregistration_delay": 3601}, "deregistration_delay=3601 is out of range: use 0 to 3600"),
        ({"slow_start": 10}, "slow_start=10 is out of range: use 30 to 900 seconds, or 0"),
        (
            {"stickiness": {"enabled": True, "type": "lb_cookie", "duration": 0, "cookie_name": None}},
            "stickiness.duration=0 is out of range",
        ),
    ],
)
def test_bad_input_is_named(overrides, expect):
    problem = elbv2.validate_target_group(params(**overrides), creating=True)
    assert problem is not None and expect in problem


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"health_check": hc(path="/healthz", interval=10, timeout=5, port="traffic-port")},
        {"protocol": "TCP", "health_check": hc(protocol="HTTP", path="/healthz")},
        {"target_type": "ip", "targets": [{"id": "10.0.0.1", "port": None}, {"id": "fd00::1", "port": 81}]},
        {"targets": [{"id": "i-0123456789abcdef0", "port": None}, {"id": "i-01234567", "port": None}]},
        {
            "target_type": "lambda",
            "protocol": None,
            "port": None,
            "vpc_id": None,
            "targets": [{"id": "arn:aws:lambda:us-east-1:123456789012:function:web", "port": None}],
        },
        {"protocol": "GENEVE", "port": 6081},
        {"slow_start": 0, "deregistration_delay": 0},
        {"slow_start": 30, "health_check": hc(interval=300, timeout=120, healthy_threshold=10, unhealthy_threshold=2)},
    ],
)
def test_good_input_passes(overrides):
    assert elbv2.validate_target_group(params(**overrides), creating=True) is None


def test_create_needs_protocol_port_vpc_but_an_update_does_not():
    bare = params(protocol=None, port=None, vpc_id=None)
    assert "needs protocol, port, vpc_id" in elbv2.validate_target_group(bare, creating=True)
    assert elbv2.validate_target_group(bare) is None
    assert elbv2.validate_target_group(bare, current_state()) is None


def test_first_pass_does_not_guess_what_aws_holds():
    # The existing group may be an ip group: the first pass, before any call, must not assume "instance".
    only_targets = params(protocol=None, port=None, vpc_id=None, targets=[{"id": "10.0.0.1", "port": None}])
    assert elbv2.validate_target_group(only_targets) is None
    # ...and the second pass, with the group that AWS holds, catches it.
    assert "target_type=instance" in elbv2.validate_target_group(only_targets, current_state())


def test_immutable_properties_are_refused_against_the_current_group():
    problem = elbv2.validate_target_group(params(port=9090), current_state())
    assert "port of the existing target group 'web' is 8080" in problem
    assert "AWS cannot change it to 9090" in problem


def test_current_health_check_completes_partial_options():
    # The existing interval is 15s; asking for a 20s timeout alone must be refused.
    problem = elbv2.validate_target_group(params(health_check=hc(timeout=20)), current_state())
    assert (
        "health_check.interval (15s, the group's current value) must be longer than health_check.timeout (20s) "
        "on an HTTP target group" in problem
    )


def test_absent_skips_option_checks():
    assert elbv2.validate_target_group(params(state="absent", port=70000)) is None


@pytest.mark.parametrize(
    "target_id, target_type, ok",
    [
        ("i-0123456789abcdef0", "instance", True),
        ("i-01234567", "instance", True),
        ("i-0123", "instance", False),
        ("I-0123456789ABCDEF0", "instance", False),
        ("192.0.2.10", "ip", True),
        ("2001:db8::1", "ip", True),
        ("192.0.2.300", "ip", False),
        ("arn:aws:lambda:eu-west-1:123456789012:function:app:live", "lambda", True),
        ("arn:aws:s3:::bucket", "lambda", False),
        ("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188", "alb", True),
        ("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/web/50dc6c495c0c9188", "alb", False),
    ],
)
def test_target_id_shapes(target_id, target_type, ok):
    assert (elbv2.target_id_error(target_id, target_type) is None) is ok


class FakeElbv2:
    """Answers DescribeListeners/DescribeRules from fixed data and records the calls."""

    def __init__(self, listeners, rules):
        self.listeners, self.rules, self.calls = listeners, rules, []

    def describe_listeners(self, aws_retry, LoadBalancerArn):
        self.calls.append(("DescribeListeners", LoadBalancerArn))
        return {"Listeners": self.listeners.get(LoadBalancerArn, [])}

    def describe_rules(self, aws_retry, ListenerArn):
        self.calls.append(("DescribeRules", ListenerArn))
        return {"Rules": self.rules.get(ListenerArn, [])}


def test_find_target_group_users_sees_default_actions_and_weighted_rules():
    tg = "arn:tg/web"
    client = FakeElbv2(
        {
            "lb1": [
                {"ListenerArn": "l80", "Protocol": "HTTP", "Port": 80, "DefaultActions": [{"Type": "redirect"}]},
                {"ListenerArn": "l443", "Protocol": "HTTPS", "Port": 443, "DefaultActions": [{"TargetGroupArn": tg}]},
            ]
        },
        {
            "l80": [{"RuleArn": "r-default", "IsDefault": True, "Actions": [{"TargetGroupArn": tg}]}],
            "l443": [
                {
                    "RuleArn": "r1",
                    "Priority": "10",
                    "IsDefault": False,
                    "Actions": [{"ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "other"}, {"TargetGroupArn": tg}]}}],
                },
                {"RuleArn": "r2", "Priority": "20", "IsDefault": False, "Actions": [{"TargetGroupArn": "other"}]},
            ],
        },
    )
    users = elbv2.find_target_group_users(client, tg, ["lb1"])
    assert users == ["listener l443 (HTTPS:443) default action", "listener l443 (HTTPS:443) rule r1 (priority 10)"]
    assert ("DescribeListeners", "lb1") in client.calls


def test_find_target_group_users_empty_when_nothing_forwards():
    client = FakeElbv2({"lb1": [{"ListenerArn": "l80", "DefaultActions": [{"Type": "redirect"}]}]}, {})
    assert elbv2.find_target_group_users(client, "arn:tg/web", ["lb1"]) == []


def test_find_target_group_users_skips_a_load_balancer_deleted_meanwhile():
    from botocore.exceptions import ClientError

    class Gone(FakeElbv2):
        def describe_listeners(self, aws_retry, LoadBalancerArn):
            raise ClientError({"Error": {"Code": "LoadBalancerNotFound", "Message": "gone"}}, "DescribeListeners")

    assert elbv2.find_target_group_users(Gone({}, {}), "arn:tg/web", ["lb-gone"]) == []


def test_find_target_group_users_ignores_a_load_balancer_without_listeners():
    # AWS (or an emulator that never forgets) may still name a load balancer whose listeners are gone: what
    # holds a group is a listener or a rule that forwards to it, so a teardown can delete the group.
    assert elbv2.find_target_group_users(FakeElbv2({"lb1": []}, {}), "arn:tg/web", ["lb1"]) == []


def test_describe_target_groups_of_a_load_balancer_that_is_gone_is_empty():
    from botocore.exceptions import ClientError

    class Gone:
        def describe_target_groups(self, aws_retry, **kwargs):
            raise ClientError({"Error": {"Code": "LoadBalancerNotFound", "Message": "gone"}}, "DescribeTargetGroups")

    assert elbv2.describe_target_groups(Gone(), load_balancer_arn="arn:lb/gone") == []


# --- health check interval and timeout (issue 12, case 4) ---------------------


def aws_group(protocol, hc_protocol, interval, timeout, target_type="instance"):
    """The state of a group as AWS holds it after a create."""
    group = dict(
        AWS_GROUP,
        Protocol=protocol,
        HealthCheckProtocol=hc_protocol,
        HealthCheckIntervalSeconds=interval,
        HealthCheckTimeoutSeconds=timeout,
        TargetType=target_type,
    )
    if hc_protocol == "TCP":
        group.pop("HealthCheckPath")
        group.pop("Matcher")
    return elbv2.target_group_state(group, AWS_ATTRIBUTES, {}, [])


@pytest.mark.parametrize(
    "protocol, target_type, hc_protocol, expect",
    [
        ("HTTP", "instance", "HTTP", (30, 5)),
        ("HTTPS", "ip", "HTTPS", (30, 5)),
        (None, "lambda", None, (35, 30)),
        ("GENEVE", "instance", "TCP", (10, 5)),
        ("TCP", "instance", "TCP", (30, 10)),
        ("TLS", "ip", "TCP", (30, 10)),
        ("UDP", "instance", "TCP", (30, 10)),
        ("TCP", "instance", "HTTP", (30, 6)),
        ("TCP", "instance", "HTTPS", (30, 10)),
        ("TCP", "alb", "HTTP", (30, 6)),
    ],
)
def test_health_check_defaults_are_aws_defaults(protocol, target_type, hc_protocol, expect):
    assert elbv2.health_check_defaults(protocol, target_type, hc_protocol) == expect


def test_alb_target_groups_are_checked_over_http():
    assert elbv2.default_health_check_protocol("TCP", "alb") == "HTTP"
    assert elbv2.default_health_check_protocol("TCP", "instance") == "TCP"
    assert elbv2.default_health_check_protocol("HTTPS") == "HTTPS"


def test_tcp_interval_equal_to_the_default_timeout_is_taken_on_create_and_on_the_rerun():
    # Issue 12, case 4: created, then refused on every rerun. AWS takes a timeout equal to the interval on a
    # Network Load Balancer group, and the rerun changes nothing: both runs must accept it.
    options = params(protocol="TCP", health_check=hc(protocol="TCP", interval=10))
    assert elbv2.validate_target_group(options) is None
    assert elbv2.validate_target_group(options, creating=True) is None
    created = aws_group("TCP", "TCP", 10, 10)
    assert elbv2.validate_target_group(options, created) is None
    assert elbv2.health_check_changes(created, options["health_check"]) == {}


@pytest.mark.parametrize(
    "overrides, expect",
    [
        # An ALB group refuses a timeout equal to the interval; AWS's default timeout is 5 s.
        (
            {"health_check": hc(interval=5)},
            "health_check.interval (5s) must be longer than health_check.timeout (5s, AWS's default) on an HTTP "
            "target group",
        ),
        (
            {"protocol": "HTTPS", "health_check": hc(timeout=30)},
            "health_check.interval (30s, AWS's default) must be longer than health_check.timeout (30s) on an "
            "HTTPS target group",
        ),
        # An NLB group takes an equal timeout but not a longer one: 10 s for a TCP health check, 6 s for HTTP.
        (
            {"protocol": "TCP", "health_check": hc(interval=5)},
            "health_check.interval (5s) must be at least as long as health_check.timeout (10s, AWS's default for "
            "a TCP health check) on a TCP target group",
        ),
        (
            {"protocol": "TCP", "health_check": hc(protocol="HTTP", path="/", interval=5)},
            "health_check.timeout (6s, AWS's default for an HTTP health check)",
        ),
        (
            {"protocol": "TLS", "health_check": hc(protocol="HTTPS", path="/", interval=8)},
            "health_check.timeout (10s, AWS's default for an HTTPS health check)",
        ),
        (
            {"target_type": "lambda", "protocol": None, "port": None, "vpc_id": None, "health_check": hc(interval=30)},
            "health_check.interval (30s) must be longer than health_check.timeout (30s, AWS's default) on a lambda "
            "target group",
        ),
        ({"protocol": "HTTP", "health_check": hc(interval=10, timeout=10)}, "must be longer than"),
        ({"protocol": "TCP", "health_check": hc(interval=10, timeout=20)}, "must be at least as long as"),
    ],
)
def test_a_create_is_refused_as_aws_would_refuse_it(overrides, expect):
    problem = elbv2.validate_target_group(params(**overrides), creating=True)
    assert problem is not None and expect in problem


@pytest.mark.parametrize(
    "overrides",
    [
        {"protocol": "TCP", "health_check": hc(interval=10, timeout=10)},
        {"protocol": "TCP", "health_check": hc(protocol="HTTP", path="/", interval=6)},
        {"protocol": "GENEVE", "port": 6081, "health_check": hc(interval=5)},
        {"protocol": "HTTP", "health_check": hc(interval=6)},
        {"protocol": "HTTP", "health_check": hc(timeout=29)},
    ],
)
def test_a_create_aws_takes_is_taken(overrides):
    assert elbv2.validate_target_group(params(**overrides), creating=True) is None


def test_the_first_pass_leaves_an_unknown_protocol_to_the_second():
    # Before the group is read, its protocol is unknown: an equal pair may be an NLB's, refuse only a longer timeout.
    bare = params(protocol=None, port=None, vpc_id=None, health_check=hc(interval=10, timeout=10))
    assert elbv2.validate_target_group(bare) is None
    assert "must be longer than" in elbv2.validate_target_group(bare, current_state())
    assert "at least as long as" in elbv2.validate_target_group(dict(bare, health_check=hc(interval=5, timeout=6)))


def test_an_update_compares_only_what_would_change():
    current = current_state()  # HTTP, interval 15 s, timeout 5 s
    assert elbv2.validate_target_group(params(health_check=hc(interval=15)), current) is None
    assert elbv2.validate_target_group(params(health_check=hc(interval=15, timeout=5)), current) is None
    # What AWS holds is never refused by itself, even where AWS would refuse it as a new value.
    odd = aws_group("HTTP", "HTTP", 10, 10)
    assert elbv2.validate_target_group(params(health_check=hc(interval=10)), odd) is None
    # A change is checked against the value AWS keeps beside it.
    problem = elbv2.validate_target_group(params(health_check=hc(interval=5)), current)
    assert "health_check.interval (5s) must be longer than health_check.timeout (5s, the group's current value)" in problem


def test_a_predicted_load_balancer_is_not_refused_for_its_shape():
    # In check mode an earlier task may only have predicted the ALB behind an NLB's alb-type group.
    options = params(protocol="TCP", target_type="alb", targets=[{"id": "predicted:load-balancer:web", "port": None}])
    assert elbv2.validate_target_group(options, creating=True) is None
    bad = dict(options, targets=[{"id": "arn:aws:s3:::bucket", "port": None}])
    assert "does not fit target_type=alb" in elbv2.validate_target_group(bad, creating=True)
