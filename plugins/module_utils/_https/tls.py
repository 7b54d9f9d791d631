# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""TLS of the HTTPS probe: the handshake (the chain's trust checked apart from the names), the protocol
version's rank, and the facts of the certificate read with ``cryptography``, which ansible-core depends on.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import time

try:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    HAS_CRYPTOGRAPHY = True
except ImportError:
    HAS_CRYPTOGRAPHY = False

from ansible_collections.webops.https_rollout.plugins.module_utils._certificate_names import host_covered

# ---------------------------------------------------------------------------
# Pure: TLS versions and certificates
# ---------------------------------------------------------------------------

TLS_VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


class CheckFailed(Exception):
    """The probe cannot go on (no connection, no TLS, a bad redirect): the message says why."""


def tls_rank(version):
    """Order of a TLS version name (``TLSv1.2`` ...); -1 when unknown."""
    return TLS_VERSIONS.index(version) if version in TLS_VERSIONS else -1


def certificate_info(der, host, now=None):
    """snake_case facts about a DER certificate for ``host`` (subject, SANs, expiry, coverage)."""
    cert = x509.load_der_x509_certificate(der)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_after = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    not_before = getattr(cert, "not_valid_before_utc", None) or cert.not_valid_before.replace(
        tzinfo=datetime.timezone.utc
    )
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = san.get_values_for_type(x509.DNSName)
        ip_names = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns_names, ip_names = [], []
    common = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    sans = list(dns_names) + ip_names
    # With subject alternative names, the common name does not count (RFC 6125).
    names = sans or common
    return {
        "subject": cert.subject.rfc4514_string(),
        "common_name": common[0] if common else None,
        "subject_alt_names": sans,
        "issuer": cert.issuer.rfc4514_string(),
        "serial_number": format(cert.serial_number, "x"),
        "not_before": not_before.isoformat(),
        "not_after": not_after.isoformat(),
        # Whole days, counted towards zero: -2 two days (and some hours) after expiry.
        "days_to_expiry": int((not_after - now).total_seconds() / 86400),
        "expired": now > not_after,
        "not_yet_valid": now < not_before,
        "covers_host": host_covered(host, names),
        "host": host,
    }


# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------


def tls_contexts(ca_path):
    """``(verifying, inspecting)`` client contexts; neither checks the host name (that is done on the names)."""
    verifying = ssl.create_default_context()
    if ca_path:
        verifying = ssl.create_default_context(cafile=ca_path)
    verifying.check_hostname = False
    inspecting = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    inspecting.check_hostname = False
    inspecting.verify_mode = ssl.CERT_NONE
    return verifying, inspecting


def connect(host, port, address, timeout):
    target = address or host
    try:
        return socket.create_connection((target, port), timeout=timeout)
    except ConnectionRefusedError as exc:
        raise CheckFailed(f"connection refused by {target}:{port} (for {host})") from exc
    except socket.timeout as exc:
        raise CheckFailed(f"connection to {target}:{port} (for {host}) timed out after {timeout}s") from exc
    except OSError as exc:
        raise CheckFailed(f"cannot connect to {target}:{port} (for {host}): {exc.strerror or exc}") from exc


def tls_handshake(host, port, address, timeout, contexts):
    """A TLS socket to the host, and the chain's trust: ``(sock, trusted, trust_error, handshake_seconds)``."""
    verifying, inspecting = contexts
    start = time.monotonic()
    raw = connect(host, port, address, timeout)
    try:
        sock = verifying.wrap_socket(raw, server_hostname=host)
        return sock, True, None, time.monotonic() - start
    except ssl.SSLCertVerificationError as exc:
        raw.close()
        trust_error = exc.verify_message or str(exc)
    except (ssl.SSLError, OSError) as exc:
        raw.close()
        raise CheckFailed(f"TLS handshake with {address or host}:{port} (for {host}) failed: {exc}") from exc
    raw = connect(host, port, address, timeout)
    try:
        sock = inspecting.wrap_socket(raw, server_hostname=host)
    except (ssl.SSLError, OSError) as exc:
        raw.close()
        raise CheckFailed(f"TLS handshake with {address or host}:{port} (for {host}) failed: {exc}") from exc
    return sock, False, trust_error, time.monotonic() - start
