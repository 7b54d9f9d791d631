"""Unit tests for the pure Route 53 logic: normalisation, validation, zone choice, state and change batches."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils import route53

ZONE = {"id": "ZPUBLIC", "name": "example.test", "private": False}
SUB = {"id": "ZSUB", "name": "sub.example.test", "private": False}
PRIVATE = {"id": "ZPRIVATE", "name": "example.test", "private": True}
PRIVATE_OTHER = {"id": "ZPRIVATE2", "name": "example.test", "private": True}
ALB = {"dns_name": "Shop-ALB-123.us-east-1.elb.amazonaws.com", "hosted_zone_id": "Z35SXDOTRQ7X7K", "type": "application"}
NLB = {"dns_name": "shop-nlb-123.elb.us-east-1.amazonaws.com", "hosted_zone_id": "Z26RNL4JYFTOTI", "type": "network"}


def record(name="www.example.test", rtype="A", **kwargs):
    """A record as the module's argument spec fills it."""
    base = {"name": name, "type": rtype, "ttl": None, "values": None, "value": None, "alias": None}
    base.update(kwargs)
    return base


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [
        ("www.example.test", "www.example.test"),
        ("www.example.test.", "www.example.test"),
        ("WWW.Example.TEST.", "www.example.test"),
        ("  www.example.test  ", "www.example.test"),
        ("\\052.example.test.", "*.example.test"),
        ("*.Example.test", "*.example.test"),
    ],
)
def test_normalise_name(given, expected):
    assert route53.normalise_name(given) == expected


def test_fqdn_has_one_trailing_dot():
    assert route53.fqdn("WWW.example.test..") == "www.example.test."
    assert route53.fqdn("www.example.test") == "www.example.test."


@pytest.mark.parametrize(
    "given, expected",
    [
        ("dualstack.shop-alb-123.us-east-1.elb.amazonaws.com.", "shop-alb-123.us-east-1.elb.amazonaws.com"),
        ("DUALSTACK.Shop-ALB-123.us-east-1.elb.amazonaws.com", "shop-alb-123.us-east-1.elb.amazonaws.com"),
        ("shop-alb-123.us-east-1.elb.amazonaws.com", "shop-alb-123.us-east-1.elb.amazonaws.com"),
        ("d111111abcdef8.cloudfront.net.", "d111111abcdef8.cloudfront.net"),
    ],
)
def test_alias_dns_name_ignores_dualstack_case_and_dot(given, expected):
    assert route53.normalise_alias_dns_name(given) == expected


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("", "is empty"),
        ("www..example.test", "invalid label ''"),
        ("-www.example.test", "invalid label '-www'"),
        ("www.*.example.test", "invalid label '*'"),
        ("a" * 64 + ".example.test", "invalid label"),
        (".".join(["abcdefghi"] * 26), "a DNS name has at most 253"),
        ("www example.test", "invalid label 'www example'"),
    ],
)
def test_name_error(name, fragment):
    assert fragment in route53.name_error(name)


@pytest.mark.parametrize("name", ["www.example.test", "*.example.test", "_acme-challenge.example.test.", "a.b-c.d1"])
def test_valid_names(name):
    assert route53.name_error(name) is None


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
    assert route53.in_zone(name, zone) is inside


@pytest.mark.parametrize(
    "value, is_id",
    [("Z0123456789ABCDEFGHIJ", True), ("/hostedzone/Z0123ABC", True), ("example.test", False), ("test", False)],
)
def test_is_zone_id(value, is_id):
    assert route53.is_zone_id(value) is is_id


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, strings",
    [
        ("v=spf1 -all", ["v=spf1 -all"]),
        ('"v=spf1 -all"', ["v=spf1 -all"]),
        ('"part one" "part two"', ["part one", "part two"]),
        ('"say \\"hi\\""', ['say "hi"']),
        ('"back\\\\slash"', ["back\\slash"]),
        ('"\\052 star"', ["* star"]),
        ("x" * 300, ["x" * 255, "x" * 45]),
        ("", [""]),
    ],
)
def test_txt_strings(value, strings):
    assert route53.txt_strings(value) == strings


@pytest.mark.parametrize("value", ['"unterminated', '"a" b', '"ends with \\'])
def test_txt_strings_rejects_bad_quoting(value):
    with pytest.raises(ValueError):
        route53.txt_strings(value)


def test_txt_plain_and_quoted_forms_are_equal():
    plain = route53.normalise_value("TXT", "v=spf1 include:_spf.example.test -all")
    quoted = route53.normalise_value("TXT", '"v=spf1 include:_spf.example.test -all"')
    assert plain == quoted == '"v=spf1 include:_spf.example.test -all"'


def test_long_txt_is_cut_into_quoted_strings_as_aws_stores_it():
    value = "k=" + "a" * 400
    canonical = route53.normalise_value("TXT", value)
    assert canonical == '"' + value[:255] + '" "' + value[255:] + '"'
    # The form AWS hands back reads the same.
    assert route53.normalise_value("TXT", canonical) == canonical


def test_txt_escapes_quotes_and_backslashes():
    assert route53.normalise_value("TXT", 'say "hi" \\o/') == '"say \\"hi\\" \\\\o/"'


@pytest.mark.parametrize(
    "rtype, value, expected",
    [
        ("A", " 10.0.0.1 ", "10.0.0.1"),
        ("AAAA", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("CNAME", "WWW.Example.Test.", "www.example.test"),
        ("NS", "ns-1.awsdns-01.org.", "ns-1.awsdns-01.org"),
        ("MX", "10   Mail.Example.Test.", "10 mail.example.test"),
        ("SRV", "10 5 443 Web.Example.Test.", "10 5 443 web.example.test"),
        ("CAA", '0  issue   "amazon.com"', '0 issue "amazon.com"'),
        ("SPF", "v=spf1 -all", '"v=spf1 -all"'),
    ],
)
def test_normalise_value(rtype, value, expected):
    assert route53.normalise_value(rtype, value) == expected


def test_values_are_a_set():
    assert route53.normalise_values("A", ["10.0.0.2", "10.0.0.1", "10.0.0.2"]) == ["10.0.0.1", "10.0.0.2"]


@pytest.mark.parametrize(
    "rtype, value, fragment",
    [
        ("A", "10.0.0.300", "is not an IPv4 address"),
        ("A", "2001:db8::1", "is not an IPv4 address"),
        ("A", "www.example.test", "is not an IPv4 address"),
        ("AAAA", "10.0.0.1", "is not an IPv6 address"),
        ("AAAA", "2001:db8::g", "is not an IPv6 address"),
        ("MX", "mail.example.test", "must be '<priority> <mail host>'"),
        ("SRV", "10 443 web.example.test", "must be '<priority> <weight> <port> <target>'"),
        ("CNAME", "not a name", "is not a domain name"),
        ("TXT", '"' + "x" * 256 + '"', "each holds at most 255"),
        ("TXT", '"open', "is not a valid TXT value"),
    ],
)
def test_value_error(rtype, value, fragment):
    assert fragment in route53.value_error(rtype, value)


@pytest.mark.parametrize(
    "rtype, value",
    [("A", "192.0.2.1"), ("AAAA", "::1"), ("MX", "10 mail.example.test"), ("TXT", "x" * 600), ("CNAME", "_x.acm-validations.aws.")],
)
def test_valid_values(rtype, value):
    assert route53.value_error(rtype, value) is None


# ---------------------------------------------------------------------------
# Validation before any call
# ---------------------------------------------------------------------------


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
    problem = route53.validate_records(records, "present")
    assert problem is not None and fragment in problem, problem


def test_validate_records_accepts_a_good_set():
    records = [
        record(values=["10.0.0.1"]),
        record(rtype="AAAA", alias={"load_balancer": "shop-alb"}),
        record(name="docs.example.test", rtype="CNAME", values=["www.example.test"]),
        record(name="example.test", rtype="TXT", ttl=300, values=["v=spf1 -all"]),
    ]
    assert route53.validate_records(records, "present") is None


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("check_mode", [True, False])
def test_no_records_is_nothing_to_do(state, check_mode):
    # acm_certificate gives [] as the validation records of a certificate it only predicts (check mode).
    assert route53.validate_records([], state, check_mode) is None


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
        assert route53.validate_records(records, state, check_mode=True) is None
        problem = route53.validate_records(records, state, check_mode=False)
        assert problem.startswith(f"records[0].alias.{option}: predicted:load-balancer:web is a check-mode prediction"), problem
        assert "Run the task that creates it without --check first" in problem


def test_absent_needs_no_values_and_allows_cname_beside_others():
    records = [record(rtype="CNAME"), record()]
    assert route53.validate_records(records, "absent") is None
    # Still refused with state=absent: a bad address or an alias with a TTL.
    assert "not an IPv4 address" in route53.validate_records([record(values=["x"])], "absent")
    assert "alias with ttl" in route53.validate_records([record(ttl=5, alias={"load_balancer": "lb"})], "absent")


def test_zone_error_outside_and_apex():
    outside = route53.zone_error(2, record(name="www.other.test", values=["10.0.0.1"]), ZONE)
    assert outside == (
        "records[2].name='www.other.test' is outside the hosted zone example.test (ZPUBLIC): "
        "use a name ending in .example.test, or another zone"
    )
    apex = route53.zone_error(0, record(name="Example.Test.", rtype="CNAME", values=["x.example.test"]), ZONE)
    assert "records[0] is a CNAME at the apex of zone example.test" in apex
    assert route53.zone_error(0, record(name="example.test", values=["10.0.0.1"]), ZONE) is None
    assert route53.zone_error(0, record(name="docs.example.test", rtype="CNAME", values=["x"]), ZONE) is None


# ---------------------------------------------------------------------------
# Zone choice
# ---------------------------------------------------------------------------


def test_most_specific_zone_wins():
    zones = [ZONE, SUB, PRIVATE]
    assert route53.pick_zone("www.sub.example.test", zones, False) == SUB
    assert route53.pick_zone("sub.example.test", zones, False) == SUB
    assert route53.pick_zone("www.example.test", zones, False) == ZONE
    assert route53.pick_zone("WWW.SUB.EXAMPLE.TEST.", zones, False) == SUB
    assert route53.pick_zone("www.other.test", zones, False) is None


def test_zone_choice_public_or_private():
    zones = [ZONE, SUB, PRIVATE]
    assert route53.pick_zone("www.example.test", zones, True) == PRIVATE
    # No private sub zone: the private parent zone is the most specific private one.
    assert route53.pick_zone("www.sub.example.test", zones, True) == PRIVATE


def test_private_zones_of_one_name_need_a_vpc():
    zones = [ZONE, PRIVATE, PRIVATE_OTHER]
    with pytest.raises(ValueError, match="several private hosted zones named example.test .*ZPRIVATE, ZPRIVATE2.*vpc_id"):
        route53.pick_zone("www.example.test", zones, True)
    assert route53.pick_zone("www.example.test", zones, True, vpc_zone_ids={"ZPRIVATE2"}) == PRIVATE_OTHER
    assert route53.pick_zone("www.example.test", zones, True, vpc_zone_ids=set()) is None


def test_zone_summary():
    zone = {"Id": "/hostedzone/Z123", "Name": "Example.Test.", "Config": {"PrivateZone": True}}
    assert route53.zone_summary(zone) == {"id": "Z123", "name": "example.test", "private": True}


# ---------------------------------------------------------------------------
# State and comparison
# ---------------------------------------------------------------------------


def test_record_state_normalises_what_aws_returns():
    rrset = {
        "Name": "\\052.Example.Test.",
        "Type": "TXT",
        "TTL": 60,
        "ResourceRecords": [{"Value": '"b"'}, {"Value": '"a"'}],
    }
    assert route53.record_state(rrset, ZONE) == {
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
    current = route53.record_state(held, ZONE)
    wanted, _rrset = route53.desired_state(record(name="WWW.Example.Test.", rtype="AAAA", values=["2001:DB8:0::1"]), ZONE, current, {})
    assert wanted == current


def test_ttl_left_out_keeps_the_current_one_or_defaults():
    held = {"Name": "www.example.test.", "Type": "A", "TTL": 42, "ResourceRecords": [{"Value": "10.0.0.1"}]}
    current = route53.record_state(held, ZONE)
    kept, rrset = route53.desired_state(record(values=["10.0.0.2"]), ZONE, current, {})
    assert kept["ttl"] == 42 and rrset["TTL"] == 42
    new, rrset = route53.desired_state(record(values=["10.0.0.2"]), ZONE, None, {})
    assert new["ttl"] == route53.DEFAULT_TTL == rrset["TTL"]


def test_load_balancer_alias_is_sent_dualstack_and_compared_without_it():
    targets = {"shop-alb": ALB, "shop-nlb": NLB}
    wanted, rrset = route53.desired_state(record(alias={"load_balancer": "shop-alb", "evaluate_target_health": True}), ZONE, None, targets)
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
    assert route53.record_state(held, ZONE) == wanted
    # A Network Load Balancer is targeted by its own name.
    _wanted, nlb = route53.desired_state(record(alias={"load_balancer": "shop-nlb"}), ZONE, None, targets)
    assert nlb["AliasTarget"]["DNSName"] == "shop-nlb-123.elb.us-east-1.amazonaws.com"


def test_explicit_alias_target():
    wanted, rrset = route53.desired_state(
        record(rtype="AAAA", alias={"dns_name": "D111.CloudFront.net.", "hosted_zone_id": "/hostedzone/Z2FDTNDATAQYW2"}), ZONE, None, {}
    )
    assert rrset["AliasTarget"] == {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111.cloudfront.net", "EvaluateTargetHealth": False}
    assert wanted["alias"] == {"dns_name": "d111.cloudfront.net", "hosted_zone_id": "Z2FDTNDATAQYW2", "evaluate_target_health": False}


def test_absent_mismatch():
    current = route53.record_state({"Name": "www.example.test.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.1"}]}, ZONE)
    assert route53.absent_mismatch(record(), current, {}) is None
    assert route53.absent_mismatch(record(values=["10.0.0.1"], ttl=60), current, {}) is None
    assert route53.absent_mismatch(record(values=["10.0.0.2"]), current, {}) == ("values", "AWS holds values ['10.0.0.1'], not ['10.0.0.2']")
    assert route53.absent_mismatch(record(ttl=300), current, {}) == ("ttl", "AWS holds ttl 60, not 300")
    assert route53.absent_mismatch(record(alias={"load_balancer": "shop-alb"}), current, {"shop-alb": ALB}) == (
        "alias.load_balancer",
        "AWS holds values ['10.0.0.1'], not an alias",
    )
    alias = route53.record_state(
        {
            "Name": "www.example.test.",
            "Type": "A",
            "AliasTarget": {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "dualstack.shop-alb-123.us-east-1.elb.amazonaws.com."},
        },
        ZONE,
    )
    assert route53.absent_mismatch(record(alias={"load_balancer": "shop-alb"}), alias, {"shop-alb": ALB}) is None
    other = route53.absent_mismatch(record(alias={"load_balancer": "shop-nlb"}), alias, {"shop-nlb": NLB})
    assert other == (
        "alias.load_balancer",
        "AWS holds an alias to shop-alb-123.us-east-1.elb.amazonaws.com (Z35SXDOTRQ7X7K), "
        "not to shop-nlb-123.elb.us-east-1.amazonaws.com (Z26RNL4JYFTOTI)",
    )
    explicit = {"dns_name": "shop-alb-123.us-east-1.elb.amazonaws.com", "hosted_zone_id": "Z0000OTHER"}
    assert route53.absent_mismatch(record(alias=explicit), alias, {})[0] == "alias.hosted_zone_id"
    assert route53.absent_mismatch(record(alias=dict(explicit, dns_name="x.example.test")), alias, {})[0] == "alias.dns_name"


# ---------------------------------------------------------------------------
# Alias targets that do not exist (yet)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref, name",
    [
        ("shop-alb", "shop-alb"),
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-alb/50dc6c495c0c9188", "shop-alb"),
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/shop-nlb/50dc6c495c0c9188", "shop-nlb"),
        ("predicted:load-balancer:shop-alb", "shop-alb"),
    ],
)
def test_load_balancer_name_and_predicted_target(ref, name):
    assert route53.load_balancer_name(ref) == name
    assert route53.predicted_target(ref) == {
        "dns_name": f"predicted:load-balancer:{name}",
        "hosted_zone_id": None,
        "type": None,
        "predicted": True,
    }


def test_alias_to_a_predicted_load_balancer_is_predicted_with_its_placeholder():
    ref = "predicted:load-balancer:shop-alb"
    targets = {ref: route53.predicted_target(ref)}
    wanted, rrset = route53.desired_state(record(alias={"load_balancer": ref, "evaluate_target_health": True}), ZONE, None, targets)
    assert wanted["alias"] == {"dns_name": ref, "hosted_zone_id": None, "evaluate_target_health": True}
    assert wanted["ttl"] is None and wanted["values"] == []
    assert rrset["AliasTarget"]["DNSName"] == ref  # never sent: a real run refuses before
    # An existing alias to another target differs from the prediction: an update.
    held = {"Name": "www.example.test.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "old-1.elb.amazonaws.com."}}
    assert wanted != route53.record_state(held, ZONE)


def test_explicit_alias_to_a_check_mode_load_balancer():
    alias = {"dns_name": "predicted:load-balancer:shop-nlb", "hosted_zone_id": None}
    target = route53.alias_target(record(alias=alias), {})
    assert target["predicted"] and target["hosted_zone_id"] is None
    wanted, _rrset = route53.desired_state(record(alias=alias), ZONE, None, {})
    assert wanted["alias"] == {"dns_name": "predicted:load-balancer:shop-nlb", "hosted_zone_id": None, "evaluate_target_health": False}
    assert route53.alias_target(record(values=["10.0.0.1"]), {}) is None
    assert not route53.alias_target(record(alias={"dns_name": "x.example.test", "hosted_zone_id": "/hostedzone/Z1"}), {})["predicted"]


def test_unknown_target_note_names_the_option_the_record_and_the_way_out():
    held = {"Name": "www.example.test.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z26RNL4JYFTOTI", "DNSName": "shop-nlb-1.elb.amazonaws.com."}}
    current = route53.record_state(held, ZONE)
    note = route53.unknown_target_note(3, record(alias={"load_balancer": "shop-nlb"}), current)
    assert note == (
        "records[3].alias.load_balancer: shop-nlb does not exist, so the alias www.example.test A, which AWS holds to "
        "shop-nlb-1.elb.amazonaws.com (Z26RNL4JYFTOTI), cannot be compared with it and is left in place. "
        "To delete it whatever it points at, give records[3] by name and type only"
    )
    note = route53.unknown_target_note(0, record(alias={"dns_name": "x.example.test", "hosted_zone_id": "predicted:load-balancer:x"}), current)
    assert note.startswith("records[0].alias.hosted_zone_id: predicted:load-balancer:x does not exist")


# ---------------------------------------------------------------------------
# Change batches
# ---------------------------------------------------------------------------


def change(action="UPSERT", name="r.example.test.", values=("192.0.2.1",), alias=False):
    rrset = {"Name": name, "Type": "A"}
    if alias:
        rrset["AliasTarget"] = {"HostedZoneId": "Z1", "DNSName": "x.example.test", "EvaluateTargetHealth": False}
    else:
        rrset.update(TTL=60, ResourceRecords=[{"Value": v} for v in values])
    return {"Action": action, "ResourceRecordSet": rrset}


def test_upsert_counts_twice():
    assert route53.change_weight(change("UPSERT", values=("192.0.2.1", "192.0.2.22"))) == (4, 38)
    assert route53.change_weight(change("DELETE", values=("192.0.2.1", "192.0.2.22"))) == (2, 19)
    assert route53.change_weight(change(alias=True)) == (2, 0)


def test_fifty_records_fit_one_batch():
    changes = [change(name=f"r{i}.example.test.", values=("192.0.2.1", "192.0.2.2")) for i in range(50)]
    batches = route53.split_batches(changes)
    assert len(batches) == 1 and batches[0] == changes


def test_split_at_1000_resource_records():
    # 600 UPSERTs of one short value count 1200 records: 500 fit a request.
    changes = [change(name=f"r{i}.example.test.") for i in range(600)]
    batches = route53.split_batches(changes)
    assert [len(b) for b in batches] == [500, 100]
    assert [c for b in batches for c in b] == changes  # order kept, nothing lost
    # 1000 DELETEs count 1000 records: exactly one request; one more makes two.
    deletes = [change("DELETE", name=f"r{i}.example.test.") for i in range(1001)]
    assert [len(b) for b in route53.split_batches(deletes)] == [1000, 1]


def test_split_at_32000_characters():
    # 40 UPSERTs of two 400-character TXT values: 800 characters each, counted twice = 1600; 20 per request.
    value = '"' + "x" * 253 + '" "' + "x" * 142 + '"'
    changes = []
    for i in range(40):
        item = change(name=f"t{i}.example.test.", values=(value, value.replace("x", "y")))
        item["ResourceRecordSet"]["Type"] = "TXT"
        changes.append(item)
    batches = route53.split_batches(changes)
    assert [len(b) for b in batches] == [20, 20]
    for batch in batches:
        assert sum(route53.change_weight(c)[1] for c in batch) <= route53.MAX_BATCH_CHARS


def test_one_change_over_the_limit_is_refused():
    huge = change(values=tuple(f"10.0.{i // 256}.{i % 256}" for i in range(501)))
    with pytest.raises(ValueError, match=r"r.example.test A alone counts 1002 records .* over AWS's limit of 1000 records"):
        route53.split_batches([huge])


def test_no_changes_no_batches():
    assert route53.split_batches([]) == []


# ---------------------------------------------------------------------------
# Calls: reading one name only
# ---------------------------------------------------------------------------


class FakeRoute53:
    """Answers ListResourceRecordSets from a sorted list of record sets, in pages, as Route 53 does."""

    def __init__(self, rrsets):
        self.rrsets = rrsets
        self.calls = []

    def list_resource_record_sets(self, aws_retry, **kwargs):  # pylint: disable=unused-argument
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
    found = route53.read_name(client, "Z1", "WWW.Example.Test")
    assert [r["Type"] for r in found] == ["A", "AAAA", "TXT"]
    assert client.calls == [{"HostedZoneId": "Z1", "StartRecordName": "www.example.test.", "MaxItems": str(route53.READ_PAGE)}]
    assert route53.read_name(FakeRoute53(rrsets), "Z1", "missing.example.test") == []


def test_read_name_pages_while_the_name_goes_on(monkeypatch):
    monkeypatch.setattr(route53, "READ_PAGE", 2)
    rrsets = [{"Name": "www.example.test.", "Type": t} for t in ("A", "AAAA", "CAA", "MX", "TXT")] + [{"Name": "x.example.test.", "Type": "A"}]
    client = FakeRoute53(rrsets)
    found = route53.read_name(client, "Z1", "www.example.test")
    assert [r["Type"] for r in found] == ["A", "AAAA", "CAA", "MX", "TXT"]
    assert len(client.calls) == 3
    assert client.calls[1]["StartRecordType"] == "CAA"


# ---------------------------------------------------------------------------
# Calls: load balancer alias targets
# ---------------------------------------------------------------------------


class LoadBalancerNotFound(Exception):
    response = {"Error": {"Code": "LoadBalancerNotFound"}}


class FakeElbv2:
    """Answers DescribeLoadBalancers as ELBv2 does: one missing name or ARN fails the whole call."""

    def __init__(self, lbs):
        self.lbs = lbs
        self.calls = []

    def describe_load_balancers(self, aws_retry, **kwargs):  # pylint: disable=unused-argument
        self.calls.append(kwargs)
        key, field = ("Names", "LoadBalancerName") if "Names" in kwargs else ("LoadBalancerArns", "LoadBalancerArn")
        found = [lb for lb in self.lbs if lb[field] in kwargs[key]]
        if len(found) < len(kwargs[key]):
            raise LoadBalancerNotFound()
        return {"LoadBalancers": found}


def lb(name, kind="app", lb_type="application"):
    return {
        "LoadBalancerName": name,
        "LoadBalancerArn": f"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/{kind}/{name}/1",
        "DNSName": f"{name}-1.elb.amazonaws.com",
        "CanonicalHostedZoneId": "Z2P70J7EXAMPLE",
        "Type": lb_type,
    }


def test_load_balancer_targets_in_one_call_each_for_names_and_arns():
    alb, nlb = lb("shop-alb"), lb("shop-nlb", "net", "network")
    client = FakeElbv2([alb, nlb])
    found = route53.describe_load_balancer_targets(client, ["shop-alb", nlb["LoadBalancerArn"], "shop-alb"])
    assert found == {
        "shop-alb": {"dns_name": "shop-alb-1.elb.amazonaws.com", "hosted_zone_id": "Z2P70J7EXAMPLE", "type": "application"},
        nlb["LoadBalancerArn"]: {"dns_name": "shop-nlb-1.elb.amazonaws.com", "hosted_zone_id": "Z2P70J7EXAMPLE", "type": "network"},
    }
    assert client.calls == [{"LoadBalancerArns": [nlb["LoadBalancerArn"]]}, {"Names": ["shop-alb"]}]


def test_missing_load_balancers_are_left_out_and_placeholders_never_sent():
    client = FakeElbv2([lb("shop-alb")])
    found = route53.describe_load_balancer_targets(client, ["shop-alb", "gone", "predicted:load-balancer:new"])
    assert list(found) == ["shop-alb"]
    # The call for both names fails (one is missing): then each name is asked for alone.
    assert client.calls == [{"Names": ["gone", "shop-alb"]}, {"Names": ["gone"]}, {"Names": ["shop-alb"]}]
    client = FakeElbv2([])
    assert route53.describe_load_balancer_targets(client, ["predicted:load-balancer:new"]) == {}
    assert client.calls == []


def test_other_errors_of_the_load_balancer_lookup_are_raised():
    class Denied(Exception):
        response = {"Error": {"Code": "AccessDenied"}}

    class Client:
        def describe_load_balancers(self, aws_retry, **kwargs):  # pylint: disable=unused-argument
            raise Denied()

    with pytest.raises(Denied):
        route53.describe_load_balancer_targets(Client(), ["shop-alb"])
