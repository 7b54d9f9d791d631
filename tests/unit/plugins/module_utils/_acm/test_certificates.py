"""Unit tests for the pure ACM logic: names, wildcards, validation records, the token and PEM checks."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.webops.https_rollout.plugins.module_utils._acm import certificates as acm
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY

# --- names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expect",
    [
        ("example.com", None),
        ("app.example.com", None),
        ("*.example.com", None),
        ("xn--bcher-kva.example", None),
        ("a-b.example.com", None),
        ("*.*.example.com", "more than one wildcard"),
        ("app.*.example.com", "wildcard in the wrong place"),
        ("*app.example.com", "wildcard in the wrong place"),
        ("app*.example.com", "wildcard in the wrong place"),
        ("*.com", "not a fully qualified domain name"),
        ("localhost", "not a fully qualified domain name"),
        ("-app.example.com", "invalid label '-app'"),
        ("app_1.example.com", "invalid label 'app_1'"),
        ("a" * 64 + ".example.com", "invalid label"),
        ("x." * 130 + "com", "longer than 253"),
        ("", "is empty"),
    ],
)
def test_domain_error(name, expect):
    problem = acm.domain_error(name, "domain_name")
    if expect is None:
        assert problem is None
    else:
        assert expect in problem and "domain_name" in problem


def test_requested_domains_main_name_first_rest_sorted_and_unique():
    domains = acm.requested_domains("Example.COM.", ["www.example.com", "*.example.com", "example.com", "WWW.example.com"])
    assert domains == ["example.com", "*.example.com", "www.example.com"]


def test_validate_request_counts_names_against_the_quota():
    ten = [f"h{i}.example.com" for i in range(9)]
    assert acm.validate_request("example.com", ten, False) is None
    problem = acm.validate_request("example.com", ten + ["h9.example.com"], False)
    assert "11 names, more than ACM's default quota of 10" in problem and "allow_more_names=true" in problem
    assert problem.startswith("subject_alternative_names: ")
    assert acm.validate_request("example.com", ten + ["h9.example.com"], True) is None
    many = [f"h{i}.example.com" for i in range(100)]
    assert "at most 100" in acm.validate_request("example.com", many, True)


def test_validate_request_names_the_bad_san():
    problem = acm.validate_request("example.com", ["www.example.com", "*.*.example.com"], False)
    assert problem.startswith("subject_alternative_names[1]='*.*.example.com'")


@pytest.mark.parametrize(
    "pattern, host, expect",
    [
        ("*.example.com", "app.example.com", True),
        ("*.example.com", "APP.example.com.", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "a.b.example.com", False),
        ("*.example.com", "app.example.org", False),
        ("example.com", "example.com", True),
        ("app.example.com", "www.example.com", False),
    ],
)
def test_covers(pattern, host, expect):
    assert acm.covers(pattern, host) is expect


def test_share_parent_is_a_prefilter_on_parent_domains():
    assert acm.share_parent(["app.example.com"], ["*.example.com"])
    assert acm.share_parent(["example.com"], ["www.example.com"])
    assert not acm.share_parent(["app.example.com"], ["app.example.org"])


# --- the idempotency token -----------------------------------------------------

NOW = datetime.datetime(2026, 11, 27, 10, 30, tzinfo=datetime.timezone.utc)


def test_token_is_stable_and_fits_acm():
    token = acm.idempotency_token("shop", "web", ["example.com", "*.example.com"], None, now=NOW)
    assert token == acm.idempotency_token("shop", "web", ["*.example.com", "example.com"], None, now=NOW)
    assert len(token) == 32 and token.isalnum()


@pytest.mark.parametrize(
    "change",
    [
        {"stack": "other"},
        {"name": "api"},
        {"domains": ["example.com"]},
        {"key_algorithm": "EC_prime256v1"},
        {"now": NOW + datetime.timedelta(hours=1)},
    ],
)
def test_token_changes_with_stack_name_domains_algorithm_and_hour(change):
    base = {"stack": "shop", "name": "web", "domains": ["example.com", "*.example.com"], "key_algorithm": None, "now": NOW}
    assert acm.idempotency_token(**base) != acm.idempotency_token(**dict(base, **change))


def test_token_is_the_same_within_the_hour():
    later = NOW + datetime.timedelta(minutes=29)
    assert acm.idempotency_token("s", "n", ["a.example.com"], None, NOW) == acm.idempotency_token("s", "n", ["a.example.com"], None, later)


# --- validation records ----------------------------------------------------------


def dvo(domain, name, value="_v.acm-validations.aws.", status="PENDING_VALIDATION"):
    return {
        "DomainName": domain,
        "ValidationStatus": status,
        "ResourceRecord": {"Name": name, "Type": "CNAME", "Value": value},
    }


def test_validation_records_are_deduplicated_and_sorted():
    options = [
        dvo("www.example.com", "_b.www.example.com."),
        dvo("*.example.com", "_a.Example.com."),
        dvo("example.com", "_a.example.com."),
    ]
    assert acm.validation_records(options) == [
        {"name": "_a.example.com.", "type": "CNAME", "value": "_v.acm-validations.aws."},
        {"name": "_b.www.example.com.", "type": "CNAME", "value": "_v.acm-validations.aws."},
    ]


def test_records_published_and_pending_domains():
    pending = {"Type": "AMAZON_ISSUED", "Status": "PENDING_VALIDATION"}
    assert not acm.records_published(dict(pending, DomainValidationOptions=[{"DomainName": "example.com"}]))
    assert not acm.records_published(dict(pending, DomainValidationOptions=[]))
    assert acm.records_published(dict(pending, DomainValidationOptions=[dvo("example.com", "_a.example.com.")]))
    assert acm.records_published({"Type": "IMPORTED", "Status": "ISSUED"})
    options = [dvo("example.com", "_a.example.com.", status="SUCCESS"), dvo("www.example.com", "_b.www.example.com.")]
    assert acm.pending_domains(options) == ["www.example.com"]


def test_certificate_state_is_snake_case():
    state = acm.certificate_state(
        {
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
            "DomainName": "example.com",
            "SubjectAlternativeNames": ["example.com", "*.example.com"],
            "Status": "PENDING_VALIDATION",
            "Type": "AMAZON_ISSUED",
            "KeyAlgorithm": "RSA-2048",
            "DomainValidationOptions": [dvo("example.com", "_a.example.com."), dvo("*.example.com", "_a.example.com.")],
            "InUseBy": [],
            "RenewalEligibility": "INELIGIBLE",
        },
        {"Name": "web"},
        ["arn:old"],
    )
    assert state["domains"] == ["example.com", "*.example.com"]
    assert state["key_algorithm"] == "RSA_2048"
    assert state["name"] == "web"
    assert len(state["validation_records"]) == 1
    assert state["pending_domains"] == ["*.example.com", "example.com"]
    assert state["superseded_arns"] == ["arn:old"]


def test_owned_by_needs_the_name_and_the_stack():
    assert acm.owned_by({"Name": "web", STACK_TAG_KEY: "shop"}, "web", "shop")
    assert acm.owned_by({"Name": "web"}, "web", None)
    assert not acm.owned_by({"Name": "web"}, "web", "shop")
    assert not acm.owned_by({"Name": "web", STACK_TAG_KEY: "other"}, "web", "shop")
    assert not acm.owned_by({STACK_TAG_KEY: "shop"}, "web", "shop")


# --- PEM input ----------------------------------------------------------------------


def make_pair(names, days=30):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert_pem, key_pem


def test_parse_import_accepts_a_matching_pair_and_reads_the_names():
    cert, key = make_pair(["example.com", "*.example.com"])
    chain, _chain_key = make_pair(["Test Intermediate"])
    parsed = acm.parse_import(cert, key, chain)
    assert parsed["names"] == ["example.com", "*.example.com"]
    assert len(parsed["chain"]) == 1
    assert parsed["not_after"] > datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert acm.pem_ders(cert) == [parsed["certificate"]]


def test_parse_import_refuses_a_key_of_another_certificate():
    cert, _key = make_pair(["example.com"])
    _other_cert, other_key = make_pair(["example.com"])
    with pytest.raises(acm.CertificateInputError, match="private_key does not match certificate"):
        acm.parse_import(cert, other_key, None)


@pytest.mark.parametrize(
    "which, text, expect",
    [
        ("certificate", "not a pem", "certificate is not a PEM certificate"),
        ("certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "not a valid X.509 certificate"),
        ("private_key", "garbage", "private_key is not a PEM private key"),
        ("private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "private_key cannot be read"),
        ("chain", "nothing here", "certificate_chain is not a PEM certificate"),
    ],
)
def test_parse_import_names_malformed_pem(which, text, expect):
    cert, key = make_pair(["example.com"])
    args = {"certificate": cert, "private_key": key, "certificate_chain": None}
    args["certificate_chain" if which == "chain" else which] = text
    with pytest.raises(acm.CertificateInputError, match=expect) as err:
        acm.parse_import(**args)
    assert "PRIVATE KEY-----\n" not in str(err.value)


def test_parse_import_wants_the_leaf_alone():
    cert, key = make_pair(["example.com"])
    chain, _chain_key = make_pair(["Intermediate"])
    with pytest.raises(acm.CertificateInputError, match="holds 2 certificates"):
        acm.parse_import(cert + chain, key, None)
