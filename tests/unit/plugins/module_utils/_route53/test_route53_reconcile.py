"""Unit tests for _route53/reconcile.py against moto in-process: ensure_records creates, reruns with no change,
and reads a zone name by name or by pages, whichever costs fewer calls (with the call counts)."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.webops.https_rollout.plugins.module_utils import route53
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import reconcile
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry


@pytest.fixture
def aws():
    with mock_aws():
        raw = boto3.client("route53", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        raw.create_hosted_zone(Name="example.test", CallerReference="unit")
        calls = []
        raw.meta.events.register("before-call.route53", lambda model, **_kw: calls.append(model.name))
        yield RetryingBotoClientWrapper(raw, aws_retry()), calls


def a_records(count):
    return [{"name": f"host{i:04d}.example.test", "type": "A", "ttl": 60, "value": f"10.1.{i // 250}.{i % 250 + 1}"}
            for i in range(count)]


def ensure(client, records, check_mode=False, **options):
    return route53.ensure_records(client, route53.record_params(records, zone="example.test", **options), check_mode,
                                  "us-east-1")


def test_a_small_zone_is_listed_whole(aws):
    client, calls = aws
    records = a_records(reconcile.READ_BY_NAME_MAX)
    changed, state = ensure(client, records, check_mode=True)
    assert changed and len(state["after"]["records"]) == 10 and state["change_ids"] == []
    # The zone holds 2 record sets (SOA, NS): one page instead of ten names.
    assert calls == ["ListHostedZonesByName", "ListResourceRecordSets"]
    calls.clear()
    changed, state = ensure(client, records)
    assert changed and state["batches"] == 1 and state["change_status"] == "INSYNC"
    calls.clear()
    changed, state = ensure(client, records)
    assert not changed and state["before"] == state["after"]
    assert calls == ["ListHostedZonesByName", "ListResourceRecordSets"]


def test_few_names_in_a_large_zone_are_read_name_by_name(aws):
    client, calls = aws
    ensure(client, a_records(700))
    calls.clear()
    # 702 record sets are 3 pages: two names are cheaper read one by one.
    changed, state = ensure(client, a_records(2))
    assert not changed and len(state["before"]["records"]) == 2
    assert calls == ["ListHostedZonesByName"] + ["ListResourceRecordSets"] * 2


def test_a_thousand_records_no_op_in_at_most_ten_calls(aws):
    client, calls = aws
    records = a_records(1000)
    changed, state = ensure(client, records, wait=True)
    # The empty zone (SOA and NS) is one page; 1,000 records are two batches (32,000 characters a request).
    assert changed and state["batches"] == 2 and state["waited"] == {"seconds": 0.0, "polls": 0}
    assert calls == ["ListHostedZonesByName", "ListResourceRecordSets"] + ["ChangeResourceRecordSets"] * 2
    calls.clear()
    changed, state = ensure(client, records, wait=True)
    assert not changed and len(state["before"]["records"]) == 1000 and state["before"] == state["after"]
    # The zone by pages: 1,002 record sets are 4 pages of 300.
    assert calls == ["ListHostedZonesByName"] + ["ListResourceRecordSets"] * 4
    assert len(calls) <= 10
    # An update of one record among them is one UPSERT.
    records[500]["value"] = "192.0.2.1"
    changed, state = ensure(client, records)
    assert changed and [c["name"] for c in state["changes"]] == ["host0500.example.test"]


def test_zone_pages_find_the_names_as_by_name(aws):
    client, _calls = aws
    records = a_records(12)
    ensure(client, records)
    params = route53.record_params(records, zone="example.test")
    zones = reconcile.resolve_zones(client, params, "us-east-1")
    by_pages = reconcile.read_current(client, params["records"], zones)
    by_name = {key: route53.read_name(client, key[0], key[1]) for key in by_pages}
    assert by_pages == by_name and all(len(found) == 1 for found in by_pages.values())


def test_bad_input_fails_before_any_call(aws):
    client, calls = aws
    with pytest.raises(RolloutError, match=r"records\[0\]"):
        ensure(client, [{"name": "bad..name.example.test", "type": "A", "value": "10.0.0.1"}])
    assert calls == []
    assert ensure(client, []) == (False, {"before": {"records": []}, "after": {"records": []}, "changes": [],
                                          "batches": 0, "change_ids": [], "change_status": None})
    assert calls == []


def test_zone_lookups_are_kept_for_the_next_call(aws):
    client, calls = aws
    lookups = {}
    params = route53.record_params(a_records(2), zone="example.test")
    route53.ensure_records(client, params, False, "us-east-1", zone_lookups=lookups)
    calls.clear()
    changed, _state = route53.ensure_records(client, route53.record_params(a_records(2), zone="example.test"), False,
                                             "us-east-1", zone_lookups=lookups)
    assert not changed
    # The zone was found by the first call: the second only reads the records.
    assert "ListHostedZonesByName" not in calls and calls
