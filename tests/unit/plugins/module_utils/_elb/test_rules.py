"""Unit tests for _elb/rules.py: rule conditions, AWS's quotas, rule state and validation."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import rules


ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
TG_A = f"{ARN}:targetgroup/a/1111"


def forward(**overrides):
    action = {"type": "forward", "target_group": None, "target_groups": None, "stickiness": None,
              "redirect": None, "fixed_response": None}
    action.update(overrides)
    return action


def conditions(**values):
    base = {k: None for k in rules.CONDITIONS}
    base.update(values)
    return base


def test_conditions_normalise_sorted_and_read_both_aws_shapes():
    option = conditions(
        host_header=["b.example.test", "a.example.test"],
        path_pattern=["/x/*"],
        http_header=[{"name": "X-B", "values": ["2", "1"]}, {"name": "X-A", "values": ["z"]}],
        query_string=[{"key": "v", "value": "2"}, {"key": None, "value": "debug"}],
    )
    wanted = rules.desired_conditions(option)
    assert wanted["host_header"] == ["a.example.test", "b.example.test"]
    assert [h["name"] for h in wanted["http_header"]] == ["X-A", "X-B"]
    assert wanted["http_header"][1]["values"] == ["1", "2"]
    assert wanted["query_string"] == [{"key": None, "value": "debug"}, {"key": "v", "value": "2"}]
    assert "source_ip" not in wanted
    assert rules.conditions_state(rules.conditions_request(wanted)) == wanted
    # The old shape: values at the top of the condition.
    old = [{"Field": "path-pattern", "Values": ["/x/*"]},
           {"Field": "host-header", "Values": ["b.example.test", "a.example.test"]}]
    assert rules.conditions_state(old) == {"path_pattern": ["/x/*"], "host_header": ["a.example.test", "b.example.test"]}


def test_conditions_request_leaves_out_a_missing_query_key():
    request = rules.conditions_request({"query_string": [{"key": None, "value": "debug"}]})
    assert request == [{"Field": "query-string", "QueryStringConfig": {"Values": [{"Value": "debug"}]}}]


def test_condition_counts():
    wanted = rules.desired_conditions(conditions(host_header=["*.example.test"], path_pattern=["/a?", "/b"],
                                                 source_ip=["10.0.0.0/8"]))
    assert rules.condition_counts(wanted) == (4, 2)


def rule_params(**overrides):
    base = {"listener_arn": "l", "load_balancer": None, "port": None, "priority": 10, "name": None,
            "state": "present", "conditions": conditions(host_header=["a.example.test"]),
            "action": forward(target_group="a"), "tags": None, "purge_tags": True, "stack": None}
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    "overrides, expect",
    [
        ({"priority": 0}, "priority=0 is out of range"),
        ({"priority": None}, "give priority or name"),
        ({"priority": None, "name": "shop"}, "state=present needs priority"),
        ({"action": None}, "state=present needs action"),
        ({"conditions": conditions()}, "needs at least one of conditions"),
        ({"conditions": conditions(http_request_method=["get"])}, "'get' is not an HTTP method"),
        ({"conditions": conditions(source_ip=["10.0.0.0/33"])}, "is not a CIDR block"),
        ({"conditions": conditions(path_pattern=["api"])}, "must start with '/'"),
    ],
)
def test_bad_rule_input_is_named(overrides, expect):
    problem, warning = rules.validate_rule(rule_params(**overrides))
    assert expect in problem
    assert warning is None


def test_condition_quota_overrun_warns_and_fails():
    too_many = conditions(host_header=["a", "b", "c"], http_header=[{"name": "X", "values": ["1", "2", "3"]}])
    problem, warning = rules.validate_rule(rule_params(conditions=too_many))
    assert "6 values and 0 wildcards" in warning
    assert problem.startswith("conditions exceed the per-rule limits")
    wild = conditions(path_pattern=["/*/*/*", "/*/*/*"])
    problem, warning = rules.validate_rule(rule_params(conditions=wild))
    assert "6 wildcards" in warning
    assert rules.validate_rule(rule_params(conditions=conditions(host_header=["a", "b", "c", "d", "e"]))) == (None, None)


def test_absent_rule_needs_only_an_identity():
    assert rules.validate_rule(rule_params(state="absent", action=None, conditions=None)) == (None, None)


def test_rule_state():
    rule = {"RuleArn": "r", "Priority": "10", "IsDefault": False,
            "Conditions": [{"Field": "host-header", "HostHeaderConfig": {"Values": ["a"]}}],
            "Actions": [{"Type": "forward", "TargetGroupArn": TG_A}]}
    state = rules.rule_state(rule, {"Name": "shop"})
    assert state["priority"] == 10
    assert state["name"] == "shop"
    assert state["conditions"] == {"host_header": ["a"]}


@pytest.mark.parametrize(
    "conditions, expect",
    [
        ({"host_header": ["a" * 125 + ".test"]}, "conditions.host_header: "),
        ({"path_pattern": ["/" + "p" * 128]}, "conditions.path_pattern: "),
        ({"http_header": [{"name": "X" * 41, "values": ["1"]}]}, "AWS takes at most 40"),
        ({"http_header": [{"name": "X-Env", "values": ["v" * 129]}]}, "conditions.http_header (X-Env)"),
        ({"query_string": [{"key": None, "value": "q" * 129}]}, "conditions.query_string: a value of 129"),
    ],
)
def test_condition_values_longer_than_aws_takes_are_refused(conditions, expect):
    assert expect in rules.condition_length_problem(rules.desired_conditions(conditions))


def test_condition_values_of_the_longest_length_pass():
    assert rules.condition_length_problem(rules.desired_conditions({"host_header": ["a" * 123 + ".test"]})) is None
