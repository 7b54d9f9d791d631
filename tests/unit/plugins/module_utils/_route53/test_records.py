"""Unit tests for _route53/records.py: validation, state, comparison, change batches, reading one name."""

import botocore.session
import pytest
from botocore.paginate import Paginator

from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import alias_targets
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import records as route53_records


ZONE = {"id": "ZPUBLIC", "name": "example.test", "private": False}
ALB = {"dns_name": "Shop-ALB-123.us-east-1.elb.amazonaws.com", "hosted_zone_id": "Z35SXDOTRQ7X7K", "type": "application"}
NLB = {"dns_name": "shop-nlb-123.elb.us-east-1.amazonaws.com", "hosted_zone_id": "Z26RNL4JYFTOTI", "type": "network"}


def record(name="www.example.test", rtype="A", **kwargs):
    """A record as the module's argument spec fills it."""
    base = {"name": name, "type": rtype, "ttl": None, "values": None, "value": None, "alias": None}
    base.update(kwargs)
    return base


@pytest.mark.parametrize(
    "records, fragment",
    [
        ([record(name="bad..name", values=["10.0.0.1"])], "records[0].name='bad..name' has an invalid label"),
        (
            [record(values=["10.0.0.1"]), record(name="WWW.example.test.", values=["10.0.0.2"])],
            "records[1] repeats www.example.test A of records[0]",
        ),
        ([record(ttl=60, alias={"load_balancer": "lb"})], "is an alias with ttl=60: an alias record takes the TTL"),
        ([record(ttl=-1, values=["10.0.0.1"])], "records[0].ttl=-1 is out of range"),
        ([record(values=["10.0.0.1"], alias={"load_balancer": "lb"})], "has both values and alias"),
        ([record()], "records[0] (www.example.test A) needs values, or an alias"),
        ([record(values=["10.0.0.1", "300.0.0.1"])], "records[0].values: '300.0.0.1' is not an IPv4 address (type A)"),
        ([record(rtype="AAAA", values=["10.0.0.1"])], "'10.0.0.1' is not an IPv6 address (type AAAA)"),
        (
            [record(rtype="CNAME", values=["a.example.test", "b.example.test"])],
            "records[0].values (www.example.test CNAME) has 2 values: a CNAME holds exactly one",
        ),
        (
            [record(rtype="CNAME", values=["a.example.test"]), record(name="WWW.example.test", rtype="AAAA", values=["::1"])],
            "records[0] (www.example.test CNAME) and records[1] (www.example.test AAAA): "
            "www.example.test has a CNAME beside AAAA: a CNAME must be the only record at its name",
        ),
        ([record(rtype="TXT", alias={"load_balancer": "lb"})], "records[0].alias (www.example.test TXT) is not allowed on type TXT"),
        (
            [record(rtype="CNAME", alias={"load_balancer": "lb"})],
            "records[0].alias.load_balancer (www.example.test CNAME) needs type A or AAAA, not CNAME",
        ),
        (
            [record(alias={"evaluate_target_health": True})],
            "records[0].alias (www.example.test A) needs load_balancer (a name or ARN), or dns_name with hosted_zone_id",
        ),
        (
            [record(alias={"dns_name": "x.example.test"})],
            "records[0].alias.dns_name (www.example.test A) is given without alias.hosted_zone_id",
        ),
        (
            [record(alias={"hosted_zone_id": "Z1"})],
            "records[0].alias.hosted_zone_id (www.example.test A) is given without alias.dns_name",
        ),
        (
            [record(alias={"dns_name": "bad..x", "hosted_zone_id": "Z1"})],
            "records[0].alias.dns_name (www.example.test A) 'bad..x' has an invalid label",
        ),
        (
            [record(alias={"load_balancer": "lb", "dns_name": "x.example.test", "hosted_zone_id": "Z1"})],
            "records[0].alias.dns_name (www.example.test A) is given with alias.load_balancer: give the load balancer, "
            "or the target (dns_name), not both",
        ),
        (
            [record(values=[f"10.0.{i // 256}.{i % 256}" for i in range(501)])],
            "records[0].values (www.example.test A) has 501 values of",
        ),
        (
            [record(rtype="TXT", values=["x" * 16001])],
            "over AWS's limit of 1000 records and 32000 characters per request. Split the values over several names",
        ),
    ],
)
def test_validate_records(records, fragment):
    problem = route53_records.validate_records(records, "present")
    assert problem is not None and fragment in problem, problem


def test_validate_records_accepts_a_good_set():
    records = [
        record(values=["10.0.0.1"]),
        record(rtype="AAAA", alias={"load_balancer": "shop-alb"}),
        record(name="docs.example.test", rtype="CNAME", values=["www.example.test"]),
        record(name="example.test", rtype="TXT", ttl=300, values=["v=spf1 -all"]),
    ]
    assert route53_records.validate_records(records, "present") is None


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("check_mode", [True, False])
def test_no_records_is_nothing_to_do(state, check_mode):
    # acm_certificate gives [] as the validation records of a certificate it only predicts (check mode).
    assert route53_records.validate_records([], state, check_mode) is None


@pytest.mark.parametrize(
    "alias, option",
    [
        ({"load_balancer": "predicted:load-balancer:web"}, "load_balancer"),
        ({"dns_name": "predicted:load-balancer:web", "hosted_zone_id": None}, "dns_name"),
        ({"dns_name": "predicted:load-balancer:web", "hosted_zone_id": "predicted:load-balancer:web"}, "dns_name"),
        ({"dns_name": "web-1.elb.amazonaws.com", "hosted_zone_id": "predicted:load-balancer:web"}, "hosted_zone_id"),
    ],
)
def test_placeholders_are_accepted_in_check_mode_only(alias, option):
    records = [record(alias=alias), record(rtype="AAAA", alias=alias)]
    for state in ("present", "absent"):
        assert route53_records.validate_records(records, state, check_mode=True) is None
        problem = route53_records.validate_records(records, state, check_mode=False)
        assert problem.startswith(f"records[0].alias.{option}: predicted:load-balancer:web is a check-mode prediction"), problem
        assert "Run the task that creates it without --check first" in problem


def test_absent_needs_no_values_and_allows_cname_beside_others():
    records = [record(rtype="CNAME"), record()]
    assert route53_records.validate_records(records, "absent") is None
    # Still refused with state=absent: a bad address or an alias with a TTL.
    assert "not an IPv4 address" in route53_records.validate_records([record(values=["x"])], "absent")
    assert "alias with ttl" in route53_records.validate_records([record(ttl=5, alias={"load_balancer": "lb"})], "absent")


def test_record_state_normalises_what_aws_returns():
    rrset = {
        "Name": "\\052.Example.Test.",
        "Type": "TXT",
        "TTL": 60,
        "ResourceRecords": [{"Value": '"b"'}, {"Value": '"a"'}],
    }
    assert route53_records.record_state(rrset, ZONE) == {
        "name": "*.example.test",
        "type": "TXT",
        "ttl": 60,
        "values": ['"a"', '"b"'],
        "alias": None,
        "zone_id": "ZPUBLIC",
        "zone_name": "example.test",
        "private_zone": False,
    }


def test_desired_equals_current_when_spelled_differently():
    held = {"Name": "www.example.test.", "Type": "AAAA", "TTL": 60, "ResourceRecords": [{"Value": "2001:db8::1"}]}
    current = route53_records.record_state(held, ZONE)
    wanted, _rrset = route53_records.desired_state(record(name="WWW.Example.Test.", rtype="AAAA", values=["2001:DB8:0::1"]), ZONE, current, {})
    assert wanted == current


def test_ttl_left_out_keeps_the_current_one_or_defaults():
    held = {"Name": "www.example.test.", "Type": "A", "TTL": 42, "ResourceRecords": [{"Value": "10.0.0.1"}]}
    current = route53_records.record_state(held, ZONE)
    kept, rrset = route53_records.desired_state(record(values=["10.0.0.2"]), ZONE, current, {})
    assert kept["ttl"] == 42 and rrset["TTL"] == 42
    new, rrset = route53_records.desired_state(record(values=["10.0.0.2"]), ZONE, None, {})
    assert new["ttl"] == route53_records.DEFAULT_TTL == rrset["TTL"]


def test_load_balancer_alias_is_sent_dualstack_and_compared_without_it():
    targets = {"shop-alb": ALB, "shop-nlb": NLB}
    wanted, rrset = route53_records.desired_state(record(alias={"load_balancer": "shop-alb", "evaluate_target_health": True}), ZONE, None, targets)
    assert rrset == {
        "Name": "www.example.test.",
        "Type": "A",
        "AliasTarget": {
            "HostedZoneId": "Z35SXDOTRQ7X7K",
            "DNSName": "dualstack.shop-alb-123.us-east-1.elb.amazonaws.com",
            "EvaluateTargetHealth": True,
        },
    }
    assert wanted["alias"]["dns_name"] == "shop-alb-123.us-east-1.elb.amazonaws.com"
    assert wanted["ttl"] is None and wanted["values"] == []
    # What AWS gives back (the dualstack form, a trailing dot) is the same record.
    held = {"Name": "www.example.test.", "Type": "A", "AliasTarget": dict(rrset["AliasTarget"], DNSName="dualstack.SHOP-alb-123.us-east-1.elb.amazonaws.com.")}
    assert route53_records.record_state(held, ZONE) == wanted
    # A Network Load Balancer is targeted by its own name.
    _wanted, nlb = route53_records.desired_state(record(alias={"load_balancer": "shop-nlb"}), ZONE, None, targets)
    assert nlb["AliasTarget"]["DNSName"] == "shop-nlb-123.elb.us-east-1.amazonaws.com"


def test_explicit_alias_target():
    wanted, rrset = route53_records.desired_state(
        record(rtype="AAAA", alias={"dns_name": "D111.CloudFront.net.", "hosted_zone_id": "/hostedzone/Z2FDTNDATAQYW2"}), ZONE, None, {}
    )
    assert rrset["AliasTarget"] == {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111.cloudfront.net", "EvaluateTargetHealth": False}
    assert wanted["alias"] == {"dns_name": "d111.cloudfront.net", "hosted_zone_id": "Z2FDTNDATAQYW2", "evaluate_target_health": False}


def test_absent_mismatch():
    current = route53_records.record_state({"Name": "www.example.test.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.1"}]}, ZONE)
    assert route53_records.absent_mismatch(record(), current, {}) is None
    assert route53_records.absent_mismatch(record(values=["10.0.0.1"], ttl=60), current, {}) is None
    assert route53_records.absent_mismatch(record(values=["10.0.0.2"]), current, {}) == ("values", "AWS holds values ['10.0.0.1'], not ['10.0.0.2']")
    assert route53_records.absent_mismatch(record(ttl=300), current, {}) == ("ttl", "AWS holds ttl 60, not 300")
    assert route53_records.absent_mismatch(record(alias={"load_balancer": "shop-alb"}), current, {"shop-alb": ALB}) == (
        "alias.load_balancer",
        "AWS holds values ['10.0.0.1'], not an alias",
    )
    alias = route53_records.record_state(
        {
            "Name": "www.example.test.",
            "Type": "A",
            "AliasTarget": {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "dualstack.shop-alb-123.us-east-1.elb.amazonaws.com."},
        },
        ZONE,
    )
    assert route53_records.absent_mismatch(record(alias={"load_balancer": "shop-alb"}), alias, {"shop-alb": ALB}) is None
    other = route53_records.absent_mismatch(record(alias={"load_balancer": "shop-nlb"}), alias, {"shop-nlb": NLB})
    assert other == (
        "alias.load_balancer",
        "AWS holds an alias to shop-alb-123.us-east-1.elb.amazonaws.com (Z35SXDOTRQ7X7K), "
        "not to shop-nlb-123.elb.us-east-1.amazonaws.com (Z26RNL4JYFTOTI)",
    )
    explicit = {"dns_name": "shop-alb-123.us-east-1.elb.amazonaws.com", "hosted_zone_id": "Z0000OTHER"}
    assert route53_records.absent_mismatch(record(alias=explicit), alias, {})[0] == "alias.hosted_zone_id"
    assert route53_records.absent_mismatch(record(alias=dict(explicit, dns_name="x.example.test")), alias, {})[0] == "alias.dns_name"


def test_alias_to_a_predicted_load_balancer_is_predicted_with_its_placeholder():
    ref = "predicted:load-balancer:shop-alb"
    targets = {ref: alias_targets.predicted_target(ref)}
    wanted, rrset = route53_records.desired_state(record(alias={"load_balancer": ref, "evaluate_target_health": True}), ZONE, None, targets)
    assert wanted["alias"] == {"dns_name": ref, "hosted_zone_id": None, "evaluate_target_health": True}
    assert wanted["ttl"] is None and wanted["values"] == []
    assert rrset["AliasTarget"]["DNSName"] == ref  # never sent: a real run refuses before
    # An existing alias to another target differs from the prediction: an update.
    held = {"Name": "www.example.test.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "old-1.elb.amazonaws.com."}}
    assert wanted != route53_records.record_state(held, ZONE)


def test_unknown_target_note_names_the_option_the_record_and_the_way_out():
    held = {"Name": "www.example.test.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z26RNL4JYFTOTI", "DNSName": "shop-nlb-1.elb.amazonaws.com."}}
    current = route53_records.record_state(held, ZONE)
    note = route53_records.unknown_target_note(3, record(alias={"load_balancer": "shop-nlb"}), current)
    assert note == (
        "records[3].alias.load_balancer: shop-nlb does not exist, so the alias www.example.test A, which AWS holds to "
        "shop-nlb-1.elb.amazonaws.com (Z26RNL4JYFTOTI), cannot be compared with it and is left in place. "
        "To delete it whatever it points at, give records[3] by name and type only"
    )
    note = route53_records.unknown_target_note(0, record(alias={"dns_name": "x.example.test", "hosted_zone_id": "predicted:load-balancer:x"}), current)
    assert note.startswith("records[0].alias.hosted_zone_id: predicted:load-balancer:x does not exist")


def change(action="UPSERT", name="r.example.test.", values=("192.0.2.1",), alias=False):
    rrset = {"Name": name, "Type": "A"}
    if alias:
        rrset["AliasTarget"] = {"HostedZoneId": "Z1", "DNSName": "x.example.test", "EvaluateTargetHealth": False}
    else:
        rrset.update(TTL=60, ResourceRecords=[{"Value": v} for v in values])
    return {"Action": action, "ResourceRecordSet": rrset}


def test_upsert_counts_twice():
    assert route53_records.change_weight(change("UPSERT", values=("192.0.2.1", "192.0.2.22"))) == (4, 38)
    assert route53_records.change_weight(change("DELETE", values=("192.0.2.1", "192.0.2.22"))) == (2, 19)
    assert route53_records.change_weight(change(alias=True)) == (2, 0)


def test_fifty_records_fit_one_batch():
    changes = [change(name=f"r{i}.example.test.", values=("192.0.2.1", "192.0.2.2")) for i in range(50)]
    batches = route53_records.split_batches(changes)
    assert len(batches) == 1 and batches[0] == changes


def test_split_at_1000_resource_records():
    # 600 UPSERTs of one short value count 1200 records: 500 fit a request.
    changes = [change(name=f"r{i}.example.test.") for i in range(600)]
    batches = route53_records.split_batches(changes)
    assert [len(b) for b in batches] == [500, 100]
    assert [c for b in batches for c in b] == changes  # order kept, nothing lost
    # 1000 DELETEs count 1000 records: exactly one request; one more makes two.
    deletes = [change("DELETE", name=f"r{i}.example.test.") for i in range(1001)]
    assert [len(b) for b in route53_records.split_batches(deletes)] == [1000, 1]


def test_split_at_32000_characters():
    # 40 UPSERTs of two 400-character TXT values: 800 characters each, counted twice = 1600; 20 per request.
    value = '"' + "x" * 253 + '" "' + "x" * 142 + '"'
    changes = []
    for i in range(40):
        item = change(name=f"t{i}.example.test.", values=(value, value.replace("x", "y")))
        item["ResourceRecordSet"]["Type"] = "TXT"
        changes.append(item)
    batches = route53_records.split_batches(changes)
    assert [len(b) for b in batches] == [20, 20]
    for batch in batches:
        assert sum(route53_records.change_weight(c)[1] for c in batch) <= route53_records.MAX_BATCH_CHARS


def test_one_change_over_the_limit_is_refused():
    huge = change(values=tuple(f"10.0.{i // 256}.{i % 256}" for i in range(501)))
    with pytest.raises(ValueError, match=r"r.example.test A alone counts 1002 records .* over AWS's limit of 1000 records"):
        route53_records.split_batches([huge])


def test_no_changes_no_batches():
    assert route53_records.split_batches([]) == []


class FakeRoute53:
    """Answers ListResourceRecordSets from a sorted list of record sets, in pages, as Route 53 does."""

    def __init__(self, rrsets):
        self.rrsets = rrsets
        self.calls = []

    def get_paginator(self, name):
        """botocore's own paginator, with Route 53's pagination rules, over this fake."""
        session = botocore.session.get_session()
        operation = session.get_service_model("route53").operation_model("ListResourceRecordSets")
        config = session.get_paginator_model("route53").get_paginator("ListResourceRecordSets")
        assert name == "list_resource_record_sets"
        return Paginator(self.list_resource_record_sets, config, operation)

    def list_resource_record_sets(self, aws_retry=False, **kwargs):  # pylint: disable=unused-argument
        self.calls.append(kwargs)
        start = [i for i, r in enumerate(self.rrsets) if (r["Name"], r["Type"]) >= (kwargs["StartRecordName"], kwargs.get("StartRecordType", ""))]
        first = start[0] if start else len(self.rrsets)
        size = int(kwargs["MaxItems"])
        page = self.rrsets[first:first + size]
        rest = self.rrsets[first + size:]
        answer = {"ResourceRecordSets": page, "IsTruncated": bool(rest)}
        if rest:
            answer.update(NextRecordName=rest[0]["Name"], NextRecordType=rest[0]["Type"])
        return answer


def test_read_name_reads_only_that_name():
    rrsets = [
        {"Name": "a.example.test.", "Type": "A"},
        {"Name": "www.example.test.", "Type": "A"},
        {"Name": "www.example.test.", "Type": "AAAA"},
        {"Name": "www.example.test.", "Type": "TXT"},
        {"Name": "zz.example.test.", "Type": "A"},
    ]
    client = FakeRoute53(rrsets)
    found = route53_records.read_name(client, "Z1", "WWW.Example.Test")
    assert [r["Type"] for r in found] == ["A", "AAAA", "TXT"]
    assert client.calls == [{"HostedZoneId": "Z1", "StartRecordName": "www.example.test.", "MaxItems": str(route53_records.READ_PAGE)}]
    assert route53_records.read_name(FakeRoute53(rrsets), "Z1", "missing.example.test") == []


def test_read_name_pages_while_the_name_goes_on(monkeypatch):
    monkeypatch.setattr(route53_records, "READ_PAGE", 2)
    rrsets = [{"Name": "www.example.test.", "Type": t} for t in ("A", "AAAA", "CAA", "MX", "TXT")] + [{"Name": "x.example.test.", "Type": "A"}]
    client = FakeRoute53(rrsets)
    found = route53_records.read_name(client, "Z1", "www.example.test")
    assert [r["Type"] for r in found] == ["A", "AAAA", "CAA", "MX", "TXT"]
    assert len(client.calls) == 3
    assert client.calls[1]["StartRecordType"] == "CAA"


def lb(name, kind="app", lb_type="application"):
    return {
        "LoadBalancerName": name,
        "LoadBalancerArn": f"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/{kind}/{name}/1",
        "DNSName": f"{name}-1.elb.amazonaws.com",
        "CanonicalHostedZoneId": "Z2P70J7EXAMPLE",
        "Type": lb_type,
    }
