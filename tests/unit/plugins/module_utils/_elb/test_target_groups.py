"""Unit tests for _elb/target_groups.py: target group state, requests, changes, predictions and users."""

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_groups
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.lb_fixtures import Paginated
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.target_group_fixtures import (
    AWS_ATTRIBUTES,
    VPC,
    current_state,
    hc,
    params,
)


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
    state = target_groups.target_group_attributes_state({})
    assert state["slow_start"] is None
    assert state["load_balancing_algorithm"] is None
    assert state["stickiness"]["enabled"] is None


def test_desired_attributes_maps_options_to_aws_keys():
    wanted = target_groups.desired_target_group_attributes(
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
    assert api.attribute_changes(AWS_ATTRIBUTES, wanted) == {"slow_start.duration_seconds": "0"}
    assert api.attribute_changes(AWS_ATTRIBUTES, {}) == {}


def test_health_check_changes_only_what_differs():
    state = current_state()
    assert target_groups.health_check_changes(state, hc(path="/healthz", interval=15, port="traffic-port")) == {}
    changes = target_groups.health_check_changes(state, hc(path="/ready", timeout=5, matcher={"http_codes": "200-299"}))
    assert changes == {"HealthCheckPath": "/ready", "Matcher": {"HttpCode": "200-299"}}
    assert target_groups.health_check_changes(state, None) == {}


def test_health_check_port_compares_as_text():
    state = current_state()
    state["health_check"]["port"] = "8081"
    assert target_groups.health_check_changes(state, hc(port="8081")) == {}
    assert target_groups.health_check_changes(state, hc(port="traffic-port")) == {"HealthCheckPort": "traffic-port"}


def test_create_request():
    request = target_groups.create_target_group_request(
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


def test_targets_default_to_the_group_port():
    targets = target_groups.normalise_targets([{"id": "i-1", "port": None}, {"id": "i-2", "port": 9000}], 8080)
    assert [(t["id"], t["port"]) for t in targets] == [("i-1", 8080), ("i-2", 9000)]


def test_target_changes_by_id_and_port():
    current = [
        {"id": "i-1", "port": 8080, "health": "healthy"},
        {"id": "i-2", "port": 8080, "health": "healthy"},
        {"id": "i-3", "port": 8080, "health": "draining"},
    ]
    desired = target_groups.normalise_targets([{"id": "i-2"}, {"id": "i-2", "port": 8081}, {"id": "i-3"}], 8080)
    register, deregister = target_groups.target_changes(current, desired, purge=True)
    assert sorted((t["id"], t["port"]) for t in register) == [("i-2", 8081), ("i-3", 8080)]
    assert [(t["id"], t["port"]) for t in deregister] == [("i-1", 8080)]
    register, deregister = target_groups.target_changes(current, desired, purge=False)
    assert deregister == []


def test_target_changes_nothing_when_equal():
    current = [{"id": "i-1", "port": 8080, "health": "unhealthy"}]
    assert target_groups.target_changes(current, target_groups.normalise_targets([{"id": "i-1"}], 8080), True) == ([], [])


def test_predict_state_for_a_create_and_an_update():
    created = target_groups.predict_target_group(
        None, params(health_check=hc(path="/x")), {"a": "b"}, True, [{"id": "i-1", "port": 8080}], []
    )
    # Check mode predicts the ARN AWS would give as a placeholder that later check-mode tasks accept.
    assert created["arn"] == "predicted:target-group:web" and created["target_type"] == "instance"
    assert created["health_check"]["path"] == "/x"
    assert created["targets"] == [{"id": "i-1", "port": 8080, "health": "initial", "reason": None}]

    updated = target_groups.predict_target_group(
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


class FakeElbv2(Paginated):
    """Answers DescribeListeners/DescribeRules (through the paginators) from fixed data and records the calls."""

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
    users = target_groups.find_target_group_users(client, tg, ["lb1"])
    assert users == ["listener l443 (HTTPS:443) default action", "listener l443 (HTTPS:443) rule r1 (priority 10)"]
    assert ("DescribeListeners", "lb1") in client.calls


def test_find_target_group_users_empty_when_nothing_forwards():
    client = FakeElbv2({"lb1": [{"ListenerArn": "l80", "DefaultActions": [{"Type": "redirect"}]}]}, {})
    assert target_groups.find_target_group_users(client, "arn:tg/web", ["lb1"]) == []


def test_find_target_group_users_skips_a_load_balancer_deleted_meanwhile():
    from botocore.exceptions import ClientError

    class Gone(FakeElbv2):
        def describe_listeners(self, aws_retry, LoadBalancerArn):
            raise ClientError({"Error": {"Code": "LoadBalancerNotFound", "Message": "gone"}}, "DescribeListeners")

    assert target_groups.find_target_group_users(Gone({}, {}), "arn:tg/web", ["lb-gone"]) == []


def test_find_target_group_users_ignores_a_load_balancer_without_listeners():
    # AWS (or an emulator that never forgets) may still name a load balancer whose listeners are gone: what
    # holds a group is a listener or a rule that forwards to it, so a teardown can delete the group.
    assert target_groups.find_target_group_users(FakeElbv2({"lb1": []}, {}), "arn:tg/web", ["lb1"]) == []
