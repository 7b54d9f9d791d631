"""Unit tests for _elb/targets.py: the plan for named targets, the prediction and the waits' end conditions."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import targets
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout

ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
GROUP = {"TargetGroupArn": ARN, "TargetGroupName": "web", "Port": 80}
WANTED = {ARN: [{"id": "i-1", "port": 80}]}


def health(state, reason=None, target_id="i-1", port=80):
    described = {"Target": {"Id": target_id, "Port": port}, "TargetHealth": {"State": state}}
    if reason:
        described["TargetHealth"]["Reason"] = reason
    return described


class HealthSequence:
    """An elbv2 client whose DescribeTargetHealth answers the given target lists in turn (the last one repeats)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def describe_target_health(self, aws_retry, TargetGroupArn):  # noqa: N803 (boto3's name)
        assert aws_retry and TargetGroupArn == ARN
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return {"TargetHealthDescriptions": answer}


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def wait(client, state, registered=(), timeout=60):
    clock = Clock()
    return targets.wait_for_targets(client, [GROUP], WANTED, state, timeout, registered=registered,
                                    clock=clock, sleep=clock.sleep)


def test_wanted_targets_take_the_group_port():
    assert targets.wanted_targets([{"id": "i-1", "port": None}, {"id": "i-2", "port": 81}], GROUP) == [
        {"id": "i-1", "port": 80}, {"id": "i-2", "port": 81}]


def test_plan_present_registers_missing_and_draining_targets_only():
    state = targets.group_targets_state(GROUP, [health("healthy"), health("draining", target_id="i-3")],
                                        [{"id": "i-1", "port": 80}, {"id": "i-2", "port": 80}, {"id": "i-3", "port": 80}])
    to_register, to_deregister = targets.plan_targets(state, "present")
    assert [t["id"] for t in to_register] == ["i-2", "i-3"]
    assert to_deregister == []


def test_plan_absent_leaves_draining_and_missing_targets_alone():
    state = targets.group_targets_state(GROUP, [health("healthy"), health("draining", target_id="i-3")],
                                        [{"id": "i-1", "port": 80}, {"id": "i-2", "port": 80}, {"id": "i-3", "port": 80}])
    assert [t["id"] for t in targets.plan_targets(state, "absent")[1]] == ["i-1"]


def test_prediction_is_initial_or_draining():
    state = targets.group_targets_state(GROUP, [health("healthy")], [{"id": "i-1", "port": 80}, {"id": "i-2", "port": 80}])
    predicted = targets.predict_group_state(state, [{"id": "i-2", "port": 80}], [{"id": "i-1", "port": 80}])
    assert [(t["id"], t["health"]) for t in predicted["targets"]] == [("i-1", "draining"), ("i-2", "initial")]


def test_wait_healthy_ends_when_healthy():
    client = HealthSequence([health("initial", "Elb.RegistrationInProgress")], [health("healthy")])
    states, waited = wait(client, "present")
    assert states[0]["targets"][0]["health"] == "healthy"
    assert waited["polls"] == 2


def test_wait_healthy_fails_with_the_reason_once_initial_turns_unhealthy():
    client = HealthSequence([health("initial", "Elb.RegistrationInProgress")],
                            [health("unhealthy", "Target.ResponseCodeMismatch")], [health("healthy")])
    with pytest.raises(WaitFailed, match=r"i-1:80 of target group web turned unhealthy: Target.ResponseCodeMismatch"):
        wait(client, "present")
    assert client.calls == 2


def test_wait_healthy_fails_at_once_for_a_target_this_run_registered():
    client = HealthSequence([health("unhealthy", "Target.Timeout")])
    with pytest.raises(WaitFailed, match="Target.Timeout"):
        wait(client, "present", registered=[(ARN, ("i-1", 80))])


def test_a_target_unhealthy_before_the_run_may_recover():
    client = HealthSequence([health("unhealthy", "Target.Timeout")], [health("healthy")])
    states, waited = wait(client, "present")
    assert waited["polls"] == 2 and states[0]["targets"][0]["health"] == "healthy"


def test_an_unused_group_fails_at_once():
    client = HealthSequence([health("unused", "Target.NotInUse")])
    with pytest.raises(WaitFailed, match="unused: Target.NotInUse"):
        wait(client, "present")


def test_wait_deregistered_waits_for_draining_to_end():
    client = HealthSequence([health("draining", "Target.DeregistrationInProgress")],
                            [health("draining", "Target.DeregistrationInProgress")], [])
    states, waited = wait(client, "absent")
    assert waited["polls"] == 3 and states[0]["targets"][0]["health"] is None


def test_wait_deregistered_times_out_naming_the_draining_target():
    client = HealthSequence([health("draining", "Target.DeregistrationInProgress")])
    with pytest.raises(WaitTimeout, match=r"deregistered .*web: i-1:80 draining \(Target.DeregistrationInProgress\)"):
        wait(client, "absent", timeout=10)


def test_validation_names_the_option():
    assert "target_group" in targets.validate_targets({"targets": [{"id": "i-1"}]})
    assert "targets[0].port" in targets.validate_targets({"stack": "s", "targets": [{"id": "i-1", "port": 0}]})
    assert "targets[0].id" in targets.validate_targets({"stack": "s", "targets": [{"id": " ", "port": None}]})
    assert targets.validate_targets({"stack": "s", "targets": [{"id": "i-1", "port": None}], "wait_timeout": 5}) is None
