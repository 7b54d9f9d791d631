"""Unit tests for route53_record's planning: what changes, what is refused, and how changes are batched."""

import botocore.session
import pytest
from botocore.paginate import Paginator

from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import reconcile
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


def plan(records, held, state="present", overwrite=True, zones=None, targets=None):
    """``(before, after, changes)``; the plan's notes (warnings) must be empty."""
    before, after, changes, notes = plan_with_notes(records, held, state, overwrite, zones, targets)
    assert notes == []
    return before, after, changes


def plan_with_notes(records, held, state="present", overwrite=True, zones=None, targets=None):
    zones = zones or [ZONE] * len(records)
    return reconcile.plan(params(records, state, overwrite), zones, held, targets or {})


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
    expected = r"overwrite=false and these records exist with other values: records\[0\] \(www.example.test A\)\. Set overwrite=true"
    with pytest.raises(RolloutError, match=expected):
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
    with pytest.raises(
        RolloutError,
        match=(
            r"state=absent: refusing to delete records that differ from the task: "
            r"records\[0\].values \(www.example.test A\): AWS holds values \['10.0.0.1'\], not \['10.0.0.9'\]"
        ),
    ):
        plan([record("www.example.test", values=["10.0.0.9"])], held, state="absent")


def test_batches_by_zone():
    held = {("ZPUBLIC", "a.example.test"): [], ("ZSUB", "b.sub.example.test"): [], ("ZPUBLIC", "c.example.test"): []}
    records = [record("a.example.test", values=["10.0.0.1"]), record("b.sub.example.test", values=["10.0.0.2"]), record("c.example.test", values=["10.0.0.3"])]
    _before, _after, changes = plan(records, held, zones=[ZONE, SUB, ZONE])
    batches = reconcile.batches_by_zone(changes)
    assert [(zone, [c["ResourceRecordSet"]["Name"] for c in batch]) for zone, batch in batches] == [
        ("ZPUBLIC", ["a.example.test.", "c.example.test."]),
        ("ZSUB", ["b.sub.example.test."]),
    ]


def test_validate_options_checks_the_zone_by_name_before_any_call():
    base = {"records": [record("www.other.test", values=["10.0.0.1"])], "state": "present", "vpc_id": None, "private_zone": False}
    problem = reconcile.validate_options(dict(base, zone="example.test"))
    assert problem == "records[0].name='www.other.test' is outside the hosted zone example.test: use a name ending in .example.test, or another zone"
    assert reconcile.validate_options(dict(base, zone="Z0123456789")) is None  # an ID: checked once the zone is read
    problem = reconcile.validate_options(dict(base, zone=None, vpc_id="vpc-1"))
    assert "vpc_id selects a private hosted zone: set private_zone=true" in problem


def test_value_shorthand():
    records = [record("x.example.test", "CNAME", value="y.example.test")]
    reconcile.merge_value(records)
    assert records[0]["values"] == ["y.example.test"]


# ---------------------------------------------------------------------------
# Alias targets that do not exist (yet): check mode predicts, absent leaves alone
# ---------------------------------------------------------------------------

LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/shop-nlb/1"


def alias_rrset(name, rtype="A", dns_name="shop-nlb-1.elb.amazonaws.com.", zone_id="Z26RNL4JYFTOTI"):
    return {"Name": name + ".", "Type": rtype, "AliasTarget": {"HostedZoneId": zone_id, "DNSName": dns_name, "EvaluateTargetHealth": False}}


class FakeElbv2:
    def __init__(self, lbs=()):
        self.lbs = list(lbs)
        self.calls = []

    def describe_load_balancers(self, aws_retry, **kwargs):  # pylint: disable=unused-argument
        self.calls.append(kwargs)
        key, field = ("Names", "LoadBalancerName") if "Names" in kwargs else ("LoadBalancerArns", "LoadBalancerArn")
        found = [lb for lb in self.lbs if lb[field] in kwargs[key]]
        if len(found) < len(kwargs[key]):
            error = Exception("LoadBalancerNotFound")
            error.response = {"Error": {"Code": "LoadBalancerNotFound"}}
            raise error
        return {"LoadBalancers": found}


NLB = {
    "LoadBalancerName": "shop-nlb",
    "LoadBalancerArn": LB_ARN,
    "DNSName": "shop-nlb-1.elb.amazonaws.com",
    "CanonicalHostedZoneId": "Z26RNL4JYFTOTI",
    "Type": "network",
}


def lookup(records, state="present", check_mode=True, lbs=()):
    client = FakeElbv2(lbs)
    clients, warnings = [], []

    def factory():
        clients.append(client)
        return client

    targets = reconcile.lookup_targets(factory, records, state, check_mode, warnings.append)
    return targets, warnings, client.calls


def alias(ref, rtype="A", name="www.example.test"):
    return record(name, rtype, alias={"load_balancer": ref, "evaluate_target_health": True})


@pytest.mark.parametrize("ref", ["shop-alb", "predicted:load-balancer:shop-alb"])
def test_check_mode_predicts_an_alias_to_a_load_balancer_that_does_not_exist_yet(ref):
    records = [alias(ref), alias(ref, "AAAA"), alias("shop-nlb", name="nlb.example.test")]
    targets, warnings, calls = lookup(records, lbs=[NLB])
    assert warnings == [
        f"records[0].alias.load_balancer, records[1].alias.load_balancer: load balancer {ref!r} does not exist yet; "
        "check mode assumes that an earlier task of the play creates it"
    ]
    # A placeholder is never sent to AWS; a name is looked up (and not found).
    assert all("predicted:" not in str(call) for call in calls)
    held = {("ZPUBLIC", "www.example.test"): [], ("ZPUBLIC", "nlb.example.test"): []}
    before, after, changes = plan(records, held, targets=targets)
    assert before == []
    assert [c[0]["action"] for c in changes] == ["create", "create", "create"]
    assert [r["alias"] for r in after[:2]] == [
        {"dns_name": "predicted:load-balancer:shop-alb", "hosted_zone_id": None, "evaluate_target_health": True}
    ] * 2
    assert after[2]["alias"]["dns_name"] == "shop-nlb-1.elb.amazonaws.com"


def test_real_run_refuses_a_missing_load_balancer_naming_the_record():
    records = [record("txt.example.test", "TXT", values=["x"]), alias("gone"), alias("gone", "AAAA")]
    with pytest.raises(RolloutError) as error:
        lookup(records, check_mode=False)
    assert str(error.value) == (
        "records[1].alias.load_balancer: load balancer 'gone' does not exist. "
        "Create it first, or correct records[1].alias.load_balancer"
    )


def test_real_run_refuses_placeholders_before_any_call():
    problem = reconcile.validate_options(
        {"records": [alias("predicted:load-balancer:shop-alb")], "state": "present", "vpc_id": None, "private_zone": False, "zone": None},
        check_mode=False,
    )
    assert problem.startswith("records[0].alias.load_balancer: predicted:load-balancer:shop-alb is a check-mode prediction")


def test_check_mode_warns_for_an_explicit_placeholder_target():
    records = [record("www.example.test", alias={"dns_name": "predicted:load-balancer:shop-nlb", "hosted_zone_id": None})]
    targets, warnings, calls = lookup(records)
    assert targets == {} and calls == []
    assert warnings == [
        "records[0].alias.dns_name: alias target 'predicted:load-balancer:shop-nlb' does not exist yet; "
        "check mode assumes that an earlier task of the play creates it"
    ]


@pytest.mark.parametrize("check_mode", [True, False])
def test_absent_after_the_load_balancer_is_gone(check_mode):
    records = [alias("shop-nlb"), alias("shop-nlb", "AAAA"), alias(LB_ARN, name="other.example.test")]
    targets, warnings, _calls = lookup(records, state="absent", check_mode=check_mode)
    assert warnings == []
    # Nothing left at these names: nothing to do, no warning.
    held = {("ZPUBLIC", "www.example.test"): [], ("ZPUBLIC", "other.example.test"): []}
    assert plan(records, held, state="absent", targets=targets) == ([], [], [])
    # An alias AWS still holds cannot be compared with the gone load balancer: left in place, with a warning.
    held[("ZPUBLIC", "www.example.test")] = [alias_rrset("www.example.test")]
    before, after, changes, notes = plan_with_notes(records, held, state="absent", targets=targets)
    assert changes == [] and after == before and len(before) == 1
    assert notes == [
        "records[0].alias.load_balancer: shop-nlb does not exist, so the alias www.example.test A, which AWS holds to "
        "shop-nlb-1.elb.amazonaws.com (Z26RNL4JYFTOTI), cannot be compared with it and is left in place. "
        "To delete it whatever it points at, give records[0] by name and type only"
    ]
    # Given by name and type only, it is deleted whatever it points at.
    _before, _after, changes = plan([record("www.example.test")], held, state="absent")
    assert [c[0]["action"] for c in changes] == ["delete"]
    # A record with values is no alias to anything: it differs, and is refused as before.
    held[("ZPUBLIC", "www.example.test")] = [rrset("www.example.test", "A", ["10.0.0.1"])]
    with pytest.raises(RolloutError, match=r"records\[0\].alias.load_balancer \(www.example.test A\): AWS holds values"):
        plan_with_notes(records, held, state="absent", targets=targets)


def test_absent_with_the_load_balancer_still_there_deletes_what_matches():
    records = [alias("shop-nlb")]
    targets, warnings, calls = lookup(records, state="absent", check_mode=False, lbs=[NLB])
    assert warnings == [] and calls == [{"Names": ["shop-nlb"]}]
    held = {("ZPUBLIC", "www.example.test"): [alias_rrset("www.example.test")]}
    _before, after, changes = plan(records, held, state="absent", targets=targets)
    assert [c[0]["action"] for c in changes] == ["delete"] and after == []


def test_no_lookup_without_a_load_balancer_alias():
    targets, warnings, calls = lookup([record("www.example.test", values=["10.0.0.1"])])
    assert targets == {} and warnings == [] and calls == []


# ---------------------------------------------------------------------------
# records: [] (what a check-mode acm_certificate gives for a new certificate)
# ---------------------------------------------------------------------------


class FakeModule:
    def __init__(self, module_params, check_mode):
        self.params = module_params
        self.check_mode = check_mode
        self._diff = True
        self.region = "us-east-1"

    def fail_json(self, **kwargs):
        raise AssertionError(f"fail_json: {kwargs}")

    def warn(self, msg):
        raise AssertionError(f"no warning expected: {msg}")

    def client(self, *args, **kwargs):
        raise AssertionError("no AWS call expected")


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("check_mode", [True, False])
def test_no_records_is_no_change_and_no_call(state, check_mode):
    module_params = {
        "records": [],
        "state": state,
        "zone": "example.test",
        "private_zone": False,
        "vpc_id": None,
        "overwrite": True,
        "wait": True,
        "wait_timeout": 300,
    }
    result = route53_record.run(FakeModule(module_params, check_mode))
    assert result == {
        "records": [],
        "changed": False,
        "changes": [],
        "batches": 0,
        "change_ids": [],
        "change_status": None,
        "diff": {"before": {"records": []}, "after": {"records": []}},
    }


# ---------------------------------------------------------------------------
# Zone choice: the refusal names the option
# ---------------------------------------------------------------------------


class FakeRoute53Zones:
    def get_paginator(self, name):
        """botocore's own paginator, with Route 53's pagination rules, over this fake."""
        session = botocore.session.get_session()
        operation = session.get_service_model("route53").operation_model("ListHostedZones")
        config = session.get_paginator_model("route53").get_paginator("ListHostedZones")
        assert name == "list_hosted_zones"
        return Paginator(self.list_hosted_zones, config, operation)

    def list_hosted_zones(self, aws_retry=False):  # pylint: disable=unused-argument
        zones = [("Z1", "example.test."), ("Z2", "example.test.")]
        return {"HostedZones": [{"Id": f"/hostedzone/{i}", "Name": n, "Config": {"PrivateZone": True}} for i, n in zones]}


def test_two_equally_good_zones_name_the_record():
    module_params = {"zone": None, "private_zone": True, "vpc_id": None, "records": [record("www.example.test", values=["10.0.0.1"])]}
    with pytest.raises(RolloutError, match=r"^records\[0\].name='www.example.test': several private hosted zones named example.test"):
        reconcile.resolve_zones(FakeRoute53Zones(), module_params, "us-east-1")
