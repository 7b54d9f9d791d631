"""Unit tests for _elb/target_group_validation.py: target group options and AWS's health check rules."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_group_validation
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_groups
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.target_group_fixtures import (
    AWS_ATTRIBUTES,
    AWS_GROUP,
    current_state,
    hc,
    params,
)


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
    problem = target_group_validation.validate_target_group(params(**overrides), creating=True)
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
    assert target_group_validation.validate_target_group(params(**overrides), creating=True) is None


def test_create_needs_protocol_port_vpc_but_an_update_does_not():
    bare = params(protocol=None, port=None, vpc_id=None)
    assert "needs protocol, port, vpc_id" in target_group_validation.validate_target_group(bare, creating=True)
    assert target_group_validation.validate_target_group(bare) is None
    assert target_group_validation.validate_target_group(bare, current_state()) is None


def test_first_pass_does_not_guess_what_aws_holds():
    # The existing group may be an ip group: the first pass, before any call, must not assume "instance".
    only_targets = params(protocol=None, port=None, vpc_id=None, targets=[{"id": "10.0.0.1", "port": None}])
    assert target_group_validation.validate_target_group(only_targets) is None
    # ...and the second pass, with the group that AWS holds, catches it.
    assert "target_type=instance" in target_group_validation.validate_target_group(only_targets, current_state())


def test_immutable_properties_are_refused_against_the_current_group():
    problem = target_group_validation.validate_target_group(params(port=9090), current_state())
    assert "port of the existing target group 'web' is 8080" in problem
    assert "AWS cannot change it to 9090" in problem


def test_current_health_check_completes_partial_options():
    # The existing interval is 15s; asking for a 20s timeout alone must be refused.
    problem = target_group_validation.validate_target_group(params(health_check=hc(timeout=20)), current_state())
    assert (
        "health_check.interval (15s, the group's current value) must be longer than health_check.timeout (20s) "
        "on an HTTP target group" in problem
    )


def test_absent_skips_option_checks():
    assert target_group_validation.validate_target_group(params(state="absent", port=70000)) is None


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
    assert (target_group_validation.target_id_error(target_id, target_type) is None) is ok


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
    return target_groups.target_group_state(group, AWS_ATTRIBUTES, {}, [])


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
    assert target_group_validation.health_check_defaults(protocol, target_type, hc_protocol) == expect


def test_alb_target_groups_are_checked_over_http():
    assert target_group_validation.default_health_check_protocol("TCP", "alb") == "HTTP"
    assert target_group_validation.default_health_check_protocol("TCP", "instance") == "TCP"
    assert target_group_validation.default_health_check_protocol("HTTPS") == "HTTPS"


def test_tcp_interval_equal_to_the_default_timeout_is_taken_on_create_and_on_the_rerun():
    # Issue 12, case 4: created, then refused on every rerun. AWS takes a timeout equal to the interval on a
    # Network Load Balancer group, and the rerun changes nothing: both runs must accept it.
    options = params(protocol="TCP", health_check=hc(protocol="TCP", interval=10))
    assert target_group_validation.validate_target_group(options) is None
    assert target_group_validation.validate_target_group(options, creating=True) is None
    created = aws_group("TCP", "TCP", 10, 10)
    assert target_group_validation.validate_target_group(options, created) is None
    assert target_groups.health_check_changes(created, options["health_check"]) == {}


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
    problem = target_group_validation.validate_target_group(params(**overrides), creating=True)
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
    assert target_group_validation.validate_target_group(params(**overrides), creating=True) is None


def test_the_first_pass_leaves_an_unknown_protocol_to_the_second():
    # Before the group is read, its protocol is unknown: an equal pair may be an NLB's, refuse only a longer timeout.
    bare = params(protocol=None, port=None, vpc_id=None, health_check=hc(interval=10, timeout=10))
    assert target_group_validation.validate_target_group(bare) is None
    assert "must be longer than" in target_group_validation.validate_target_group(bare, current_state())
    assert "at least as long as" in target_group_validation.validate_target_group(dict(bare, health_check=hc(interval=5, timeout=6)))


def test_an_update_compares_only_what_would_change():
    current = current_state()  # HTTP, interval 15 s, timeout 5 s
    assert target_group_validation.validate_target_group(params(health_check=hc(interval=15)), current) is None
    assert target_group_validation.validate_target_group(params(health_check=hc(interval=15, timeout=5)), current) is None
    # What AWS holds is never refused by itself, even where AWS would refuse it as a new value.
    odd = aws_group("HTTP", "HTTP", 10, 10)
    assert target_group_validation.validate_target_group(params(health_check=hc(interval=10)), odd) is None
    # A change is checked against the value AWS keeps beside it.
    problem = target_group_validation.validate_target_group(params(health_check=hc(interval=5)), current)
    assert "health_check.interval (5s) must be longer than health_check.timeout (5s, the group's current value)" in problem


def test_a_predicted_load_balancer_is_not_refused_for_its_shape():
    # In check mode an earlier task may only have predicted the ALB behind an NLB's alb-type group.
    options = params(protocol="TCP", target_type="alb", targets=[{"id": "predicted:load-balancer:web", "port": None}])
    assert target_group_validation.validate_target_group(options, creating=True) is None
    bad = dict(options, targets=[{"id": "arn:aws:s3:::bucket", "port": None}])
    assert "does not fit target_type=alb" in target_group_validation.validate_target_group(bad, creating=True)
