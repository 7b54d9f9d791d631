#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: acm_certificate
short_description: Request a DNS-validated ACM certificate, or import one, wait for it, and retire old ones safely
version_added: 0.1.0
description:
  - Requests a public certificate from AWS Certificate Manager (ACM) with DNS validation, for O(domain_name) and
    O(subject_alternative_names), wildcards included. It returns the DNS records that validate it, ready for
    M(webops.https_rollout.route53_record), and with O(wait=true) waits until ACM has issued it.
  - Or imports a certificate you already have, from PEM (O(certificate), O(private_key), O(certificate_chain)).
  - The module finds its certificate by the C(Name) tag O(name), the stack's ownership tag (with O(stack)) and the
    set of names. It never picks a certificate by domain alone.
  - A changed set of names means a new certificate. The old one is returned in RV(superseded_arns), so that the
    listeners can be switched first; O(retire_superseded=true) then deletes it once the new one is issued and the old
    one is no longer in use.
  - Requests carry an idempotency token derived from the stack, the name and the names on the certificate, so a
    retried or interrupted run does not make a second certificate.
  - A second run with the same options makes read calls only and reports no change.
author:
  - webops maintainers (@webops)
options:
  name:
    description:
      - The certificate's C(Name) tag. Together with O(stack) it identifies the certificate.
    type: str
    required: true
  state:
    description:
      - V(present) requests (or imports) the certificate and keeps its tags; V(absent) deletes it.
      - With V(absent), every certificate of this O(name) (and O(stack)) is deleted, or only O(arn) when given.
        Deleting is refused, before anything is deleted, while a load balancer listener still serves one of them.
        In check mode that is a warning, and the delete is predicted.
      - V(absent) when nothing is left to delete (run twice, or after the listeners and load balancers are gone)
        reports no change and makes read calls only.
    type: str
    choices: [present, absent]
    default: present
  arn:
    description:
      - With O(state=absent), delete only this certificate. It must carry the O(name) tag (and the O(stack) tag when
        O(stack) is set). A certificate that no longer exists is no change.
      - In check mode, the placeholder ARN that an earlier check-mode task returned for a certificate it would
        request (C(predicted:certificate:<name>)) is taken with a warning, and its delete predicted.
    type: str
  domain_name:
    description:
      - The certificate's main name, for example V(app.example.com) or V(*.example.com).
      - A wildcard is allowed as the whole leftmost label only, and once.
      - Required to request a certificate. Mutually exclusive with O(certificate).
    type: str
  subject_alternative_names:
    description:
      - More names on the certificate. V(*.example.com) and V(example.com) together cover a zone's apex and its hosts,
        and share one validation record.
      - Order and duplicates do not matter.
    type: list
    elements: str
    aliases: [sans]
    default: []
  allow_more_names:
    description:
      - ACM's default quota is 10 names per certificate. Set this to V(true) once the account's quota was raised
        (up to 100); otherwise more than 10 names are refused before any call to AWS.
    type: bool
    default: false
  key_algorithm:
    description:
      - Key algorithm of a requested certificate. ACM uses V(RSA_2048) when this is not set.
      - A different key algorithm means a new certificate.
    type: str
    choices: [RSA_2048, EC_prime256v1, EC_secp384r1]
  certificate:
    description:
      - A PEM certificate to import instead of requesting one. Give the server certificate alone; intermediates go in
        O(certificate_chain).
      - Re-importing the same certificate reports no change. A different certificate is imported over the existing
        one, so the listeners that use it keep working.
    type: str
  private_key:
    description:
      - The unencrypted PEM private key of O(certificate). It is checked against the certificate before any call to
        AWS, and never logged nor returned.
    type: str
  certificate_chain:
    description:
      - The PEM intermediate certificates of O(certificate), leaf-most first.
      - When it is not given, the chain that ACM holds is not compared, so leaving it out does not re-import.
    type: str
  retire_superseded:
    description:
      - Delete the certificates this one superseded (same O(name) and O(stack), other names), once the current
        certificate is issued. A superseded certificate that a listener still serves is kept, with a warning.
      - In check mode, a listener that still serves a superseded certificate is a warning and its retirement is
        predicted, since an earlier check-mode task may switch that listener to the new certificate. With
        O(wait=true), check mode predicts that the current certificate is issued.
    type: bool
    default: false
  wait:
    description:
      - Wait until ACM has issued the certificate, within O(wait_timeout). The validation records must be in DNS for
        that to happen.
      - A certificate that fails validation fails the task at once, with ACM's reason.
      - Without waiting, the module still waits, within O(wait_timeout), for ACM to publish the validation records
        of a new request, which usually takes seconds.
    type: bool
    default: false
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - webops.https_rollout.predicted
  - webops.https_rollout.stack
  - webops.https_rollout.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - A certificate that would be requested or imported gets the placeholder ARN C(predicted:certificate:<name>),
        which the other modules of the collection accept in check mode. It has no validation records yet.
notes:
  - Certificates for CloudFront must be requested in C(us-east-1); certificates for a load balancer in its region.
  - To check whether a certificate is in use before deleting it, the module reads the listeners of the region's
    load balancers, so deleting needs C(elasticloadbalancing:DescribeLoadBalancers), C(DescribeListeners) and
    C(DescribeListenerCertificates) besides the ACM permissions.
  - Throttling, ACM's C(ThrottlingException) included, is retried with jittered backoff.
seealso:
  - module: webops.https_rollout.acm_certificate_info
  - module: webops.https_rollout.route53_record
  - module: webops.https_rollout.elb_listener
"""

EXAMPLES = r"""
# Request -> DNS records -> wait: the whole DNS validation in three tasks.
- name: Request the certificate
  webops.https_rollout.acm_certificate:
    name: shop
    stack: shop
    domain_name: example.com
    subject_alternative_names:
      - "*.example.com"
  register: cert

- name: Publish the validation records (the wildcard and the apex share one)
  webops.https_rollout.route53_record:
    zone: example.com
    records: "{{ cert.validation_records | map('combine', {'ttl': 300}) | list }}"

- name: Wait until ACM has issued it
  webops.https_rollout.acm_certificate:
    name: shop
    stack: shop
    domain_name: example.com
    subject_alternative_names:
      - "*.example.com"
    wait: true
    wait_timeout: 1800
  register: cert

# Adding a name makes a new certificate: switch the listener, then retire the old one.
- name: Request the certificate with one more name
  webops.https_rollout.acm_certificate:
    name: shop
    stack: shop
    domain_name: example.com
    subject_alternative_names: ["*.example.com", "example.org"]
    wait: true
  register: new_cert

- name: Serve the new certificate
  webops.https_rollout.elb_listener:
    load_balancer: shop
    port: 443
    protocol: HTTPS
    certificate_arn: "{{ new_cert.arn }}"
    default_action:
      forward:
        target_group: shop-web

- name: Delete the superseded certificate now that nothing serves it
  webops.https_rollout.acm_certificate:
    name: shop
    stack: shop
    domain_name: example.com
    subject_alternative_names: ["*.example.com", "example.org"]
    retire_superseded: true

- name: Import a certificate bought elsewhere
  webops.https_rollout.acm_certificate:
    name: legacy
    stack: shop
    certificate: "{{ lookup('ansible.builtin.file', 'legacy.crt') }}"
    private_key: "{{ legacy_key }}"
    certificate_chain: "{{ lookup('ansible.builtin.file', 'legacy-chain.crt') }}"

- name: Delete the stack's certificate (refused while a listener serves it; a no-op once it is gone)
  webops.https_rollout.acm_certificate:
    name: shop
    stack: shop
    state: absent
"""

RETURN = r"""
arn:
  description:
    - ARN of the certificate.
    - In check mode, when it would be requested or imported, the placeholder C(predicted:certificate:<name>).
  returned: when O(state=present)
  type: str
  sample: arn:aws:acm:eu-west-1:123456789012:certificate/0e3b3a7c-2b6f-4d7e-9d55-0b5f6f1b2c3d
name:
  description: The C(Name) tag.
  returned: when O(state=present)
  type: str
type:
  description: C(AMAZON_ISSUED) or C(IMPORTED).
  returned: when O(state=present)
  type: str
status:
  description: ACM's status, such as C(PENDING_VALIDATION) or C(ISSUED).
  returned: when O(state=present)
  type: str
  sample: ISSUED
domains:
  description: The names on the certificate, the main one first.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["example.com", "*.example.com"]
key_algorithm:
  description: The key algorithm, as in O(key_algorithm).
  returned: when O(state=present)
  type: str
created_at:
  description: When the certificate was requested or imported (ISO 8601).
  returned: when O(state=present)
  type: str
not_before:
  description: Start of validity (ISO 8601), once issued.
  returned: when O(state=present)
  type: str
not_after:
  description: End of validity (ISO 8601), once issued.
  returned: when O(state=present)
  type: str
in_use_by:
  description: The AWS resources that ACM reports as using the certificate.
  returned: when O(state=present)
  type: list
  elements: str
renewal_eligibility:
  description: Whether ACM can renew the certificate automatically (C(ELIGIBLE) once it is in use).
  returned: when O(state=present)
  type: str
failure_reason:
  description: Why ACM could not issue the certificate, if it could not.
  returned: when O(state=present)
  type: str
validation_records:
  description:
    - The DNS records that validate the certificate, de-duplicated and sorted by name, ready for
      M(webops.https_rollout.route53_record). Empty for an imported certificate.
  returned: when O(state=present)
  type: list
  elements: dict
  contains:
    name:
      description: Record name.
      type: str
      sample: _3639ac514e785e898d2646601fa951d5.example.com.
    type:
      description: Record type, C(CNAME).
      type: str
    value:
      description: Record value.
      type: str
      sample: _98d2646601fa951d5a2b4e7c1f0e9d3a.acm-validations.aws.
pending_domains:
  description: The names whose validation has not succeeded yet, while the certificate is pending.
  returned: when O(state=present)
  type: list
  elements: str
tags:
  description: The certificate's tags.
  returned: when O(state=present)
  type: dict
superseded_arns:
  description:
    - Certificates of the same O(name) and O(stack) with another set of names, which this one replaces and which
      still exist. Switch the listeners to RV(arn), then retire them with O(retire_superseded=true).
  returned: when O(state=present)
  type: list
  elements: str
retired_arns:
  description: Superseded certificates deleted by this run.
  returned: when O(retire_superseded=true)
  type: list
  elements: str
deleted_arns:
  description: Certificates deleted by this run (or that would be, in check mode).
  returned: when O(state=absent)
  type: list
  elements: str
waited:
  description: Seconds spent waiting and the number of polls.
  returned: when the module waited
  type: dict
  sample: {"seconds": 42.5, "polls": 6}
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import acm
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import build_result
from ansible_collections.webops.https_rollout.plugins.module_utils.common import dependency_problem
from ansible_collections.webops.https_rollout.plugins.module_utils.common import desired_tags
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import wait_for


def wanted_tags(params):
    """The tags to converge to and whether to purge others: the Name tag, the stack's tag and the user's tags."""
    wanted = desired_tags(params["tags"], params["stack"]) or {}
    wanted["Name"] = params["name"]
    return wanted, params["purge_tags"] and params["tags"] is not None


def describe_records(certificate):
    records = acm.validation_records(certificate.get("DomainValidationOptions"))
    return "; ".join(f"{r['name']} {r['type']} {r['value']}" for r in records) or "none published yet"


def wait_until_issued(client, certificate, timeout):
    """Poll until ISSUED; fail at once on a failed status. Returns the description and the wait."""
    arn = certificate["CertificateArn"]

    def poll():
        current = acm.describe_certificate(client, arn)
        if current is None:
            raise WaitFailed(f"certificate {arn} was deleted while waiting for it")
        if current.get("Status") in acm.FAILED_STATUSES:
            raise WaitFailed(
                f"certificate {arn} is {current['Status']}: {current.get('FailureReason') or 'ACM gave no reason'}"
            )
        return current.get("Status") == "ISSUED", current

    def describe(current):
        options = current.get("DomainValidationOptions")
        return (
            f"status {current.get('Status')}; names still pending validation: {', '.join(acm.pending_domains(options))}; "
            f"expected DNS records: {describe_records(current)}"
        )

    if certificate.get("Status") == "ISSUED":
        return certificate, None
    if certificate.get("Status") in acm.FAILED_STATUSES:
        raise WaitFailed(
            f"certificate {arn} is {certificate['Status']}: {certificate.get('FailureReason') or 'ACM gave no reason'}"
        )
    what = f"certificate {arn} ({', '.join(acm.certificate_domains(certificate))}) to be issued"
    current, seconds, polls = wait_for(poll, what, timeout, delay=5, max_delay=30, describe=describe)
    return current, {"seconds": seconds, "polls": polls}


def wait_for_records(client, arn, timeout):
    """A new request's description once ACM has published its validation records."""

    def poll():
        current = acm.describe_certificate(client, arn)
        return current is not None and acm.records_published(current), current

    current, _seconds, _polls = wait_for(
        poll, f"ACM to publish the validation records of {arn}", timeout, delay=1, max_delay=5, describe=lambda c: "not yet"
    )
    return current


def read_owned(client, params, near_names):
    """``[(description, tags)]`` of this task's certificates, oldest first."""
    owned = []
    for summary, tags in acm.find_owned(client, params["name"], params["stack"], near_names):
        certificate = acm.describe_certificate(client, summary["CertificateArn"])
        if certificate is not None:
            owned.append((certificate, tags))
    return owned


def pick_current(owned, domains, key_algorithm):
    """The live certificate with exactly these names (newest issued first), and the rest."""
    matching = [
        (c, t)
        for c, t in owned
        if c.get("Type") == "AMAZON_ISSUED"
        and sorted(acm.certificate_domains(c)) == sorted(domains)
        and c.get("Status") in acm.LIVE_STATUSES + ("FAILED", "VALIDATION_TIMED_OUT")
        and (not key_algorithm or acm.normalise_key_algorithm(c.get("KeyAlgorithm")) == key_algorithm)
    ]
    matching.sort(key=lambda item: (item[0].get("Status") == "ISSUED", str(item[0].get("CreatedAt"))))
    current = matching[-1] if matching else None
    rest = [(c, t) for c, t in owned if current is None or c["CertificateArn"] != current[0]["CertificateArn"]]
    return current, rest


def converge_tags(client, certificate, tags, params, check_mode):
    """Apply tag changes to an existing certificate. Returns ``(changed, tags after)``."""
    wanted, purge = wanted_tags(params)
    to_set, to_remove = tag_changes(tags, wanted, purge)
    if (to_set or to_remove) and not check_mode:
        acm.update_tags(client, certificate["CertificateArn"], to_set, to_remove)
    return bool(to_set or to_remove), apply_tag_changes(tags, to_set, to_remove)


def retire(client, elbv2_client, superseded, check_mode, warn):
    """Delete superseded certificates that nothing serves. Returns ``(retired, kept)`` ARNs.

    A real run keeps a certificate that is still in use, with a warning. Check mode warns and predicts its
    retirement, since an earlier check-mode task may switch its listeners to the new certificate.
    """
    retired, kept = [], []
    for certificate, _tags in superseded:
        arn = certificate["CertificateArn"]
        users = acm.certificate_users(elbv2_client, certificate)
        if users:
            problem = f"retire_superseded: superseded certificate {arn} is still in use by {'; '.join(users)}"
            if not check_mode:
                warn(f"{problem}; kept it. Point those listeners at the current certificate, then run again.")
                kept.append(arn)
                continue
            dependency_problem(problem, check_mode, warn)
        if not check_mode:
            acm.delete_certificate(client, arn)
        retired.append(arn)
    return retired, kept


def ensure_requested(client, params, owned, check_mode):
    """Request mode. Returns ``(changed, before, current description or None, tags, superseded)``."""
    domains = acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
    current, superseded = pick_current(owned, domains, params["key_algorithm"])
    if current is not None:
        certificate, tags = current
        changed, tags = converge_tags(client, certificate, tags, params, check_mode)
        before = acm.certificate_state(certificate, current[1], [c["CertificateArn"] for c, _t in superseded])
        return changed, before, certificate, tags, superseded

    tags, _purge = wanted_tags(params)
    if check_mode:
        return True, {}, None, tags, superseded
    token = acm.idempotency_token(params["stack"], params["name"], domains, params["key_algorithm"])
    arn = acm.request_certificate(client, domains, params["key_algorithm"], token, tags)
    certificate = wait_for_records(client, arn, params["wait_timeout"])
    return True, {}, certificate, tags, superseded


def ensure_imported(client, params, owned, parsed, check_mode):
    """Import mode. Returns ``(changed, before, current description or None, tags, superseded)``."""
    imported = [(c, t) for c, t in owned if c.get("Type") == "IMPORTED"]
    current = imported[-1] if imported else None
    superseded = [(c, t) for c, t in owned if current is None or c["CertificateArn"] != current[0]["CertificateArn"]]
    if current is None:
        tags, _purge = wanted_tags(params)
        if check_mode:
            return True, {}, None, tags, superseded
        arn = acm.import_certificate(
            client, params["certificate"], params["private_key"], params["certificate_chain"], tags=tags
        )
        return True, {}, acm.describe_certificate(client, arn), tags, superseded

    certificate, tags = current
    before = acm.certificate_state(certificate, tags, [c["CertificateArn"] for c, _t in superseded])
    body, chain = acm.get_certificate_pem(client, certificate["CertificateArn"])
    # Without certificate_chain the chain is not compared: some ACM implementations answer with a chain of their own.
    same = acm.pem_ders(body) == [parsed["certificate"]] and (
        not params["certificate_chain"] or acm.pem_ders(chain) == parsed["chain"]
    )
    changed = not same
    if changed and not check_mode:
        acm.import_certificate(
            client, params["certificate"], params["private_key"], params["certificate_chain"], arn=certificate["CertificateArn"]
        )
        certificate = acm.describe_certificate(client, certificate["CertificateArn"])
        # AWS keeps the tags over a re-import, but not every implementation of ACM does: read them again.
        tags = acm.get_tags(client, certificate["CertificateArn"])
    tags_changed, tags = converge_tags(client, certificate, tags, params, check_mode)
    return changed or tags_changed, before, certificate, tags, superseded


def predicted_state(params, parsed, tags, superseded):
    """The state of a certificate that check mode would request or import."""
    if parsed:
        domains, kind, status, not_after = parsed["names"], "IMPORTED", "ISSUED", parsed["not_after"]
    else:
        domains = acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
        kind, status, not_after = "AMAZON_ISSUED", "PENDING_VALIDATION", None
    return {
        # AWS gives the ARN on request or import: later check-mode tasks take this placeholder for it.
        "arn": predicted_ref("certificate", params["name"]),
        "name": params["name"],
        "type": kind,
        "status": status,
        "domains": domains,
        "key_algorithm": params["key_algorithm"],
        "created_at": None,
        "not_before": None,
        "not_after": not_after,
        "in_use_by": [],
        "renewal_eligibility": None,
        "failure_reason": None,
        "validation_records": [],
        "pending_domains": domains if not parsed else [],
        "tags": tags,
        "superseded_arns": sorted(c["CertificateArn"] for c, _t in superseded),
    }


def ensure_present(client, elbv2_client, params, parsed, check_mode, warn):
    """Request or import, converge tags, wait, retire.

    Returns ``(changed, state)``: ``state`` holds ``before`` and ``after`` (the certificate's snake_case state),
    ``retired_arns`` with ``retire_superseded`` and ``waited`` when the module waited.
    """
    near = parsed["names"] if parsed else acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
    owned = read_owned(client, params, near)
    if parsed:
        changed, before, certificate, tags, superseded = ensure_imported(client, params, owned, parsed, check_mode)
    else:
        changed, before, certificate, tags, superseded = ensure_requested(client, params, owned, check_mode)

    state = {"before": before}
    if certificate is not None and params["wait"] and not check_mode:
        certificate, waited = wait_until_issued(client, certificate, params["wait_timeout"])
        if waited:
            state["waited"] = waited

    if params["retire_superseded"]:
        retired = []
        if certificate is not None:
            status = certificate.get("Status")
        else:  # check mode: a certificate that would be imported is issued at once, a request is pending
            status = "ISSUED" if parsed else "PENDING_VALIDATION"
        # With wait=true, a real run waits for ISSUED first: check mode predicts that it gets there.
        issued = status == "ISSUED" or (check_mode and params["wait"] and status not in acm.FAILED_STATUSES)
        if superseded and issued:
            retired, _kept = retire(client, elbv2_client(), superseded, check_mode, warn)
        elif superseded:
            warn("superseded certificates are kept until the current certificate is issued: run again with wait=true")
        superseded = [(c, t) for c, t in superseded if c["CertificateArn"] not in retired]
        state["retired_arns"] = retired
        changed = changed or bool(retired)

    superseded_arns = [c["CertificateArn"] for c, _t in superseded]
    if certificate is None:
        state["after"] = predicted_state(params, parsed, tags, superseded)
    else:
        state["after"] = acm.certificate_state(certificate, tags, superseded_arns)
    return changed, state


def ensure_absent(client, elbv2_client, params, check_mode, warn):
    """Delete this task's certificates (or only ``arn``), none while any is in use.

    Returns ``(changed, state)``: ``state`` holds ``before`` (the newest certificate deleted), ``after`` ({}) and
    ``deleted_arns``.

    Nothing to delete is no change, with read calls only. A certificate still in use refuses the delete in a real
    run; in check mode it is a warning and the delete is predicted.
    """
    if params["arn"] and is_predicted(params["arn"]):
        # Check mode only (a real run refused it before): an earlier check-mode task would request it, this one
        # would delete it. Nothing of it is in AWS to read.
        missing_reference("arn", f"certificate {params['arn']}", check_mode, warn)
        return True, {"before": {}, "after": {}, "deleted_arns": [params["arn"]]}
    if params["arn"]:
        certificate = acm.describe_certificate(client, params["arn"])
        if certificate is None:
            return False, {"before": {}, "after": {}, "deleted_arns": []}
        tags = acm.get_tags(client, params["arn"])
        if not acm.owned_by(tags, params["name"], params["stack"]):
            raise RolloutError(
                f"arn: certificate {params['arn']} does not carry the tags Name={params['name']}"
                + (f" and https-rollout:stack={params['stack']}" if params["stack"] else "")
                + "; refusing to delete a certificate this task does not own"
            )
        targets = [(certificate, tags)]
    else:
        near = None
        if params["domain_name"]:
            near = acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
        targets = read_owned(client, params, near)
    if not targets:
        return False, {"before": {}, "after": {}, "deleted_arns": []}

    client_elb = elbv2_client()
    problems = []
    for certificate, _tags in targets:
        users = acm.certificate_users(client_elb, certificate)
        if users:
            problems.append(f"{certificate['CertificateArn']} is in use by {'; '.join(users)}")
    if problems:
        dependency_problem(
            "state=absent: refusing to delete certificates still in use: " + " | ".join(problems)
            + ". Point those listeners at another certificate (or delete them) first; nothing was deleted.",
            check_mode,
            warn,
        )
    deleted = []
    for certificate, _tags in targets:
        if not check_mode:
            acm.delete_certificate(client, certificate["CertificateArn"])
        deleted.append(certificate["CertificateArn"])
    newest = targets[-1]
    before = acm.certificate_state(newest[0], newest[1], [c["CertificateArn"] for c, _t in targets[:-1]])
    return True, {"before": before, "after": {}, "deleted_arns": deleted}


def validate(params):
    """Problems found before any call to AWS. Returns ``(problem, parsed import or None)``."""
    if params["state"] == "absent":
        if params["domain_name"]:
            problem = acm.validate_request(params["domain_name"], params["subject_alternative_names"], True)
            if problem:
                return problem, None
        return None, None
    if params["arn"]:
        return "arn only applies to state=absent: with state=present the certificate is found by name and names", None
    if params["certificate"]:
        for option in ("subject_alternative_names", "key_algorithm"):
            if params[option]:
                return f"{option} applies to a requested certificate, not to an import (certificate is set): remove it", None
        try:
            return None, acm.parse_import(params["certificate"], params["private_key"], params["certificate_chain"])
        except acm.CertificateInputError as exc:
            return str(exc), None
    if not params["domain_name"]:
        return "state=present needs domain_name (to request a certificate) or certificate and private_key (to import one)", None
    return acm.validate_request(params["domain_name"], params["subject_alternative_names"], params["allow_more_names"]), None


def run(module):
    params = module.params
    problem, parsed = validate(params)
    if not problem and params["arn"]:
        problem = predicted_refs_error("arn", params["arn"], module.check_mode)
    if problem:
        raise RolloutError(problem)

    client = module.client("acm", retry_decorator=aws_retry())
    elb_clients = []

    def elbv2_client():
        if not elb_clients:
            elb_clients.append(module.client("elbv2", retry_decorator=aws_retry()))
        return elb_clients[0]

    if params["state"] == "absent":
        changed, state = ensure_absent(client, elbv2_client, params, module.check_mode, module.warn)
    else:
        changed, state = ensure_present(client, elbv2_client, params, parsed, module.check_mode, module.warn)
    return build_result(changed, state.pop("before"), state.pop("after"), module._diff, **state)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        arn=dict(type="str"),
        domain_name=dict(type="str"),
        subject_alternative_names=dict(type="list", elements="str", aliases=["sans"], default=[]),
        allow_more_names=dict(type="bool", default=False),
        key_algorithm=dict(type="str", choices=["RSA_2048", "EC_prime256v1", "EC_secp384r1"]),
        certificate=dict(type="str"),
        private_key=dict(type="str", no_log=True),
        certificate_chain=dict(type="str"),
        retire_superseded=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
        **ownership_argument_spec(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["domain_name", "certificate"]],
        required_together=[["certificate", "private_key"]],
    )
    try:
        result = run(module)
    except (RolloutError, WaitTimeout, WaitFailed) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg=f"Failed to manage certificate {module.params['name']!r}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
