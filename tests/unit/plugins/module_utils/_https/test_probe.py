"""Unit tests for _https/probe.py: HSTS and the verdict on a probe's report."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._https import probe


def test_parse_hsts():
    assert probe.parse_hsts(None)["present"] is False
    assert probe.parse_hsts("max-age=31536000; includeSubDomains; preload") == {
        "present": True,
        "header": "max-age=31536000; includeSubDomains; preload",
        "max_age": 31536000,
        "include_subdomains": True,
        "preload": True,
    }
    assert probe.parse_hsts('MAX-AGE="600"')["max_age"] == 600
    assert probe.parse_hsts("includesubdomains")["max_age"] is None


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
        "hsts": probe.parse_hsts("max-age=600"),
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
    assert probe.evaluate(report(), {"require_hsts": True, "min_tls_version": "TLSv1.3"}) == []


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
        ({"hsts": probe.parse_hsts(None)}, {"require_hsts": True},
         "no Strict-Transport-Security (HSTS) header on https://shop.example.com/, and require_hsts is set"),
        ({"status": 503}, {}, "unexpected status 503 from https://shop.example.com/; expected 200"),
        ({"status": 200}, {"status_code": [301, 404]}, "expected 301, 404"),
        ({"body_matched": False}, {"body_pattern": "ok"}, "body of https://shop.example.com/ does not match body_pattern 'ok'"),
        ({"errors": ["connection refused by 127.0.0.1:443 (for shop.example.com)"], "status": None, "tls": None, "certificate": None}, {},
         "connection refused by 127.0.0.1:443 (for shop.example.com)"),
    ],
)
def test_evaluate_names_each_problem(overrides, options, message):
    failures = probe.evaluate(report(**overrides), options)
    assert any(message in failure for failure in failures), failures


def test_expiry_is_not_reported_twice():
    expired = report(certificate={"expired": True, "days_to_expiry": -1, "trusted": False, "trust_error": "certificate has expired"})
    assert len(probe.evaluate(expired, {})) == 1


def test_untrusted_is_not_a_failure_without_validate_certs():
    untrusted = report(certificate={"trusted": False, "trust_error": "unable to get local issuer certificate"})
    assert probe.evaluate(untrusted, {"validate_certs": False}) == []
    assert len(probe.evaluate(untrusted, {})) == 1


def test_plain_http_final_answer_needs_no_hsts():
    assert probe.evaluate(report(tls=None, certificate=None, hsts=probe.parse_hsts(None)), {"require_hsts": True}) == []
