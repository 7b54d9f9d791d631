# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Certificate Manager: plain functions over a boto3 ``acm`` client.

API functions take a client wrapped with ``common.aws_retry`` and explicit
arguments. The pure functions check domain names and PEM input, derive the
idempotency token, and turn ACM's answers into the collection's snake_case
state; they make no call.
"""

from __future__ import annotations

import datetime
import hashlib
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.webops.https_rollout.plugins.module_utils._certificate_names import name_matches
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_listener_certificates
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_listeners
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_load_balancers
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry

#: ACM's default quota of names per certificate; up to 100 after a quota increase.
DEFAULT_MAX_NAMES = 10
HARD_MAX_NAMES = 100
#: Every key type ListCertificates knows; without them it lists RSA_2048 certificates only.
KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
#: Statuses in which a certificate is, or may still become, usable.
LIVE_STATUSES = ("PENDING_VALIDATION", "ISSUED", "INACTIVE")
#: Statuses that fail a wait at once.
FAILED_STATUSES = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED")

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class CertificateInputError(ValueError):
    """Bad certificate input, with a message that names the option and the fix."""


# ---------------------------------------------------------------------------
# Pure: domain names
# ---------------------------------------------------------------------------


def domain_error(name, option):
    """Why ``name`` cannot be on an ACM certificate, or None."""
    if not name:
        return f"{option} is empty"
    if len(name) > 253:
        return f"{option}={name!r} is longer than 253 characters"
    labels = name.lower().rstrip(".").split(".")
    if "*" in name:
        if labels.count("*") > 1 or name.count("*") > 1:
            return f"{option}={name!r} has more than one wildcard: ACM takes one, as the whole leftmost label (*.example.com)"
        if labels[0] != "*":
            return (
                f"{option}={name!r} has a wildcard in the wrong place: it must be the whole leftmost label, "
                "as in *.example.com"
            )
        labels = labels[1:]
    if len(labels) < 2:
        return f"{option}={name!r} is not a fully qualified domain name (it needs at least two labels, as in example.com)"
    for label in labels:
        if not _LABEL.match(label):
            return (
                f"{option}={name!r} has an invalid label {label!r}: use letters, digits and hyphens, 1 to 63 per label, "
                "not starting or ending with a hyphen (punycode for international names)"
            )
    return None


def normalise_domain(name):
    """Lower case, no trailing dot."""
    return name.strip().lower().rstrip(".")


def requested_domains(domain_name, subject_alternative_names):
    """The certificate's names: ``domain_name`` first, then the other SANs sorted, without duplicates."""
    primary = normalise_domain(domain_name)
    others = sorted({normalise_domain(n) for n in subject_alternative_names or []} - {primary})
    return [primary] + others


def validate_request(domain_name, subject_alternative_names, allow_more_names):
    """Return the first problem with the requested names, or None."""
    problem = domain_error(domain_name, "domain_name")
    if problem:
        return problem
    for index, name in enumerate(subject_alternative_names or []):
        problem = domain_error(name, f"subject_alternative_names[{index}]")
        if problem:
            return problem
    count = len(requested_domains(domain_name, subject_alternative_names))
    if count > HARD_MAX_NAMES:
        return (
            f"subject_alternative_names: the certificate would have {count} names (domain_name included); "
            f"ACM takes at most {HARD_MAX_NAMES}: split the names over two certificates"
        )
    if count > DEFAULT_MAX_NAMES and not allow_more_names:
        return (
            f"subject_alternative_names: the certificate would have {count} names, "
            f"more than ACM's default quota of {DEFAULT_MAX_NAMES}: "
            "set allow_more_names=true once the account's quota was raised, or split the names over two certificates"
        )
    return None


def covers(pattern, host):
    """Whether a certificate name ``pattern`` (maybe ``*.example.com``) covers the host name ``host``.

    The collection's one matcher (:func:`_certificate_names.name_matches`, the TLS rules of RFC 6125): a
    wildcard covers exactly one label, so ``*.example.com`` covers ``app.example.com``, not ``example.com``
    nor ``a.b.example.com``.
    """
    return name_matches(host, pattern)


def idempotency_token(stack, name, domains, key_algorithm, now=None):
    """A token for RequestCertificate, stable for one stack, name, domain set and key algorithm.

    ACM answers requests with the same token within one hour with the same
    certificate. The token also carries the UTC hour, so a certificate that is
    requested again after it was deleted gets a new one, not the deleted one.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    seed = "|".join([stack or "", name, ",".join(sorted(domains)), key_algorithm or "", now.strftime("%Y%m%d%H")])
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------
# Pure: PEM input (the private key never leaves this process except to ACM)
# ---------------------------------------------------------------------------


def _crypto():
    # pylint: disable=import-outside-toplevel
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    return x509, serialization


def _load_certificates(pem, option):
    x509, _serialization = _crypto()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pem or "", flags=re.S)
    if not blocks:
        raise CertificateInputError(f"{option} is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)")
    certificates = []
    for index, block in enumerate(blocks):
        try:
            certificates.append(x509.load_pem_x509_certificate(block.encode("ascii")))
        except ValueError as exc:
            raise CertificateInputError(f"{option}: PEM block {index + 1} is not a valid X.509 certificate ({exc})") from None
    return certificates


def _der(certificate):
    _x509, serialization = _crypto()
    return certificate.public_bytes(serialization.Encoding.DER)


def _public_key_der(public_key):
    _x509, serialization = _crypto()
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def certificate_names(certificate):
    """The DNS names of a cryptography certificate: the SANs, or the subject CN when there are none."""
    x509, _serialization = _crypto()
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = sans.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    if not names:
        names = [a.value for a in certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    return [normalise_domain(n) for n in names]


def parse_import(certificate, private_key, certificate_chain):
    """Check PEM input before any call to AWS.

    Returns ``{"certificate": DER, "chain": [DER...], "names": [...], "not_after": iso}``.
    Raises :class:`CertificateInputError` for malformed PEM or a key that does not fit the certificate.
    """
    _x509, serialization = _crypto()
    leaf = _load_certificates(certificate, "certificate")
    if len(leaf) != 1:
        raise CertificateInputError(
            f"certificate holds {len(leaf)} certificates: give the server certificate alone, and the rest as certificate_chain"
        )
    chain = _load_certificates(certificate_chain, "certificate_chain") if certificate_chain else []
    if "-----BEGIN" not in (private_key or "") or "PRIVATE KEY-----" not in private_key:
        raise CertificateInputError("private_key is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- block)")
    try:
        key = serialization.load_pem_private_key(private_key.encode("ascii"), password=None)
    except (ValueError, TypeError) as exc:
        # The exception text never contains key material.
        raise CertificateInputError(
            f"private_key cannot be read ({type(exc).__name__}): give an unencrypted PEM key, as ACM requires"
        ) from None
    if _public_key_der(key.public_key()) != _public_key_der(leaf[0].public_key()):
        raise CertificateInputError(
            "private_key does not match certificate: the key's public half differs from the certificate's public key; "
            "give the key the certificate was issued for"
        )
    try:
        not_after = leaf[0].not_valid_after_utc
    except AttributeError:  # cryptography < 42
        not_after = leaf[0].not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return {
        "certificate": _der(leaf[0]),
        "chain": [_der(c) for c in chain],
        "names": certificate_names(leaf[0]),
        "not_after": not_after.isoformat(),
    }


def pem_ders(pem):
    """The DER bytes of every certificate in a PEM text (for comparing what ACM holds)."""
    if not pem:
        return []
    return [_der(c) for c in _load_certificates(pem, "ACM's copy")]


# ---------------------------------------------------------------------------
# Pure: ACM answers -> snake_case state
# ---------------------------------------------------------------------------


def validation_records(domain_validation_options):
    """The DNS records that validate a certificate: de-duplicated and sorted.

    A wildcard and its apex share one record, and so may other names of one zone.
    """
    records = {}
    for option in domain_validation_options or []:
        record = option.get("ResourceRecord")
        if not record:
            continue
        key = (record["Name"].lower(), record["Type"], record["Value"])
        records[key] = {"name": record["Name"].lower(), "type": record["Type"], "value": record["Value"]}
    return [records[k] for k in sorted(records)]


def pending_domains(domain_validation_options):
    """The names whose validation has not succeeded yet."""
    return sorted(
        o["DomainName"] for o in domain_validation_options or [] if o.get("ValidationStatus") != "SUCCESS"
    )


def records_published(certificate):
    """Whether ACM has published a validation record for every name of a DNS-validated request."""
    if certificate.get("Type") != "AMAZON_ISSUED" or certificate.get("Status") != "PENDING_VALIDATION":
        return True
    options = certificate.get("DomainValidationOptions") or []
    return bool(options) and all(o.get("ResourceRecord") for o in options)


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def certificate_domains(certificate):
    """DomainName first, then the other SANs sorted."""
    return requested_domains(certificate.get("DomainName", ""), certificate.get("SubjectAlternativeNames") or [])


def normalise_key_algorithm(value):
    """ACM writes ``RSA-2048`` in descriptions and ``RSA_2048`` in requests: compare one form."""
    return value.replace("-", "_") if value else value


def certificate_state(certificate, tags, superseded_arns=None):
    """The snake_case state of a certificate description, as the modules return and diff it."""
    return {
        "arn": certificate.get("CertificateArn"),
        "name": (tags or {}).get("Name"),
        "type": certificate.get("Type"),
        "status": certificate.get("Status"),
        "domains": certificate_domains(certificate),
        "key_algorithm": normalise_key_algorithm(certificate.get("KeyAlgorithm")),
        "created_at": _iso(certificate.get("CreatedAt") or certificate.get("ImportedAt")),
        "not_before": _iso(certificate.get("NotBefore")),
        "not_after": _iso(certificate.get("NotAfter")),
        "in_use_by": sorted(certificate.get("InUseBy") or []),
        "renewal_eligibility": certificate.get("RenewalEligibility"),
        "failure_reason": certificate.get("FailureReason"),
        "validation_records": validation_records(certificate.get("DomainValidationOptions")),
        "pending_domains": pending_domains(certificate.get("DomainValidationOptions"))
        if certificate.get("Status") == "PENDING_VALIDATION"
        else [],
        "tags": tags or {},
        "superseded_arns": sorted(superseded_arns or []),
    }


def owned_by(tags, name, stack):
    """Whether a certificate's tags make it this task's: the Name tag, and the stack's tag when a stack is given."""
    if (tags or {}).get("Name") != name:
        return False
    return not stack or tags.get(STACK_TAG_KEY) == stack


def share_parent(names_a, names_b):
    """Whether two name lists share a parent domain of two labels or more (a cheap pre-filter)."""

    def parents(names):
        found = set()
        for name in names:
            labels = normalise_domain(name).lstrip("*.").split(".")
            found.update(".".join(labels[i:]) for i in range(len(labels) - 1))
        return found

    return bool(parents(names_a) & parents(names_b))


# ---------------------------------------------------------------------------
# API calls
# ---------------------------------------------------------------------------


def list_certificates(client, statuses=None):
    """Certificate summaries of every key type (ListCertificates omits non-RSA_2048 ones by default)."""
    kwargs = {"Includes": {"keyTypes": KEY_TYPES}}
    if statuses:
        kwargs["CertificateStatuses"] = list(statuses)
    result = paginated_query_with_retries(client, "list_certificates", retry_decorator=aws_retry(), **kwargs)
    return result.get("CertificateSummaryList", [])


def summary_names(summary):
    names = [summary.get("DomainName", "")]
    names += summary.get("SubjectAlternativeNameSummaries") or []
    return names


def describe_certificate(client, arn):
    """The certificate's description, or None when it does not exist."""
    try:
        return client.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def get_tags(client, arn):
    response = client.list_tags_for_certificate(aws_retry=True, CertificateArn=arn)
    return boto3_tag_list_to_ansible_dict(response.get("Tags", []))


def get_certificate_pem(client, arn):
    """``(certificate PEM, chain PEM or None)`` as ACM holds them."""
    response = client.get_certificate(aws_retry=True, CertificateArn=arn)
    return response.get("Certificate"), response.get("CertificateChain")


def find_owned(client, name, stack, near_names=None):
    """Certificates tagged for this task: ``[(summary, tags)]``, oldest first.

    Tags are read only for certificates whose names share a parent domain with
    ``near_names`` (when given), so an account with many certificates costs few calls.
    """
    found = []
    for summary in list_certificates(client):
        if near_names and not share_parent(summary_names(summary), near_names):
            continue
        try:
            tags = get_tags(client, summary["CertificateArn"])
        except is_boto3_error_code("ResourceNotFoundException"):
            continue  # deleted since it was listed
        if owned_by(tags, name, stack):
            found.append((summary, tags))
    return sorted(found, key=lambda item: _iso(item[0].get("CreatedAt")) or "")


def request_certificate(client, domains, key_algorithm, token, tags):
    """Request a DNS-validated certificate; returns its ARN."""
    kwargs = {
        "DomainName": domains[0],
        "ValidationMethod": "DNS",
        "IdempotencyToken": token,
        "Tags": ansible_dict_to_boto3_tag_list(tags),
    }
    if len(domains) > 1:
        kwargs["SubjectAlternativeNames"] = list(domains)
    if key_algorithm:
        kwargs["KeyAlgorithm"] = key_algorithm
    return client.request_certificate(aws_retry=True, **kwargs)["CertificateArn"]


def import_certificate(client, certificate, private_key, certificate_chain, arn=None, tags=None):
    """Import a PEM certificate, new or over ``arn`` (tags only apply to a new import); returns the ARN."""
    kwargs = {"Certificate": certificate.encode("ascii"), "PrivateKey": private_key.encode("ascii")}
    if certificate_chain:
        kwargs["CertificateChain"] = certificate_chain.encode("ascii")
    if arn:
        kwargs["CertificateArn"] = arn
    elif tags:
        kwargs["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return client.import_certificate(aws_retry=True, **kwargs)["CertificateArn"]


def update_tags(client, arn, to_set, to_remove):
    if to_remove:
        client.remove_tags_from_certificate(aws_retry=True, CertificateArn=arn, Tags=[{"Key": k} for k in to_remove])
    if to_set:
        client.add_tags_to_certificate(aws_retry=True, CertificateArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_set))


def delete_certificate(client, arn):
    client.delete_certificate(aws_retry=True, CertificateArn=arn)


def find_certificate_users(elbv2_client, arn):
    """The load balancer listeners that serve the certificate, default or SNI, as readable strings.

    ACM's ``InUseBy`` is not enough: an AWS emulator may not keep it, so the listeners of every Application and
    Network Load Balancer are read, through the ELB reads of ``_elb/api`` (boto3's paginators).
    """
    users = []
    for balancer in describe_load_balancers(elbv2_client):
        if balancer.get("Type") == "gateway":
            continue
        try:
            listeners = describe_listeners(elbv2_client, balancer["LoadBalancerArn"])
        except is_boto3_error_code("LoadBalancerNotFound"):
            continue  # deleted since it was listed
        for listener in listeners:
            if listener.get("Protocol") not in ("HTTPS", "TLS"):
                continue
            where = (
                f"listener {listener['ListenerArn']} ({listener['Protocol']}:{listener['Port']}) "
                f"of load balancer {balancer['LoadBalancerName']}"
            )
            arns = {c.get("CertificateArn") for c in listener.get("Certificates") or []}
            if arn not in arns:
                arns |= {c for c, _is_default in describe_listener_certificates(elbv2_client, listener["ListenerArn"])}
            if arn in arns:
                users.append(where)
    return users


def certificate_users(elbv2_client, certificate):
    """Everything that serves the certificate: load balancer listeners, read from ELB itself, and the
    other resources (CloudFront, API Gateway, ...) that ACM's ``InUseBy`` names.

    ELB entries of ``InUseBy`` are left to the listener scan, which sees the listeners as they are now;
    ACM's list may lag behind a listener that was just changed or deleted.
    """
    others = [arn for arn in certificate.get("InUseBy") or [] if ":elasticloadbalancing:" not in arn]
    return sorted(set(others) | set(find_certificate_users(elbv2_client, certificate["CertificateArn"])))
