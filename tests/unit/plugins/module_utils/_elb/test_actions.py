"""Unit tests for _elb/actions.py: canonical actions, AWS's two forward shapes, requests and validation."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import actions


ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
TG_A = f"{ARN}:targetgroup/a/1111"
TG_B = f"{ARN}:targetgroup/b/2222"


def forward(**overrides):
    action = {"type": "forward", "target_group": None, "target_groups": None, "stickiness": None,
              "redirect": None, "fixed_response": None}
    action.update(overrides)
    return action


def test_single_forward_matches_both_aws_shapes():
    wanted = actions.desired_action(forward(target_group="a"), {"a": TG_A})
    # What moto answers for a plain forward, and what AWS answers (it adds a ForwardConfig).
    moto_shape = [{"Type": "forward", "TargetGroupArn": TG_A}]
    aws_shape = [{
        "Type": "forward",
        "TargetGroupArn": TG_A,
        "Order": 1,
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": TG_A, "Weight": 1}],
                          "TargetGroupStickinessConfig": {"Enabled": False}},
    }]
    assert actions.action_state(moto_shape) == wanted
    assert actions.action_state(aws_shape) == wanted
    assert actions.action_request(wanted) == moto_shape


def test_weighted_forward_is_order_independent_and_round_trips():
    option = forward(target_groups=[{"name": TG_B, "weight": 1}, {"name": "a", "weight": 3}],
                     stickiness={"enabled": True, "duration": 600})
    wanted = actions.desired_action(option, {"a": TG_A, TG_B: TG_B})
    assert wanted["target_groups"] == [{"arn": TG_A, "weight": 3}, {"arn": TG_B, "weight": 1}]
    request = actions.action_request(wanted)
    assert request[0]["ForwardConfig"]["TargetGroupStickinessConfig"] == {"Enabled": True, "DurationSeconds": 600}
    reversed_answer = [dict(request[0], ForwardConfig=dict(
        request[0]["ForwardConfig"], TargetGroups=list(reversed(request[0]["ForwardConfig"]["TargetGroups"]))))]
    assert actions.action_state(reversed_answer) == wanted


def test_weight_defaults_to_one_and_disabled_stickiness_has_no_duration():
    wanted = actions.desired_action(forward(target_groups=[{"name": "a", "weight": None}],
                                            stickiness={"enabled": False, "duration": 60}), {"a": TG_A})
    assert wanted["target_groups"] == [{"arn": TG_A, "weight": 1}]
    assert wanted["stickiness"] == {"enabled": False, "duration": None}


def test_redirect_to_https_keeps_host_path_and_query():
    wanted = actions.desired_action(actions.REDIRECT_TO_HTTPS, {})
    assert wanted == {"type": "redirect", "protocol": "HTTPS", "port": "443", "host": "#{host}", "path": "/#{path}",
                      "query": "#{query}", "status_code": "HTTP_301"}
    request = actions.action_request(wanted)
    assert request == [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}",
        "StatusCode": "HTTP_301"}}]
    assert actions.action_state(request) == wanted


def test_partial_redirect_fills_the_defaults_aws_uses():
    option = {"type": "redirect", "redirect": {"host": "office.example.test", "status_code": 302}}
    wanted = actions.desired_action(option, {})
    assert wanted["host"] == "office.example.test"
    assert wanted["protocol"] == "#{protocol}"
    assert wanted["status_code"] == "HTTP_302"
    # AWS answers with every part spelled out; the state matches the option.
    assert actions.action_state(actions.action_request(wanted)) == wanted


def test_fixed_response_round_trips():
    option = {"type": "fixed_response",
              "fixed_response": {"status_code": "503", "content_type": "text/plain", "message_body": "later"}}
    wanted = actions.desired_action(option, {})
    assert actions.action_state(actions.action_request(wanted)) == wanted
    assert actions.action_request(wanted)[0]["Type"] == "fixed-response"


def test_action_refs_lists_names_and_arns():
    assert actions.action_refs(forward(target_groups=[{"name": "a", "weight": 1}, {"name": TG_B, "weight": 2}])) == ["a", TG_B]
    assert actions.action_refs({"type": "redirect", "redirect": {"protocol": "HTTPS"}}) == []
    assert actions.missing_target_groups({"a": TG_A, "nope": None}) == ["nope"]


@pytest.mark.parametrize(
    "action, protocol, expect",
    [
        (forward(), None, "needs exactly one of default_action.target_group"),
        (forward(target_group="a", target_groups=[{"name": "b", "weight": 1}]), None, "exactly one of"),
        (forward(target_groups=[{"name": str(i), "weight": 1} for i in range(6)]), None, "at most 5 target groups"),
        (forward(target_groups=[{"name": "a", "weight": 1}, {"name": "a", "weight": 2}]), None, "given once"),
        (forward(target_groups=[{"name": "a", "weight": -1}]), None, "weight=-1 is out of range"),
        (forward(target_group="a", stickiness={"enabled": True, "duration": None}), None, "needs default_action.stickiness.duration"),
        (forward(target_groups=[{"name": "a", "weight": 1}, {"name": "b", "weight": 1}]), "TCP", "forwards to one target group"),
        ({"type": "redirect", "redirect": {"protocol": "HTTPS"}}, "TCP", "a network load balancer can only forward"),
        ({"type": "fixed_response", "fixed_response": {"status_code": "200"}}, "UDP", "can only forward"),
        ({"type": "redirect", "redirect": {}}, "HTTP", "or it loops"),
        ({"type": "redirect", "redirect": {"path": "x"}}, "HTTP", "must start with '/'"),
        ({"type": "redirect", "redirect": {"port": "70000"}}, "HTTP", "redirect.port='70000'"),
        ({"type": "fixed_response", "fixed_response": {"status_code": "301"}}, "HTTP", "2XX, 4XX or 5XX"),
        ({"type": "fixed_response", "fixed_response": {"status_code": "200", "message_body": "x" * 1025}}, "HTTP", "1024"),
        ({"type": "redirect", "target_group": "a", "redirect": {"protocol": "HTTPS"}}, "HTTP", "does not go with"),
    ],
)
def test_bad_actions_are_named(action, protocol, expect):
    assert expect in actions.validate_action(action, "default_action", protocol)


def test_good_actions_pass():
    assert actions.validate_action(forward(target_group="a"), "action", "TCP") is None
    assert actions.validate_action({"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "#{port}"}}, "a", "HTTP") is None
