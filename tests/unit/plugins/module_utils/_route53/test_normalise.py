"""Unit tests for _route53/normalise.py: names and values as compared and sent."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import normalise


ALB = {"dns_name": "Shop-ALB-123.us-east-1.elb.amazonaws.com", "hosted_zone_id": "Z35SXDOTRQ7X7K", "type": "application"}


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
    assert normalise.normalise_name(given) == expected


def test_fqdn_has_one_trailing_dot():
    assert normalise.fqdn("WWW.example.test..") == "www.example.test."
    assert normalise.fqdn("www.example.test") == "www.example.test."


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
    assert normalise.normalise_alias_dns_name(given) == expected


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
    assert fragment in normalise.name_error(name)


@pytest.mark.parametrize("name", ["www.example.test", "*.example.test", "_acme-challenge.example.test.", "a.b-c.d1"])
def test_valid_names(name):
    assert normalise.name_error(name) is None


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
    assert normalise.txt_strings(value) == strings


@pytest.mark.parametrize("value", ['"unterminated', '"a" b', '"ends with \\'])
def test_txt_strings_rejects_bad_quoting(value):
    with pytest.raises(ValueError):
        normalise.txt_strings(value)


def test_txt_plain_and_quoted_forms_are_equal():
    plain = normalise.normalise_value("TXT", "v=spf1 include:_spf.example.test -all")
    quoted = normalise.normalise_value("TXT", '"v=spf1 include:_spf.example.test -all"')
    assert plain == quoted == '"v=spf1 include:_spf.example.test -all"'


def test_long_txt_is_cut_into_quoted_strings_as_aws_stores_it():
    value = "k=" + "a" * 400
    canonical = normalise.normalise_value("TXT", value)
    assert canonical == '"' + value[:255] + '" "' + value[255:] + '"'
    # The form AWS hands back reads the same.
    assert normalise.normalise_value("TXT", canonical) == canonical


def test_txt_escapes_quotes_and_backslashes():
    assert normalise.normalise_value("TXT", 'say "hi" \\o/') == '"say \\"hi\\" \\\\o/"'


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
    assert normalise.normalise_value(rtype, value) == expected


def test_values_are_a_set():
    assert normalise.normalise_values("A", ["10.0.0.2", "10.0.0.1", "10.0.0.2"]) == ["10.0.0.1", "10.0.0.2"]


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
    assert fragment in normalise.value_error(rtype, value)


@pytest.mark.parametrize(
    "rtype, value",
    [("A", "192.0.2.1"), ("AAAA", "::1"), ("MX", "10 mail.example.test"), ("TXT", "x" * 600), ("CNAME", "_x.acm-validations.aws.")],
)
def test_valid_values(rtype, value):
    assert normalise.value_error(rtype, value) is None
