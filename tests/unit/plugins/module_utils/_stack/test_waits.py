"""Unit tests for _stack/waits.py: concurrent waits under one deadline, the first failure stops the others."""

import threading
import time

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._stack import waits
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout


def test_waits_run_at_the_same_time_and_report_their_last_line():
    started = threading.Barrier(3, timeout=5)

    def wait(name):
        def fn(timeout, progress):
            started.wait()  # all three are running at once, or the barrier times out
            progress(f"{name}: done")
            return name, {"seconds": 0, "polls": 1}

        return fn

    results, status, _seconds = waits.wait_all({k: wait(k) for k in ("certificate", "load_balancer", "targets")}, 10)
    assert sorted(results) == ["certificate", "load_balancer", "targets"]
    assert status == {"certificate": "certificate: done", "load_balancer": "load_balancer: done", "targets": "targets: done"}


def test_every_wait_gets_the_time_left_of_one_deadline():
    seen = {}

    def fn(key):
        def inner(timeout, progress):
            seen[key] = timeout
            return key

        return inner

    waits.wait_all({"a": fn("a"), "b": fn("b")}, 30)
    assert 29 < seen["a"] <= 30 and 29 < seen["b"] <= 30


def test_the_first_failure_stops_the_others_at_their_next_poll_and_is_raised():
    polls = []

    def failing(timeout, progress):
        raise WaitFailed("certificate arn:x is FAILED: CAA_ERROR")

    def slow(timeout, progress):
        while True:
            polls.append(1)
            progress("load balancer: provisioning")  # raises once the other wait failed
            time.sleep(0.01)

    with pytest.raises(WaitFailed, match="CAA_ERROR"):
        waits.wait_all({"certificate": failing, "load_balancer": slow}, 30)
    assert len(polls) < 1000


def test_a_timeout_is_raised_as_it_is():
    def late(timeout, progress):
        raise WaitTimeout("Timed out after 1s waiting for load balancer x to be active; last seen: provisioning")

    with pytest.raises(WaitTimeout, match="last seen: provisioning"):
        waits.wait_all({"load_balancer": late}, 1)


def test_nothing_to_wait_for_costs_nothing():
    assert waits.wait_all({}, 30) == ({}, {}, 0.0)


def test_a_slice_ends_without_failure_and_leaves_the_slow_wait_pending():
    def quick(timeout, progress):
        progress("load balancer: active")
        return "lb"

    def slow(timeout, progress):
        progress("targets healthy: 0 of 1 (i-0abc:8080 initial)")
        raise WaitTimeout(f"Timed out after {timeout}s waiting for targets")

    results, status, _seconds = waits.wait_all({"lb": quick, "targets": slow}, 300, slice_seconds=1)
    assert results == {"lb": "lb"}
    assert status["targets"] == "targets healthy: 0 of 1 (i-0abc:8080 initial)"


def test_the_last_slice_times_out_for_real():
    def slow(timeout, progress):
        raise WaitTimeout("Timed out after 5s waiting for targets")

    with pytest.raises(WaitTimeout):
        waits.wait_all({"targets": slow}, 5, slice_seconds=10)


def test_a_slice_ending_in_one_wait_does_not_stop_the_others():
    """Within a slice, a wait that reaches the slice's end is pending, not failed: the others go on polling."""
    timed_out = threading.Event()

    def early(timeout, progress):
        timed_out.set()
        raise WaitTimeout("Timed out waiting for certificate")

    def still_polling(timeout, progress):
        timed_out.wait(5)
        progress("load balancer: provisioning")  # after the other wait's slice ended: must not raise Stopped
        raise WaitTimeout("Timed out waiting for load balancer")

    results, status, _seconds = waits.wait_all({"certificate": early, "load_balancer": still_polling}, 300,
                                               slice_seconds=1)
    assert results == {}
    assert status["load_balancer"] == "load balancer: provisioning"
