#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: route53_record
short_description: Manage many Route 53 records in one task, aliases to load balancers included
version_added: 0.1.0
description:
  - Creates, updates and deletes Route 53 record sets. One task takes a list of records, which may lie in
    several hosted zones, and sends all their changes in as few ChangeResourceRecordSets calls as AWS allows
    (one per zone unless a request would pass 1000 records or 32000 characters of values).
  - A record has O(records[].values) and a TTL, or O(records[].alias). An alias can point at a load balancer
    given by name or ARN; its DNS name and canonical hosted zone ID are looked up.
  - The hosted zone is O(zone), or for each record the most specific public (or, with O(private_zone=true),
    private) hosted zone that contains its name.
  - Names and values are compared normalised, so a record AWS already holds in another spelling is not changed
    again. Names are compared without case and trailing dot; alias targets also without the C(dualstack.)
    prefix; CNAME, NS, PTR, MX and SRV host names without case and trailing dot; TXT and SPF values as their
    quoted strings; IPv6 addresses in their short form; the values of a record as a set.
  - Only the names in O(records) are read, never the whole zone. A second run with the same records makes
    read calls only and reports no change.
  - Records are simple records (no routing policy). Names that carry weighted, latency or other routing records
    are refused, not changed.
author:
  - webops maintainers (@webops)
options:
  records:
    description:
      - The records to manage. Each name and type may appear once.
      - An empty list is accepted and changes nothing (no AWS call is made), for example the
        C(validation_records) that M(webops.https_rollout.acm_certificate) returns in check mode for a certificate
        it would request.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Fully qualified name of the record, for example V(www.example.com). A trailing dot and upper case
            are allowed; names are stored in lower case. V(*) is allowed as the leftmost label.
        type: str
        required: true
      type:
        description:
          - Record type.
        type: str
        required: true
        choices: [A, AAAA, CAA, CNAME, DS, MX, NAPTR, NS, PTR, SPF, SRV, TXT]
      ttl:
        description:
          - Seconds resolvers may cache the record. Not allowed on an alias, which takes its target's TTL.
          - When left out, an existing record keeps its TTL and a new one gets 300.
        type: int
      values:
        description:
          - The record's values. Required with O(state=present) unless O(records[].alias) is given.
          - A and AAAA values must be IP addresses of their family; a CNAME has exactly one value.
          - A TXT or SPF value may be given plain (it is quoted, and cut into strings of 255 characters) or
            already quoted as Route 53 shows it (V("v=spf1 -all")).
          - With O(state=absent), values make the delete conditional. The record is deleted only when it holds
            exactly these values.
        type: list
        elements: str
      value:
        description:
          - One value, short for O(records[].values) with a single item. This lets the C(validation_records)
            returned by M(webops.https_rollout.acm_certificate) (items of C(name), C(type) and C(value)) be given
            as O(records) unchanged.
        type: str
      alias:
        description:
          - Make the record an alias (types A, AAAA and CNAME). Give O(records[].alias.load_balancer), or
            O(records[].alias.dns_name) with O(records[].alias.hosted_zone_id).
        type: dict
        suboptions:
          load_balancer:
            description:
              - Name or ARN of an Elastic Load Balancing v2 load balancer (type A or AAAA only).
              - Its DNS name and canonical hosted zone ID are looked up. An Application Load Balancer is
                targeted as C(dualstack.<dns name>), as AWS stores it.
              - In check mode, a load balancer that does not exist yet (a name or ARN that is not found, or the
                placeholder C(predicted:load-balancer:<name>) that M(webops.https_rollout.elb_load_balancer)
                returns in check mode) is a warning, not an error. The record is predicted with the alias target
                C(dns_name=predicted:load-balancer:<name>) and C(hosted_zone_id=null), since AWS assigns both when
                it creates the load balancer. A real run refuses a load balancer that does not exist, and a
                placeholder, naming O(records[].alias.load_balancer).
              - With O(state=absent), a load balancer that no longer exists is no error. When the zone holds no
                record of that name and type there is nothing to do. When it holds one, that record cannot be
                compared with the load balancer, so it is left in place with a warning naming it (deletes touch
                only records that match). To delete it whatever it points at, give the record by name and type
                only.
            type: str
          dns_name:
            description:
              - DNS name of the alias target, for example a CloudFront distribution or another record of the zone.
              - In check mode, a placeholder C(predicted:<kind>:<name>) (the C(dns_name) of a load balancer that
                M(webops.https_rollout.elb_load_balancer) only predicts) is accepted with a warning, with or
                without O(records[].alias.hosted_zone_id), and kept as it is in the predicted record. A real run
                refuses it.
            type: str
          hosted_zone_id:
            description:
              - Hosted zone ID of the alias target. Required with O(records[].alias.dns_name), unless that is a
                check-mode placeholder.
            type: str
          evaluate_target_health:
            description:
              - Whether Route 53 answers with this record only while the target is healthy.
            type: bool
            default: false
  zone:
    description:
      - Hosted zone of every record, as an ID (V(Z0123456789ABCDEFGHIJ)) or a name (V(example.com)).
      - When left out, each record goes into the most specific hosted zone containing its name, so
        V(www.sub.example.com) goes into V(sub.example.com) rather than V(example.com) when both exist.
    type: str
  private_zone:
    description:
      - Whether the zone is a private hosted zone. It selects between a public and a private zone of the same name.
    type: bool
    default: false
  vpc_id:
    description:
      - With O(private_zone=true), use only the private zones associated with this VPC (of the module's region).
    type: str
  state:
    description:
      - V(present) creates or updates the records, V(absent) deletes them.
      - With V(absent), a record that no longer exists is left alone. A record that differs from what the task
        gives (values, alias target or TTL) is not deleted, and the task fails naming it.
      - With V(absent), an alias whose target no longer exists (see O(records[].alias.load_balancer)) is no error.
        A record that is gone needs nothing, and a record AWS still holds is left in place with a warning.
    type: str
    choices: [present, absent]
    default: present
  overwrite:
    description:
      - Whether existing records that differ from O(records) are updated.
      - With V(false) the task fails before any change, naming the records that differ. Records that do not exist
        yet are still created.
    type: bool
    default: true
  wait:
    description:
      - Wait until Route 53 reports every change INSYNC (served by all its name servers), within O(wait_timeout).
      - Without waiting, the change IDs are returned in RV(change_ids).
    type: bool
    default: false
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - webops.https_rollout.wait
  - webops.https_rollout.predicted
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details: Check mode makes read calls only and returns the records as they would be.
  diff_mode:
    details: The diff lists, record by record, the records before and after the change.
notes:
  - The module runs on the controller and talks to AWS through boto3. Throttling and C(PriorRequestNotComplete)
    are retried with jittered backoff.
  - Creates and updates are sent as C(UPSERT), deletes with the exact record AWS holds.
  - Route 53 records carry no tags, so the O(records) list itself says what the task owns. Nothing else in the
    zone is read or changed.
seealso:
  - module: webops.https_rollout.acm_certificate
  - module: webops.https_rollout.https_check
  - module: amazon.aws.route53_zone
"""

EXAMPLES = r"""
- name: Request the certificate, validated through DNS
  webops.https_rollout.acm_certificate:
    name: shop
    stack: shop
    domain_name: shop.example.com
    subject_alternative_names: ["*.shop.example.com"]
  register: cert

- name: Put every validation CNAME into the zone, in one change ({name, type, value} items fit records as they are)
  webops.https_rollout.route53_record:
    zone: example.com
    records: "{{ cert.validation_records }}"

- name: Wait for the certificate to be issued
  webops.https_rollout.acm_certificate:
    name: shop
    stack: shop
    domain_name: shop.example.com
    subject_alternative_names: ["*.shop.example.com"]
    wait: true
  register: cert

- name: The load balancer (in check mode its arn is the placeholder predicted:load-balancer:shop-alb)
  webops.https_rollout.elb_load_balancer:
    name: shop-alb
    type: application
    subnets: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
    security_groups: [sg-0123456789abcdef0]
    ip_address_type: dualstack
  register: alb

- name: Point the domain at the load balancer, IPv4 and IPv6, and wait until Route 53 serves it
  webops.https_rollout.route53_record:
    zone: example.com
    records:
      - name: shop.example.com
        type: A
        alias:
          load_balancer: "{{ alb.arn }}"
          evaluate_target_health: true
      - name: shop.example.com
        type: AAAA
        alias:
          load_balancer: "{{ alb.arn }}"
          evaluate_target_health: true
    wait: true
    wait_timeout: 300

- name: Prove that http:// lands on https:// with a certificate for the name (retrying while the rollout settles)
  webops.https_rollout.https_check:
    url: http://shop.example.com/healthz
    require_hsts: true
    min_tls_version: TLSv1.2
    retries: 30
    delay: 10

- name: A private zone of the same name, for one VPC
  webops.https_rollout.route53_record:
    zone: example.com
    private_zone: true
    vpc_id: vpc-0123456789abcdef0
    records:
      - name: db.example.com
        type: CNAME
        ttl: 60
        values: [shop-db.cluster-abc.eu-west-1.rds.amazonaws.com]

- name: Mail and SPF, leaving records that differ alone
  webops.https_rollout.route53_record:
    overwrite: false
    records:
      - {name: example.com, type: MX, ttl: 3600, values: ["10 mail1.example.com", "20 mail2.example.com"]}
      - {name: example.com, type: TXT, ttl: 3600, values: ["v=spf1 include:_spf.example.com -all"]}

- name: Remove the alias records (only if they still point at this load balancer; once it is gone, a no-op)
  webops.https_rollout.route53_record:
    state: absent
    records:
      - {name: shop.example.com, type: A, alias: {load_balancer: shop-alb}}
      - {name: shop.example.com, type: AAAA, alias: {load_balancer: shop-alb}}

- name: Remove the alias records whatever they point at (the load balancer may be gone already)
  webops.https_rollout.route53_record:
    state: absent
    records:
      - {name: shop.example.com, type: A}
      - {name: shop.example.com, type: AAAA}
"""

RETURN = r"""
records:
  description:
    - The records of the task as they are after the run (in check mode, as they would be), in the order given.
      Records that do not exist are left out, so with O(state=absent) the list is empty.
    - Names and values are normalised as described above.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name, in lower case without the trailing dot.
      type: str
      sample: shop.example.com
    type:
      description: Record type.
      type: str
      sample: A
    ttl:
      description: TTL in seconds; None for an alias.
      type: int
    values:
      description: Sorted values; empty for an alias.
      type: list
      elements: str
    alias:
      description: The alias target, or None.
      type: dict
      contains:
        dns_name:
          description:
            - DNS name of the target, without the C(dualstack.) prefix.
            - In check mode, for a load balancer that does not exist yet, the placeholder
              C(predicted:load-balancer:<name>).
          type: str
        hosted_zone_id:
          description:
            - Hosted zone ID of the target.
            - In check mode, None for a load balancer that does not exist yet (AWS assigns it on creation).
          type: str
        evaluate_target_health:
          description: Whether target health is evaluated.
          type: bool
    zone_id:
      description: ID of the hosted zone holding the record.
      type: str
    zone_name:
      description: Name of that zone.
      type: str
    private_zone:
      description: Whether that zone is private.
      type: bool
changes:
  description: The changes made (in check mode, those that would be made), in the order sent.
  returned: always
  type: list
  elements: dict
  contains:
    action:
      description: C(create), C(update) or C(delete).
      type: str
    name:
      description: Record name.
      type: str
    type:
      description: Record type.
      type: str
    zone_id:
      description: Hosted zone ID.
      type: str
  sample: [{"action": "create", "name": "shop.example.com", "type": "A", "zone_id": "Z0123456789ABCDEFGHIJ"}]
batches:
  description: How many ChangeResourceRecordSets requests carried the changes (in check mode, would carry them).
  returned: always
  type: int
  sample: 1
change_ids:
  description: IDs of the submitted changes, to follow with Route 53's GetChange. Empty in check mode.
  returned: always
  type: list
  elements: str
  sample: ["C0123456789ABCDEFGHIJ"]
change_status:
  description: C(INSYNC) when every change is in sync (always after O(wait=true)), else C(PENDING); None when nothing changed.
  returned: always
  type: str
waited:
  description: How long the module waited for INSYNC, in seconds, and how many polls it made.
  returned: when O(wait=true) and changes were made
  type: dict
  sample: {"seconds": 42.0, "polls": 4}
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import route53
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import build_result


def ensure_present(client, params, check_mode, region, elbv2_client, warn):
    """Create or update the records (UPSERT); records that already match are left alone. ``(changed, state)``."""
    return route53.ensure_records(client, params, check_mode, region, elbv2_client, warn)


def ensure_absent(client, params, check_mode, region, elbv2_client, warn):
    """Delete the records that match what the task gives (DELETE with the record AWS holds). ``(changed, state)``."""
    return route53.ensure_records(client, params, check_mode, region, elbv2_client, warn)


def run(module):
    params = module.params
    route53.merge_value(params["records"])
    # No records: nothing to do and nothing to read (the validation records of a certificate that acm_certificate
    # only predicts in check mode, say), so no client either.
    client = module.client("route53", retry_decorator=aws_retry()) if params["records"] else None
    ensure = ensure_present if params["state"] == "present" else ensure_absent
    changed, state = ensure(
        client, params, module.check_mode, module.region,
        lambda: module.client("elbv2", retry_decorator=aws_retry()), module.warn,
    )
    return build_result(changed, state.pop("before"), state.pop("after"), module._diff, **state)


def main():
    argument_spec = dict(
        records=dict(
            type="list",
            elements="dict",
            required=True,
            mutually_exclusive=[["values", "value"]],
            options=dict(
                name=dict(type="str", required=True),
                type=dict(type="str", required=True, choices=list(route53.RECORD_TYPES)),
                ttl=dict(type="int"),
                values=dict(type="list", elements="str"),
                value=dict(type="str"),
                alias=dict(
                    type="dict",
                    options=dict(
                        load_balancer=dict(type="str"),
                        dns_name=dict(type="str"),
                        hosted_zone_id=dict(type="str"),
                        evaluate_target_health=dict(type="bool", default=False),
                    ),
                ),
            ),
        ),
        zone=dict(type="str"),
        private_zone=dict(type="bool", default=False),
        vpc_id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        overwrite=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except (RolloutError, WaitTimeout) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg="Failed to manage Route 53 records")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
