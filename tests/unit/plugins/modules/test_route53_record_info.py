"""Unit tests for route53_record_info: option checks and which record sets belong to a stack."""

import pytest

from ansible_collections.webops.https_rollout.plugins.modules import route53_record_info

ZONE = {"id": "ZPUBLIC", "name": "example.test", "private": False}
PRIVATE = {"id": "ZPRIVATE", "name": "example.test", "private": True}
LB_DNS = "shop-1.us-east-1.elb.amazonaws.com"


def params(**kwargs):
    base = {"name": None, "type": None, "stack": None, "include_validation_records": False, "zone": None,
            "private_zone": False, "vpc_id": None}
    base.update(kwargs)
    return base


def rrset(name, rtype, values=(), ttl=300, **extra):
    return dict({"Name": name + ".", "Type": rtype, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in values]}, **extra)


def alias(name, rtype, dns_name, zone_id="Z35SXDOTRQ7X7K", **extra):
    return dict(
        {"Name": name + ".", "Type": rtype,
         "AliasTarget": {"DNSName": dns_name, "HostedZoneId": zone_id, "EvaluateTargetHealth": True}},
        **extra,
    )


@pytest.mark.parametrize(
    "given, expect",
    [
        (params(name="app.example.test"), None),
        (params(name="App.Example.Test.", type="A", zone="example.test"), None),
        (params(stack="shop", include_validation_records=True, zone="Z0123"), None),
        (params(stack="shop", type="A"), "type narrows a lookup by name"),
        (params(name="app.example.test", include_validation_records=True), "include_validation_records applies to a lookup by stack"),
        (params(name="app.example.test", vpc_id="vpc-1"), "vpc_id selects a private hosted zone"),
        (params(name="app..example.test"), "name='app..example.test' is not a valid DNS name"),
        (params(name="app.example.test", zone="bad zone"), "zone='bad zone' is neither a hosted zone ID nor a valid zone name"),
        (params(name="app.example.org", zone="example.test"), "name='app.example.org' is outside zone example.test"),
    ],
)
def test_options_are_checked_before_any_call(given, expect):
    problem = route53_record_info.validate_options(given)
    if expect is None:
        assert problem is None
    else:
        assert expect in problem


def test_records_at_a_name_by_type():
    rrsets = [
        rrset("www.example.test", "A", ["192.0.2.1"]),
        rrset("www.example.test", "TXT", ['"hello"']),
        rrset("www.example.test.sub", "A", ["192.0.2.9"]),
    ]
    found = route53_record_info.records_at(rrsets, ZONE, "WWW.example.test.")
    assert [(r["name"], r["type"]) for r in found] == [("www.example.test", "A"), ("www.example.test", "TXT")]
    assert found[0] == {
        "name": "www.example.test",
        "type": "A",
        "ttl": 300,
        "values": ["192.0.2.1"],
        "alias": None,
        "set_identifier": None,
        "zone_id": "ZPUBLIC",
        "zone_name": "example.test",
        "private_zone": False,
    }
    assert route53_record_info.records_at(rrsets, ZONE, "www.example.test", "AAAA") == []


def test_a_stacks_records_are_the_aliases_to_its_load_balancers():
    rrsets = [
        alias("app.example.test", "A", "dualstack." + LB_DNS.upper() + "."),
        alias("app.example.test", "AAAA", LB_DNS),
        alias("cname.example.test", "CNAME", LB_DNS),
        alias("other.example.test", "A", "dualstack.other-1.us-east-1.elb.amazonaws.com."),
        rrset("www.example.test", "CNAME", [LB_DNS]),  # points there, but not an alias the rollout makes
        alias("weighted.example.test", "A", LB_DNS, SetIdentifier="blue", Weight=10),
    ]
    found = route53_record_info.stack_records(rrsets, ZONE, [LB_DNS], [])
    assert [(r["name"], r["type"], r["set_identifier"]) for r in found] == [
        ("app.example.test", "A", None),
        ("app.example.test", "AAAA", None),
        ("cname.example.test", "CNAME", None),
        ("weighted.example.test", "A", "blue"),
    ]
    assert found[0]["alias"] == {"dns_name": LB_DNS, "hosted_zone_id": "Z35SXDOTRQ7X7K", "evaluate_target_health": True}
    assert found[0]["ttl"] is None


def test_validation_cnames_match_by_name_and_exact_value():
    validation = [{"name": "_abc.app.example.test.", "type": "CNAME", "value": "_XYZ.acm-validations.aws."}]
    rrsets = [
        rrset("_abc.app.example.test", "CNAME", ["_xyz.acm-validations.aws."]),
        rrset("_abc.www.example.test", "CNAME", ["_xyz.acm-validations.aws."]),  # another name
        rrset("_abc.app.example.test", "TXT", ['"_xyz.acm-validations.aws."']),  # another type
    ]
    found = route53_record_info.stack_records(rrsets, ZONE, [], validation)
    assert [(r["name"], r["values"]) for r in found] == [("_abc.app.example.test", ["_xyz.acm-validations.aws"])]
    changed = [rrset("_abc.app.example.test", "CNAME", ["_other.acm-validations.aws."])]
    assert route53_record_info.stack_records(changed, ZONE, [], validation) == []
    assert route53_record_info.stack_records(rrsets, ZONE, [], []) == []


def test_records_sort_by_zone_then_name_type_and_set_identifier():
    records = (
        route53_record_info.stack_records([alias("b.example.test", "A", LB_DNS)], PRIVATE, [LB_DNS], [])
        + route53_record_info.stack_records(
            [alias("b.example.test", "AAAA", LB_DNS), alias("b.example.test", "A", LB_DNS),
             alias("a.example.test", "A", LB_DNS, SetIdentifier="z"), alias("a.example.test", "A", LB_DNS, SetIdentifier="m")],
            ZONE, [LB_DNS], [],
        )
    )
    ordered = route53_record_info.sort_records(records)
    assert [(r["zone_id"], r["name"], r["type"], r["set_identifier"]) for r in ordered] == [
        ("ZPRIVATE", "b.example.test", "A", None),
        ("ZPUBLIC", "a.example.test", "A", "m"),
        ("ZPUBLIC", "a.example.test", "A", "z"),
        ("ZPUBLIC", "b.example.test", "A", None),
        ("ZPUBLIC", "b.example.test", "AAAA", None),
    ]
