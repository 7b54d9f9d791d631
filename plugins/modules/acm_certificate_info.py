#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: acm_certificate_info
short_description: Find ACM certificates by ARN, by the host name they cover, by status or by tags
version_added: 0.1.0
description:
  - Returns ACM certificates in the shape that M(webops.https_rollout.acm_certificate) returns.
  - O(domain_name) is wildcard-aware. V(app.example.com) finds a certificate for V(*.example.com) too, because it covers
    that host.
  - All filters given must match.
author:
  - webops maintainers (@webops)
options:
  arn:
    description:
      - Only this certificate. A certificate that does not exist gives an empty list.
      - In check mode, the placeholder ARN of a certificate that an earlier check-mode task would request
        (C(predicted:certificate:<name>)) gives an empty list too, with a warning, and is never sent to AWS.
        A real run refuses it.
    type: str
  domain_name:
    description:
      - Only certificates with a name that equals or covers this host name. A wildcard covers one label.
    type: str
  statuses:
    description:
      - Only certificates in one of these statuses.
    type: list
    elements: str
    choices: [PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED, VALIDATION_TIMED_OUT, REVOKED, FAILED]
  tags:
    description:
      - Only certificates that carry all of these tags, with these values.
    type: dict
  name:
    description:
      - "Only certificates whose C(Name) tag is this, a shortcut for O(tags) C({Name: ...})."
    type: str
extends_documentation_fragment:
  - webops.https_rollout._attributes.info_module
  - webops.https_rollout.predicted
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: webops.https_rollout.acm_certificate
"""

EXAMPLES = r"""
- name: Which issued certificates cover app.example.com?
  webops.https_rollout.acm_certificate_info:
    domain_name: app.example.com
    statuses: [ISSUED]
  register: covering

- name: Certificates of the shop stack
  webops.https_rollout.acm_certificate_info:
    tags:
      "https-rollout:stack": shop
  register: shop_certs

- name: Certificates that expire within 30 days
  ansible.builtin.debug:
    msg: "{{ shop_certs.certificates | selectattr('not_after', 'lt', (now(utc=true) + timedelta(days=30)).isoformat()) | list }}"
"""

RETURN = r"""
certificates:
  description:
    - The certificates found, oldest first, each in the shape that M(webops.https_rollout.acm_certificate) returns
      (C(arn), C(status), C(domains), C(not_after), C(in_use_by), C(renewal_eligibility), C(validation_records), ...).
  returned: always
  type: list
  elements: dict
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import acm
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error


def matches_domain(names, domain_name):
    return any(acm.covers(name, domain_name) or acm.normalise_domain(name) == acm.normalise_domain(domain_name) for name in names)


def find_certificates(client, arn, domain_name, statuses, wanted_tags):
    """The snake_case states of the certificates that pass every filter, oldest first."""
    if arn:
        summaries = [{"CertificateArn": arn}]
    else:
        summaries = acm.list_certificates(client, statuses)
    found = []
    for summary in summaries:
        # ListCertificates gives a short list of names: skip what surely does not match before describing.
        # (Only when the summary lists the alternative names, and all of them.)
        complete = "SubjectAlternativeNameSummaries" in summary and not summary.get("HasAdditionalSubjectAlternativeNames")
        if domain_name and complete:
            if not matches_domain(acm.summary_names(summary), domain_name):
                continue
        certificate = acm.describe_certificate(client, summary["CertificateArn"])
        if certificate is None:
            continue
        if statuses and certificate.get("Status") not in statuses:
            continue
        if domain_name and not matches_domain(acm.certificate_domains(certificate), domain_name):
            continue
        tags = acm.get_tags(client, certificate["CertificateArn"])
        if any(tags.get(k) != str(v) for k, v in wanted_tags.items()):
            continue
        found.append(acm.certificate_state(certificate, tags))
    return sorted(found, key=lambda s: (s["created_at"] or "", s["arn"]))


def run(module):
    params = module.params
    wanted = dict(params["tags"] or {})
    if params["name"]:
        wanted["Name"] = params["name"]
    if params["arn"]:
        problem = predicted_refs_error("arn", params["arn"], module.check_mode)
        if problem:
            raise RolloutError(problem)
        if is_predicted(params["arn"]):
            # Check mode: the certificate is only predicted, so there is nothing to find, and nothing to ask AWS.
            missing_reference("arn", f"certificate {params['arn']}", module.check_mode, module.warn)
            return {"changed": False, "certificates": []}
    client = module.client("acm", retry_decorator=aws_retry())
    certificates = find_certificates(client, params["arn"], params["domain_name"], params["statuses"], wanted)
    return {"changed": False, "certificates": certificates}


def main():
    argument_spec = dict(
        arn=dict(type="str"),
        domain_name=dict(type="str"),
        statuses=dict(
            type="list",
            elements="str",
            choices=["PENDING_VALIDATION", "ISSUED", "INACTIVE", "EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED", "FAILED"],
        ),
        tags=dict(type="dict"),
        name=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg="Failed to look up certificates")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
