"""Unit tests for _route53/zones.py: zone IDs and names, the zone of a record, the most specific zone."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import zones as route53_zones


ZONE = {"id": "ZPUBLIC", "name": "example.test", "private": False}
SUB = {"id": "ZSUB", "name": "sub.example.test", "private": False}
PRIVATE = {"id": "ZPRIVATE", "name": "example.test", "private": True}
PRIVATE_OTHER = {"id": "ZPRIVATE2", "name": "example.test", "private": True}


def record(name="www.example.test", rtype="A", **kwargs):
    """A record as the module's argument spec fills it."""
    base = {"name": name, "type": rtype, "ttl": None, "values": None, "value": None, "alias": None}
    base.update(kwargs)
    return base


@pytest.mark.parametrize(
    "name, zone, inside",
    [
        ("www.example.test", "example.test", True),
        ("example.test.", "Example.Test", True),
        ("www.sub.example.test", "example.test", True),
        ("www.badexample.test", "example.test", False),
        ("www.other.test", "example.test", False),
        ("example.test", "sub.example.test", False),
    ],
)
def test_in_zone(name, zone, inside):
    assert route53_zones.in_zone(name, zone) is inside


@pytest.mark.parametrize(
    "value, is_id",
    [("Z0123456789ABCDEFGHIJ", True), ("/hostedzone/Z0123ABC", True), ("example.test", False), ("test", False)],
)
def test_is_zone_id(value, is_id):
    assert route53_zones.is_zone_id(value) is is_id


def test_zone_error_outside_and_apex():
    outside = route53_zones.zone_error(2, record(name="www.other.test", values=["10.0.0.1"]), ZONE)
    assert outside == (
        "records[2].name='www.other.test' is outside the hosted zone example.test (ZPUBLIC): "
        "use a name ending in .example.test, or another zone"
    )
    apex = route53_zones.zone_error(0, record(name="Example.Test.", rtype="CNAME", values=["x.example.test"]), ZONE)
    assert "records[0] is a CNAME at the apex of zone example.test" in apex
    assert route53_zones.zone_error(0, record(name="example.test", values=["10.0.0.1"]), ZONE) is None
    assert route53_zones.zone_error(0, record(name="docs.example.test", rtype="CNAME", values=["x"]), ZONE) is None


def test_most_specific_zone_wins():
    zones = [ZONE, SUB, PRIVATE]
    assert route53_zones.pick_zone("www.sub.example.test", zones, False) == SUB
    assert route53_zones.pick_zone("sub.example.test", zones, False) == SUB
    assert route53_zones.pick_zone("www.example.test", zones, False) == ZONE
    assert route53_zones.pick_zone("WWW.SUB.EXAMPLE.TEST.", zones, False) == SUB
    assert route53_zones.pick_zone("www.other.test", zones, False) is None


def test_zone_choice_public_or_private():
    zones = [ZONE, SUB, PRIVATE]
    assert route53_zones.pick_zone("www.example.test", zones, True) == PRIVATE
    # No private sub zone: the private parent zone is the most specific private one.
    assert route53_zones.pick_zone("www.sub.example.test", zones, True) == PRIVATE


def test_private_zones_of_one_name_need_a_vpc():
    zones = [ZONE, PRIVATE, PRIVATE_OTHER]
    with pytest.raises(ValueError, match="several private hosted zones named example.test .*ZPRIVATE, ZPRIVATE2.*vpc_id"):
        route53_zones.pick_zone("www.example.test", zones, True)
    assert route53_zones.pick_zone("www.example.test", zones, True, vpc_zone_ids={"ZPRIVATE2"}) == PRIVATE_OTHER
    assert route53_zones.pick_zone("www.example.test", zones, True, vpc_zone_ids=set()) is None


def test_zone_summary():
    zone = {"Id": "/hostedzone/Z123", "Name": "Example.Test.", "Config": {"PrivateZone": True}}
    assert route53_zones.zone_summary(zone) == {"id": "Z123", "name": "example.test", "private": True, "record_count": None}
    assert route53_zones.zone_summary(dict(zone, ResourceRecordSetCount=7))["record_count"] == 7
