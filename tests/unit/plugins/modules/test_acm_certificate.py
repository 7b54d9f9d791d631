"""Unit tests for acm_certificate's choice of "its" certificate and its input checks."""

import pytest

from ansible_collections.webops.https_rollout.plugins.modules import acm_certificate as module


def cert(arn, names, status="ISSUED", created="2026-01-01", kind="AMAZON_ISSUED", key="RSA-2048"):
    return (
        {
            "CertificateArn": arn,
            "DomainName": names[0],
            "SubjectAlternativeNames": names,
            "Status": status,
            "CreatedAt": created,
            "Type": kind,
            "KeyAlgorithm": key,
        },
        {"Name": "web"},
    )


NAMES = ["example.com", "*.example.com"]


def test_the_certificate_with_the_same_names_is_current_the_rest_superseded():
    owned = [cert("old", ["example.com"]), cert("now", list(reversed(NAMES)))]
    current, rest = module.pick_current(owned, NAMES, None)
    assert current[0]["CertificateArn"] == "now"
    assert [c["CertificateArn"] for c, _t in rest] == ["old"]


def test_an_issued_certificate_wins_over_a_newer_pending_one():
    owned = [cert("issued", NAMES, created="2026-01-01"), cert("pending", NAMES, "PENDING_VALIDATION", "2026-02-01")]
    current, rest = module.pick_current(owned, NAMES, None)
    assert current[0]["CertificateArn"] == "issued"
    assert [c["CertificateArn"] for c, _t in rest] == ["pending"]


def test_expired_and_revoked_certificates_are_replaced_not_reused():
    owned = [cert("expired", NAMES, "EXPIRED"), cert("revoked", NAMES, "REVOKED")]
    current, rest = module.pick_current(owned, NAMES, None)
    assert current is None and len(rest) == 2


def test_a_failed_request_is_kept_so_that_wait_reports_why():
    current, _rest = module.pick_current([cert("failed", NAMES, "FAILED")], NAMES, None)
    assert current[0]["CertificateArn"] == "failed"


def test_another_key_algorithm_needs_a_new_certificate():
    owned = [cert("rsa", NAMES, key="RSA-2048")]
    assert module.pick_current(owned, NAMES, "EC_prime256v1")[0] is None
    assert module.pick_current(owned, NAMES, "RSA_2048")[0][0]["CertificateArn"] == "rsa"


def test_an_imported_certificate_is_not_taken_for_a_request():
    assert module.pick_current([cert("imp", NAMES, kind="IMPORTED")], NAMES, None)[0] is None


def params(**overrides):
    base = {
        "name": "web",
        "state": "present",
        "arn": None,
        "domain_name": "example.com",
        "subject_alternative_names": [],
        "allow_more_names": False,
        "key_algorithm": None,
        "certificate": None,
        "private_key": None,
        "certificate_chain": None,
        "retire_superseded": False,
        "wait": False,
        "wait_timeout": 300,
        "tags": None,
        "purge_tags": True,
        "stack": "shop",
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    "overrides, expect",
    [
        ({"domain_name": None}, "state=present needs domain_name"),
        ({"arn": "arn:aws:acm:x"}, "arn only applies to state=absent"),
        ({"domain_name": "*.*.example.com"}, "more than one wildcard"),
        (
            {"domain_name": None, "certificate": "x", "private_key": "y", "subject_alternative_names": ["a.example.com"]},
            "apply to requested certificates, not to an import",
        ),
        ({"domain_name": None, "certificate": "x", "private_key": "y"}, "certificate is not a PEM certificate"),
        ({"state": "absent", "domain_name": "bad_name.example.com"}, "invalid label"),
    ],
)
def test_validate_names_the_problem(overrides, expect):
    problem, _parsed = module.validate(params(**overrides))
    assert expect in problem


def test_validate_passes_a_good_request_and_a_bare_absent():
    assert module.validate(params(subject_alternative_names=["*.example.com"])) == (None, None)
    assert module.validate(params(state="absent", domain_name=None)) == (None, None)


def test_wanted_tags_always_carry_the_name_and_purge_only_with_tags():
    assert module.wanted_tags(params()) == ({"Name": "web", "https-rollout:stack": "shop"}, False)
    assert module.wanted_tags(params(tags={"team": "a"})) == (
        {"Name": "web", "https-rollout:stack": "shop", "team": "a"},
        True,
    )
