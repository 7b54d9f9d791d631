"""Unit tests for _https/tls.py: TLS version rank and the facts of a certificate."""

import datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.webops.https_rollout.plugins.module_utils._https import tls


NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.timezone.utc)


def test_tls_rank():
    assert tls.tls_rank("TLSv1.3") > tls.tls_rank("TLSv1.2") > tls.tls_rank("TLSv1")
    assert tls.tls_rank("SSLv3") == -1


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
    info = tls.certificate_info(der, "www.shop.example.com", now=NOW)
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
    info = tls.certificate_info(der, "shop.example.com", now=NOW)
    assert info["expired"] is True and info["days_to_expiry"] == -2


def test_common_name_counts_only_without_alt_names():
    day = datetime.timedelta(days=1)
    cn_only = make_cert([], NOW - day, NOW + day, common_name="legacy.example.com")
    assert tls.certificate_info(cn_only, "legacy.example.com", now=NOW)["covers_host"] is True
    with_sans = make_cert(["other.example.com"], NOW - day, NOW + day, common_name="legacy.example.com")
    assert tls.certificate_info(with_sans, "legacy.example.com", now=NOW)["covers_host"] is False
