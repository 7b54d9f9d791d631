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
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import build_result
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error


def run(module):
    params = module.params
    problem, parsed = acm.validate_certificate(params)
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
        targets = acm.certificates_to_delete(client, params)
        before = acm.deleted_before(targets)
        changed, state = acm.ensure_certificate_absent(client, elbv2_client, params, targets, module.check_mode, module.warn)
    else:
        current, superseded = acm.current_certificate(acm.read_owned_certificates(client, params, parsed), params, parsed)
        before = acm.certificate_before(current, superseded)
        changed, state = acm.ensure_certificate_present(
            client, elbv2_client, params, parsed, current, superseded, module.check_mode, module.warn
        )
    extras = {key: state.pop(key) for key in acm.EXTRA_KEYS if key in state}
    return build_result(changed, before, state, module._diff, **extras)


def main():
    argument_spec = dict(**acm.certificate_argument_spec(), **ownership_argument_spec())
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
