"""Unit tests for route53_record's planning: what changes, what is refused, and how changes are batched."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.modules import route53_record

ZONE = {"id": "ZPUBLIC", "name": "example.test", "private": False}
SUB = {"id": "ZSUB", "name": "sub.example.test", "private": False}


def record(name, rtype="A", **kwargs):
    base = {"name": name, "type": rtype, "ttl": None, "values": None, "value": None, "alias": None}
    base.update(kwargs)
    return base


def rrset(name, rtype, values, ttl=60, **extra):
    return dict({"Name": name + ".", "Type": rtype, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in values]}, **extra)


def params(records, state="present", overwrite=True):
    return {"records": records, "state": state, "overwrite": overwrite}


def plan(records, held, state="present", overwrite=True, zones=None):
    zones = zones or [ZONE] * len(records)
    return route53_record.plan(params(records, state, overwrite), zones, held, {})


def test_create_update_and_unchanged():
    held = {
        ("ZPUBLIC", "www.example.test"): [rrset("www.example.test", "A", ["10.0.0.1"])],
        ("ZPUBLIC", "same.example.test"): [rrset("same.example.test", "TXT", ['"hello"'], ttl=300)],
        ("ZPUBLIC", "new.example.test"): [],
    }
    records = [
        record("www.example.test", values=["10.0.0.2"]),
        record("Same.Example.Test.", "TXT", ttl=300, values=["hello"]),
        record("new.example.test", values=["10.0.0.3"]),
    ]
    before, after, changes = plan(records, held)
    assert [label["action"] for label, _change in changes] == ["update", "create"]
    assert [change["Action"] for _label, change in changes] == ["UPSERT", "UPSERT"]
    assert changes[0][1]["ResourceRecordSet"] == {
        "Name": "www.example.test.",
        "Type": "A",
        "TTL": 60,
        "ResourceRecords": [{"Value": "10.0.0.2"}],
    }
    assert len(before) == 2 and len(after) == 3
    assert after[1] == before[1]  # the TXT record is unchanged


def test_overwrite_false_names_what_differs():
    held = {("ZPUBLIC", "www.example.test"): [rrset("www.example.test", "A", ["10.0.0.1"])]}
    with pytest.raises(RolloutError, match=r"overwrite=false and these records exist with other values: www.example.test A\."):
        plan([record("www.example.test", values=["10.0.0.2"])], held, overwrite=False)
    # The same values pass with overwrite=false: nothing would be overwritten.
    _before, _after, changes = plan([record("www.example.test", values=["10.0.0.1"])], held, overwrite=False)
    assert changes == []


def test_cname_conflicts_with_what_aws_holds():
    held = {("ZPUBLIC", "www.example.test"): [rrset("www.example.test", "A", ["10.0.0.1"])]}
    with pytest.raises(RolloutError, match="records\\[0\\] is a CNAME but www.example.test already holds A"):
        plan([record("www.example.test", "CNAME", values=["x.example.test"])], held)
    held = {("ZPUBLIC", "docs.example.test"): [rrset("docs.example.test", "CNAME", ["www.example.test"])]}
    with pytest.raises(RolloutError, match="docs.example.test holds a CNAME in zone example.test"):
        plan([record("docs.example.test", "TXT", values=["x"])], held)


def test_routing_policy_records_are_refused():
    held = {("ZPUBLIC", "www.example.test"): [rrset("www.example.test", "A", ["10.0.0.1"], SetIdentifier="blue", Weight=10)]}
    with pytest.raises(RolloutError, match="routing-policy records"):
        plan([record("www.example.test", values=["10.0.0.1"])], held)


def test_absent_deletes_the_exact_record_and_skips_what_is_gone():
    held_www = rrset("www.example.test", "A", ["10.0.0.1", "10.0.0.2"])
    held = {("ZPUBLIC", "www.example.test"): [held_www], ("ZPUBLIC", "gone.example.test"): []}
    records = [record("www.example.test", values=["10.0.0.2", "10.0.0.1"]), record("gone.example.test")]
    before, after, changes = plan(records, held, state="absent")
    assert [(label["action"], change["Action"]) for label, change in changes] == [("delete", "DELETE")]
    assert changes[0][1]["ResourceRecordSet"] is held_www
    assert len(before) == 1 and after == []


def test_absent_refuses_records_that_differ():
    held = {("ZPUBLIC", "www.example.test"): [rrset("www.example.test", "A", ["10.0.0.1"])]}
    with pytest.raises(RolloutError, match=r"refusing to delete records that differ from the task: www.example.test A: AWS holds values"):
        plan([record("www.example.test", values=["10.0.0.9"])], held, state="absent")


def test_batches_by_zone():
    held = {("ZPUBLIC", "a.example.test"): [], ("ZSUB", "b.sub.example.test"): [], ("ZPUBLIC", "c.example.test"): []}
    records = [record("a.example.test", values=["10.0.0.1"]), record("b.sub.example.test", values=["10.0.0.2"]), record("c.example.test", values=["10.0.0.3"])]
    _before, _after, changes = plan(records, held, zones=[ZONE, SUB, ZONE])
    batches = route53_record.batches_by_zone(changes)
    assert [(zone, [c["ResourceRecordSet"]["Name"] for c in batch]) for zone, batch in batches] == [
        ("ZPUBLIC", ["a.example.test.", "c.example.test."]),
        ("ZSUB", ["b.sub.example.test."]),
    ]


def test_validate_options_checks_the_zone_by_name_before_any_call():
    base = {"records": [record("www.other.test", values=["10.0.0.1"])], "state": "present", "vpc_id": None, "private_zone": False}
    problem = route53_record.validate_options(dict(base, zone="example.test"))
    assert problem == "records[0].name='www.other.test' is outside the hosted zone example.test: use a name ending in .example.test, or another zone"
    assert route53_record.validate_options(dict(base, zone="Z0123456789")) is None  # an ID: checked once the zone is read
    problem = route53_record.validate_options(dict(base, zone=None, vpc_id="vpc-1"))
    assert "vpc_id selects a private hosted zone: set private_zone=true" in problem


def test_value_shorthand():
    records = [record("x.example.test", "CNAME", value="y.example.test")]
    route53_record.merge_value(records)
    assert records[0]["values"] == ["y.example.test"]
