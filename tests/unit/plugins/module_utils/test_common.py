"""Unit tests for module_utils/common.py: ownership, tags, results, waits and retries."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.webops.https_rollout.plugins.module_utils import common
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY


def client_error(code):
    return ClientError({"Error": {"Code": code, "Message": code}}, "AnyOperation")


class FakeClock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_desired_tags_adds_ownership_and_means_unmanaged_when_empty():
    assert common.desired_tags(None, None) is None
    assert common.desired_tags({"a": "1"}, None) == {"a": "1"}
    assert common.desired_tags(None, "shop") == {STACK_TAG_KEY: "shop"}
    assert common.desired_tags({"a": "1"}, "shop") == {"a": "1", STACK_TAG_KEY: "shop"}


def test_tag_changes_never_purges_the_ownership_tag():
    current = {"a": "1", "old": "x", STACK_TAG_KEY: "shop", "aws:cloudformation:stack-name": "cf"}
    to_set, to_remove = common.tag_changes(current, {"a": "2"}, purge=True)
    assert to_set == {"a": "2"}
    assert to_remove == ["old"]


def test_tag_changes_without_purge_and_unmanaged():
    assert common.tag_changes({"a": "1"}, {"b": "2"}, purge=False) == ({"b": "2"}, [])
    assert common.tag_changes({"a": "1"}, None, purge=True) == ({}, [])


def test_apply_tag_changes_predicts():
    assert common.apply_tag_changes({"a": "1", "b": "2"}, {"c": "3"}, ["a"]) == {"b": "2", "c": "3"}


@pytest.mark.parametrize(
    "tags, stack, deleting, expect",
    [
        ({STACK_TAG_KEY: "shop"}, "shop", True, None),
        ({STACK_TAG_KEY: "other"}, "shop", False, "belongs to stack 'other'"),
        ({STACK_TAG_KEY: "other"}, "shop", True, "belongs to stack 'other'"),
        ({}, "shop", False, None),
        ({}, "shop", True, "does not carry the tag"),
        ({STACK_TAG_KEY: "other"}, None, True, None),
    ],
)
def test_ownership_error(tags, stack, deleting, expect):
    problem = common.ownership_error("target group", "web", tags, stack, deleting)
    if expect is None:
        assert problem is None
    else:
        assert expect in problem and "'web'" in problem


def test_build_result_diff_only_in_diff_mode():
    after = {"arn": "x", "port": 80}
    plain = common.build_result(True, {}, after, diff_mode=False, waited={"polls": 1})
    assert plain == {"arn": "x", "port": 80, "changed": True, "waited": {"polls": 1}}
    with_diff = common.build_result(False, after, after, diff_mode=True)
    assert with_diff["diff"] == {"before": after, "after": after}
    assert with_diff["changed"] is False


def test_wait_for_returns_when_done():
    clock = FakeClock()
    answers = iter([(False, "pending"), (False, "pending"), (True, "issued")])
    status, waited, polls = common.wait_for(
        lambda: next(answers), "the thing", timeout=60, delay=5, clock=clock.time, sleep=clock.sleep
    )
    assert status == "issued"
    assert polls == 3
    assert waited == pytest.approx(sum(clock.sleeps), abs=0.1)


def test_wait_for_honours_the_deadline_and_says_what_it_waited_for():
    clock = FakeClock()
    with pytest.raises(common.WaitTimeout) as err:
        common.wait_for(
            lambda: (False, {"state": "provisioning"}),
            "load balancer web to be active",
            timeout=47,
            delay=5,
            max_delay=30,
            describe=lambda s: s["state"],
            clock=clock.time,
            sleep=clock.sleep,
        )
    # Never sleeps past the deadline, and gives up at it.
    assert clock.now == pytest.approx(47)
    assert "Timed out after 47s waiting for load balancer web to be active" in str(err.value)
    assert "last seen: provisioning" in str(err.value)
    assert err.value.status == {"state": "provisioning"}


def test_wait_for_backs_off_with_jitter_up_to_max_delay():
    clock = FakeClock()
    with pytest.raises(common.WaitTimeout):
        common.wait_for(lambda: (False, None), "x", timeout=600, delay=5, max_delay=30, clock=clock.time, sleep=clock.sleep)
    assert clock.sleeps[0] < clock.sleeps[3]
    assert max(clock.sleeps) <= 30 * 1.2
    assert len(set(clock.sleeps)) > 1


def test_wait_failed_stops_at_once():
    clock = FakeClock()

    def poll():
        raise common.WaitFailed("certificate FAILED: CAA_ERROR")

    with pytest.raises(common.WaitFailed):
        common.wait_for(poll, "x", timeout=600, clock=clock.time, sleep=clock.sleep)
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "Throttling", "RequestLimitExceeded", "PriorRequestNotComplete", "ServiceUnavailable"]
)
def test_aws_retry_retries_every_services_throttling(code, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise client_error(code)
        return "ok"

    assert common.aws_retry(retries=5)(flaky)() == "ok"
    assert len(calls) == 3


def test_aws_retry_does_not_retry_real_errors(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    calls = []

    def broken():
        calls.append(1)
        raise client_error("ValidationError")

    with pytest.raises(ClientError):
        common.aws_retry(retries=5)(broken)()
    assert len(calls) == 1


def test_error_code():
    assert common.error_code(client_error("TargetGroupNotFound")) == "TargetGroupNotFound"
    assert common.error_code(ValueError("x")) is None


@pytest.mark.parametrize("value, expect", [("30", 30), (None, None), ("", None), ("x", None), (5, 5)])
def test_int_or_none(value, expect):
    assert common.int_or_none(value) == expect


@pytest.mark.parametrize("value, expect", [("true", True), ("False", False), (None, None), ("", None)])
def test_bool_or_none(value, expect):
    assert common.bool_or_none(value) is expect


def test_aws_text_writes_booleans_as_aws_does():
    assert common.aws_text(True) == "true"
    assert common.aws_text(False) == "false"
    assert common.aws_text(30) == "30"
