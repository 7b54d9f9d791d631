#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test helper: import a fresh self-signed certificate into the emulator's ACM."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: seed_acm_certificate
short_description: Import a self-signed certificate into ACM for an integration test
description:
  - Generates an RSA key and a self-signed certificate for O(domain) and imports both into ACM at O(endpoint_url).
  - Imported certificates are C(ISSUED). With O(expired=true) the certificate is valid for two seconds only: ACM
    refuses to import an expired certificate, so the module imports it and waits until ACM reports it C(EXPIRED),
    a certificate that is not issued.
  - Test-only; it always creates a new certificate.
version_added: 0.1.0
author:
  - webops maintainers (@webops)
options:
  domain:
    description: The certificate's common name and only subject alternative name.
    type: str
    required: true
  expired:
    description: Make a certificate that expires right after the import.
    type: bool
    default: false
  endpoint_url:
    description: The ACM endpoint (the test's moto server).
    type: str
    required: true
  region:
    description: The region.
    type: str
    default: us-east-1
attributes:
  check_mode:
    support: none
    description: Always imports.
  diff_mode:
    support: none
    description: Nothing to diff.
"""

EXAMPLES = r"""
- name: A certificate for the test domain
  seed_acm_certificate:
    domain: www.example.test
    endpoint_url: "{{ moto_endpoint }}"
  register: cert
"""

RETURN = r"""
arn:
  description: ARN of the imported certificate.
  returned: always
  type: str
status:
  description: The status ACM reports for it.
  returned: always
  type: str
"""

import datetime
import time

from ansible.module_utils.basic import AnsibleModule

try:
    import boto3
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    HAS_DEPS = True
except ImportError:
    HAS_DEPS = False

EXPIRING_SECONDS = 2


def self_signed(domain, expired):
    """Return (certificate PEM, key PEM) of a new self-signed certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.timezone.utc)
    start = now - datetime.timedelta(days=1)
    end = now + (datetime.timedelta(seconds=EXPIRING_SECONDS) if expired else datetime.timedelta(days=90))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def main():
    """Import the certificate and return its ARN and status."""
    module = AnsibleModule(
        argument_spec=dict(
            domain=dict(type="str", required=True),
            expired=dict(type="bool", default=False),
            endpoint_url=dict(type="str", required=True),
            region=dict(type="str", default="us-east-1"),
        ),
    )
    if not HAS_DEPS:
        module.fail_json(msg="seed_acm_certificate needs boto3 and cryptography")
    client = boto3.client(
        "acm",
        endpoint_url=module.params["endpoint_url"],
        region_name=module.params["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    cert, key = self_signed(module.params["domain"], module.params["expired"])
    arn = client.import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    status = client.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    deadline = time.time() + 30
    while module.params["expired"] and status != "EXPIRED" and time.time() < deadline:
        time.sleep(0.5)
        status = client.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    module.exit_json(changed=True, arn=arn, status=status)


if __name__ == "__main__":
    main()
