"""Unit tests for the pure rules of https_check: names and wildcards, --resolve, HSTS, redirects, verdicts."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.webops.https_rollout.plugins.module_utils import https

NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    "host, pattern, covered",
    [
        ("shop.example.com", "shop.example.com", True),
        ("Shop.Example.COM.", "shop.example.com", True),
        ("www.shop.example.com", "*.shop.example.com", True),
        ("WWW.shop.example.com", "*.Shop.Example.com.", True),
        ("shop.example.com", "*.shop.example.com", False),  # the wildcard needs a label
        ("a.b.shop.example.com", "*.shop.example.com", False),  # ...exactly one
        ("www.other.com", "*.shop.example.com", False),
        ("example.com", "*.com", False),  # too broad: at least two labels after the wildcard
        ("www.example.com", "w*.example.com", False),  # partial-label wildcards are not honoured
        ("www.example.com", "*.*.com", False),
        ("192.0.2.10", "192.0.2.10", True),
        ("2001:db8::1", "2001:DB8:0::1", True),
        ("192.0.2.10", "*.2.10", False),
        ("shop.example.com", "shop.example.co", False),
    ],
)
def test_name_matches(host, pattern, covered):
    assert https.name_matches(host, pattern) is covered


def test_host_covered_by_any_name():
    names = ["example.com", "*.example.com"]
    assert https.host_covered("example.com", names)
    assert https.host_covered("www.example.com", names)
    assert not https.host_covered("a.www.example.com", names)
    assert not https.host_covered("example.com", [])


@pytest.mark.parametrize(
    "url, parsed",
    [
        ("https://Shop.Example.com/healthz?x=1", ("https", "shop.example.com", 443, "/healthz?x=1")),
        ("http://shop.example.com", ("http", "shop.example.com", 80, "/")),
        ("https://shop.example.com:8443/", ("https", "shop.example.com", 8443, "/")),
        ("http://[2001:db8::1]:8080/a", ("http", "2001:db8::1", 8080, "/a")),
    ],
)
def test_parse_url(url, parsed):
    assert https.parse_url(url) == parsed


@pytest.mark.parametrize(
    "url, fragment",
    [("ftp://x.example.com/", "must start with http:// or https://"), ("https:///path", "has no host"), ("https://x:99999/", "invalid port")],
)
def test_parse_url_errors(url, fragment):
    with pytest.raises(ValueError, match=fragment):
        https.parse_url(url)


def test_parse_resolve_like_curl():
    assert https.parse_resolve(["Shop.Example.com:443:192.0.2.10", "shop.example.com:80:[2001:db8::1]"]) == {
        ("shop.example.com", 443): "192.0.2.10",
        ("shop.example.com", 80): "2001:db8::1",
    }
    assert https.parse_resolve(None) == {}


@pytest.mark.parametrize(
    "entry, fragment",
    [
        ("shop.example.com:443", "must be host:port:address"),
        ("shop.example.com::192.0.2.1", "must be host:port:address"),
        ("shop.example.com:https:192.0.2.1", "'https' is not a port"),
        ("shop.example.com:70000:192.0.2.1", "'70000' is not a port"),
        ("shop.example.com:443:lb.example.com", "'lb.example.com' is not an IP address"),
    ],
)
def test_parse_resolve_errors(entry, fragment):
    with pytest.raises(ValueError, match=fragment):
        https.parse_resolve([entry])


def test_parse_hsts():
    assert https.parse_hsts(None)["present"] is False
    assert https.parse_hsts("max-age=31536000; includeSubDomains; preload") == {
        "present": True,
        "header": "max-age=31536000; includeSubDomains; preload",
        "max_age": 31536000,
        "include_subdomains": True,
        "preload": True,
    }
    assert https.parse_hsts('MAX-AGE="600"')["max_age"] == 600
    assert https.parse_hsts("includesubdomains")["max_age"] is None


@pytest.mark.parametrize(
    "status, location, problem",
    [
        (301, "https://shop.example.com/", None),
        (308, "https://SHOP.example.com:8443/x", None),
        (200, None, "no redirect: http://shop.example.com/ answered 200; it must answer 301 or 308 to https://shop.example.com/"),
        (301, None, "answered 301 without a Location header"),
        (301, "/elsewhere", "redirects to http://shop.example.com/elsewhere: it must redirect to https://shop.example.com/"),
        (301, "https://www.example.com/", "redirects to another host (https://www.example.com/)"),
        (302, "https://shop.example.com/", "answered 302, a temporary redirect: use 301 or 308"),
        (307, "https://shop.example.com/", "answered 307, a temporary redirect"),
    ],
)
def test_redirect_problem(status, location, problem):
    found = https.redirect_problem("http://shop.example.com/", status, location)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_https_answers_need_no_redirect():
    assert https.redirect_problem("https://shop.example.com/", 200, None) is None


def test_tls_rank():
    assert https.tls_rank("TLSv1.3") > https.tls_rank("TLSv1.2") > https.tls_rank("TLSv1")
    assert https.tls_rank("SSLv3") == -1


def make_cert(names, not_before, not_after, common_name=None):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name or (names[0] if names else "nobody"))])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(255)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    from cryptography.hazmat.primitives.serialization import Encoding  # pylint: disable=import-outside-toplevel

    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)


def test_certificate_info():
    day = datetime.timedelta(days=1)
    der = make_cert(["shop.example.com", "*.shop.example.com"], NOW - day, NOW + 30 * day + datetime.timedelta(hours=5))
    info = https.certificate_info(der, "www.shop.example.com", now=NOW)
    assert info["subject"] == "CN=shop.example.com"
    assert info["common_name"] == "shop.example.com"
    assert info["subject_alt_names"] == ["shop.example.com", "*.shop.example.com"]
    assert info["serial_number"] == "ff"
    assert info["days_to_expiry"] == 30
    assert info["expired"] is False and info["not_yet_valid"] is False
    assert info["covers_host"] is True


def test_certificate_expiry_counts_whole_days_towards_zero():
    day = datetime.timedelta(days=1)
    der = make_cert(["shop.example.com"], NOW - 30 * day, NOW - 2 * day - datetime.timedelta(hours=3))
    info = https.certificate_info(der, "shop.example.com", now=NOW)
    assert info["expired"] is True and info["days_to_expiry"] == -2


def test_common_name_counts_only_without_alt_names():
    day = datetime.timedelta(days=1)
    cn_only = make_cert([], NOW - day, NOW + day, common_name="legacy.example.com")
    assert https.certificate_info(cn_only, "legacy.example.com", now=NOW)["covers_host"] is True
    with_sans = make_cert(["other.example.com"], NOW - day, NOW + day, common_name="legacy.example.com")
    assert https.certificate_info(with_sans, "legacy.example.com", now=NOW)["covers_host"] is False


def report(**overrides):
    """A passing report, changed by ``overrides``."""
    base = {
        "final_url": "https://shop.example.com/",
        "status": 200,
        "tls": {"version": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256", "bits": 128},
        "certificate": {
            "host": "shop.example.com",
            "common_name": "shop.example.com",
            "subject_alt_names": ["shop.example.com"],
            "covers_host": True,
            "expired": False,
            "not_yet_valid": False,
            "days_to_expiry": 60,
            "not_before": "2026-10-01T00:00:00+00:00",
            "not_after": "2027-01-26T00:00:00+00:00",
            "trusted": True,
            "trust_error": None,
        },
        "hsts": https.parse_hsts("max-age=600"),
        "body_matched": None,
        "errors": [],
    }
    for key, value in overrides.items():
        if key == "certificate" and value is not None:
            base["certificate"] = dict(base["certificate"], **value)
        else:
            base[key] = value
    return base


def test_evaluate_passes_a_good_report():
    assert https.evaluate(report(), {"require_hsts": True, "min_tls_version": "TLSv1.3"}) == []


@pytest.mark.parametrize(
    "overrides, options, message",
    [
        ({"certificate": {"covers_host": False, "subject_alt_names": ["a.example.com", "b.example.com"]}}, {},
         "certificate name mismatch: it does not cover shop.example.com; its names are a.example.com, b.example.com"),
        ({"certificate": {"expired": True, "days_to_expiry": -3, "trusted": False, "trust_error": "certificate has expired"}}, {},
         "certificate expired 3 day(s) ago (not after 2027-01-26T00:00:00+00:00)"),
        ({"certificate": {"not_yet_valid": True}}, {}, "certificate is not valid yet"),
        ({}, {"min_days_to_expiry": 90}, "certificate expires in 60 day(s), fewer than min_days_to_expiry=90"),
        ({"certificate": {"trusted": False, "trust_error": "self-signed certificate"}}, {"ca_path": "/ca.pem"},
         "certificate chain is not trusted by /ca.pem: self-signed certificate"),
        ({"tls": {"version": "TLSv1.2", "cipher": "X", "bits": 128}}, {"min_tls_version": "TLSv1.3"},
         "TLS version TLSv1.2 is below min_tls_version TLSv1.3"),
        ({"hsts": https.parse_hsts(None)}, {"require_hsts": True},
         "no Strict-Transport-Security (HSTS) header on https://shop.example.com/, and require_hsts is set"),
        ({"status": 503}, {}, "unexpected status 503 from https://shop.example.com/; expected 200"),
        ({"status": 200}, {"status_code": [301, 404]}, "expected 301, 404"),
        ({"body_matched": False}, {"body_pattern": "ok"}, "body of https://shop.example.com/ does not match body_pattern 'ok'"),
        ({"errors": ["connection refused by 127.0.0.1:443 (for shop.example.com)"], "status": None, "tls": None, "certificate": None}, {},
         "connection refused by 127.0.0.1:443 (for shop.example.com)"),
    ],
)
def test_evaluate_names_each_problem(overrides, options, message):
    failures = https.evaluate(report(**overrides), options)
    assert any(message in failure for failure in failures), failures


def test_expiry_is_not_reported_twice():
    expired = report(certificate={"expired": True, "days_to_expiry": -1, "trusted": False, "trust_error": "certificate has expired"})
    assert len(https.evaluate(expired, {})) == 1


def test_untrusted_is_not_a_failure_without_validate_certs():
    untrusted = report(certificate={"trusted": False, "trust_error": "unable to get local issuer certificate"})
    assert https.evaluate(untrusted, {"validate_certs": False}) == []
    assert len(https.evaluate(untrusted, {})) == 1


def test_plain_http_final_answer_needs_no_hsts():
    assert https.evaluate(report(tls=None, certificate=None, hsts=https.parse_hsts(None)), {"require_hsts": True}) == []


# ---------------------------------------------------------------------------
# Spread across backends
# ---------------------------------------------------------------------------

HOST_PATTERN = r'"host":\s*"([^"]+)"'


def answer(host=None, status=200, body=None):
    return {"url": "https://shop.example.com/", "status": status, "body": body if body is not None else '{"host": "%s"}' % host}


@pytest.mark.parametrize(
    "spread, problem",
    [
        (None, None),
        ({"requests": 10, "pattern": HOST_PATTERN, "min_distinct": 2}, None),
        ({"requests": 2, "pattern": "web[0-9]", "min_distinct": 1}, None),
        ({"requests": 100, "pattern": "x", "min_distinct": 100}, None),
        ({"requests": 1, "pattern": "x", "min_distinct": 1}, "spread.requests=1 must be from 2 to 100"),
        ({"requests": 101, "pattern": "x", "min_distinct": 2}, "spread.requests=101 must be from 2 to 100"),
        ({"requests": 10, "pattern": "x", "min_distinct": 0}, "spread.min_distinct=0 must be at least 1"),
        ({"requests": 3, "pattern": "x", "min_distinct": 4}, "spread.min_distinct=4 can never be reached with spread.requests=3"),
        ({"requests": 10, "pattern": "", "min_distinct": 2}, "spread.pattern is required"),
        ({"requests": 10, "pattern": "(web", "min_distinct": 2}, "spread.pattern='(web' is not a valid regular expression"),
    ],
)
def test_spread_problem(spread, problem):
    found = https.spread_problem(spread)
    if problem is None:
        assert found is None
    else:
        assert problem in found


@pytest.mark.parametrize(
    "pattern, text, name",
    [
        (HOST_PATTERN, '{"app": "webapp", "host": "web1", "identity": "x"}', "web1"),
        (HOST_PATTERN, '{"app": "webapp"}', None),
        (r"web[0-9]+", "served by web12 today", "web12"),  # no group: the whole match
        (r"(?:node|web)-(\w+)", "web-b", "b"),  # the first capturing group
        (r"(web1)|(web2)", "web2", None),  # the first group took no part: unmatched
    ],
)
def test_backend_name(pattern, text, name):
    assert https.backend_name(pattern, text) == name


def test_tally_spread_counts_backends_unmatched_and_errors():
    answers = [answer("web1"), answer("web2"), answer("web1"), answer(body="maintenance"), answer("web2", status=502),
               {"error": "connection refused by 127.0.0.1:443 (for shop.example.com)"}, answer("web1")]
    tally = https.tally_spread(answers, HOST_PATTERN, [200])
    assert tally == {
        "requests": 7,
        "counts": {"web1": 3, "web2": 1},
        "distinct": 2,
        "unmatched": 1,
        "errors": 2,
        "error_messages": [
            "https://shop.example.com/ answered 502; expected 200",
            "connection refused by 127.0.0.1:443 (for shop.example.com)",
        ],
    }


def test_tally_spread_honours_the_status_codes():
    tally = https.tally_spread([answer("web1", status=401), answer("web2", status=200)], HOST_PATTERN, [200, 401])
    assert tally["counts"] == {"web1": 1, "web2": 1} and tally["errors"] == 0


def test_evaluate_spread_passes_with_enough_backends():
    tally = https.tally_spread([answer("web1"), answer("web2"), answer("web1")], HOST_PATTERN, [200])
    assert https.evaluate_spread(tally, 2, HOST_PATTERN) == []
    assert https.evaluate_spread(tally, 3, HOST_PATTERN) != []


def test_evaluate_spread_names_the_one_backend():
    tally = https.tally_spread([answer("web1")] * 10, HOST_PATTERN, [200])
    assert https.evaluate_spread(tally, 2, HOST_PATTERN) == [
        "spread: 10 requests reached 1 distinct backend (web1: 10); spread.min_distinct is 2"
    ]


def test_evaluate_spread_ranks_backends_and_names_unmatched():
    tally = https.tally_spread([answer("b"), answer("a"), answer("b"), answer(body="{}")], HOST_PATTERN, [200])
    assert https.evaluate_spread(tally, 3, HOST_PATTERN) == [
        "spread: 4 requests reached 2 distinct backends (b: 2, a: 1; 1 answer(s) did not match spread.pattern %r); "
        "spread.min_distinct is 3" % HOST_PATTERN
    ]
    nothing = https.tally_spread([answer(body="{}")] * 2, HOST_PATTERN, [200])
    assert https.evaluate_spread(nothing, 1, HOST_PATTERN)[0].startswith("spread: 2 requests reached 0 distinct backends (none; 2 answer(s)")


def test_evaluate_spread_fails_on_errors_even_with_enough_backends():
    tally = https.tally_spread([answer("web1"), answer("web2"), answer("web2", status=503)], HOST_PATTERN, [200])
    assert https.evaluate_spread(tally, 2, HOST_PATTERN) == [
        "spread: 1 of 3 requests failed (first: https://shop.example.com/ answered 503; expected 200)"
    ]
