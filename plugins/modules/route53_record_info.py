#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: route53_record_info
short_description: Look up Route 53 records by name and type, or the records of a rollout stack
version_added: 0.2.0
description:
  - Returns Route 53 record sets in the same snake_case shape as M(webops.https_rollout.route53_record), with
    names and values normalised the same way.
  - B(By name.) Give O(name), and optionally O(type). The records at exactly that name are read from one hosted
    zone, O(zone) or the most specific public (or, with O(private_zone=true), private) zone that contains the name.
    The rest of the zone is not read.
  - B(By stack.) Give O(stack). Route 53 records carry no tags, so a record belongs to a stack through what it
    points at. The stack's records are the alias records (A, AAAA or CNAME) whose target is the DNS name of a load
    balancer of the region tagged C(https-rollout:stack=<stack>), with or without the C(dualstack.) prefix. With
    O(include_validation_records=true) they also include the DNS validation CNAMEs of the ACM certificates tagged
    for the stack, when the zone holds exactly the value ACM asks for.
  - In stack mode the hosted zones are read in full, so give O(zone) to read one zone rather than every zone of the
    account. When the stack owns no load balancer (and, with O(include_validation_records=true), no certificate),
    Route 53 is not read at all.
  - Nothing found is not an error. A name without a hosted zone, a zone that does not exist, or a stack that owns
    nothing gives an empty list.
  - The module only reads.
author:
  - webops maintainers (@webops)
options:
  name:
    description:
      - Fully qualified name of the records, for example V(www.example.com). A trailing dot and upper case are
        allowed. V(*) is allowed as the leftmost label.
      - Exactly one of O(name) and O(stack) is required.
    type: str
  type:
    description:
      - Only the record of this type at O(name). All types by default.
    type: str
    choices: [A, AAAA, CAA, CNAME, DS, MX, NAPTR, NS, PTR, SPF, SRV, TXT]
  stack:
    description:
      - Name of the rollout stack whose records to find, as described above.
    type: str
  include_validation_records:
    description:
      - With O(stack), also return the DNS validation CNAMEs of the stack's ACM certificates.
      - Off by default because the validation record of a name is the same for every certificate of the account
        that covers that name. A validation record may then serve another stack's certificate too, so think twice
        before deleting what this option finds.
      - Finding the certificates costs one ListCertificates call per page, one ListTagsForCertificate call per
        certificate and one DescribeCertificate call per certificate of the stack.
    type: bool
    default: false
  zone:
    description:
      - The hosted zone to read, as an ID (V(Z0123456789ABCDEFGHIJ)) or a name (V(example.com)).
      - With O(name), the default is the most specific hosted zone that contains the name.
      - With O(stack), the default is every hosted zone of the account, public and private.
    type: str
  private_zone:
    description:
      - Pick a private hosted zone rather than a public one when a zone is chosen by name, that is with O(name) and
        no O(zone), or with O(zone) given as a name.
    type: bool
    default: false
  vpc_id:
    description:
      - With O(private_zone=true), pick only among the private zones associated with this VPC.
    type: str
extends_documentation_fragment:
  - webops.https_rollout._attributes.info_module
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: webops.https_rollout.route53_record
  - module: webops.https_rollout.elb_load_balancer_info
"""

EXAMPLES = r"""
- name: Does shop.example.com point anywhere yet?
  webops.https_rollout.route53_record_info:
    name: shop.example.com
  register: shop_records

- name: The A record only, in a given zone
  webops.https_rollout.route53_record_info:
    name: shop.example.com
    type: A
    zone: example.com
  register: shop_a

- name: Every record of zone example.com that points at the shop stack's load balancers, and its validation CNAMEs
  webops.https_rollout.route53_record_info:
    stack: shop
    zone: example.com
    include_validation_records: true
  register: shop_dns

- name: Delete them (the result's keys map onto route53_record's records)
  webops.https_rollout.route53_record:
    state: absent
    zone: "{{ item.zone_id }}"
    records:
      - name: "{{ item.name }}"
        type: "{{ item.type }}"
  loop: "{{ shop_dns.records }}"
  loop_control:
    label: "{{ item.name }} {{ item.type }}"
"""

RETURN = r"""
records:
  description:
    - The records found, sorted by zone, name and type. An empty list when none is found.
    - Each is in the shape that M(webops.https_rollout.route53_record) returns, plus C(set_identifier).
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
      description: The alias target, with C(dns_name) (without the C(dualstack.) prefix), C(hosted_zone_id) and
        C(evaluate_target_health); None for a record with values.
      type: dict
    set_identifier:
      description: The set identifier of a record with a routing policy (weighted, latency, ...); None for a simple
        record.
      type: str
    zone_id:
      description: ID of the hosted zone holding the record.
      type: str
    zone_name:
      description: Name of that zone.
      type: str
    private_zone:
      description: Whether that zone is private.
      type: bool
  sample:
    - name: shop.example.com
      type: A
      ttl: null
      values: []
      alias: {dns_name: shop-1234567890.eu-west-1.elb.amazonaws.com, hosted_zone_id: Z32O12XQLNTSW2,
              evaluate_target_health: true}
      set_identifier: null
      zone_id: Z0123456789ABCDEFGHIJ
      zone_name: example.com
      private_zone: false
zones:
  description:
    - The hosted zones that were read, with C(id), C(name), C(private) and C(record_count) (the zone's number of
      record sets, as Route 53 reported it when the zone was looked up). Empty when none was read.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "Z0123456789ABCDEFGHIJ", "name": "example.com", "private": false, "record_count": 6}]
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import acm
from ansible_collections.webops.https_rollout.plugins.module_utils import elb
from ansible_collections.webops.https_rollout.plugins.module_utils import route53
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import error_code


# ---------------------------------------------------------------------------
# Pure
# ---------------------------------------------------------------------------


def validate_options(params):
    """The first problem with the options, or None. Checked before any call."""
    if params["type"] and not params["name"]:
        return "type narrows a lookup by name: give name as well, or leave type out"
    if params["include_validation_records"] and not params["stack"]:
        return "include_validation_records applies to a lookup by stack: give stack as well"
    if params["vpc_id"] and not params["private_zone"]:
        return "vpc_id selects a private hosted zone: set private_zone=true as well, or remove vpc_id"
    if params["name"]:
        problem = route53.name_error(params["name"])
        if problem:
            return f"name={params['name']!r} is not a valid DNS name: it {problem}"
    zone = params["zone"]
    if zone and not route53.is_zone_id(zone):
        problem = route53.name_error(zone)
        if problem:
            return f"zone={zone!r} is neither a hosted zone ID nor a valid zone name: it {problem}"
        if params["name"] and not route53.in_zone(params["name"], zone):
            return (
                f"name={route53.normalise_name(params['name'])!r} is outside zone {route53.normalise_name(zone)}: "
                "give a name in the zone, or another zone"
            )
    return None


def info_state(rrset, zone):
    """The snake_case state of a record set, as route53_record returns it, plus its set identifier."""
    return dict(route53.record_state(rrset, zone), set_identifier=rrset.get("SetIdentifier"))


def sort_records(records):
    return sorted(
        records, key=lambda r: (r["zone_name"], r["zone_id"], r["name"], r["type"], r["set_identifier"] or "")
    )


def records_at(rrsets, zone, name, rtype=None):
    """The states of the record sets at exactly ``name`` (of ``rtype`` when given)."""
    wanted = route53.normalise_name(name)
    return [
        info_state(rrset, zone)
        for rrset in rrsets
        if route53.normalise_name(rrset["Name"]) == wanted and (rtype is None or rrset["Type"] == rtype)
    ]


def stack_records(rrsets, zone, lb_dns_names, validation_records):
    """The states of the record sets that belong to a stack.

    - an alias whose target is one of ``lb_dns_names`` (compared without case, trailing dot and ``dualstack.``);
    - a CNAME (not an alias) at the name of one of ``validation_records`` (``{name, type, value}``, as
      acm_certificate returns them) that holds exactly its value.
    """
    aliases = {route53.normalise_alias_dns_name(n) for n in lb_dns_names}
    validation = {
        (route53.normalise_name(r["name"]), route53.normalise_value("CNAME", r["value"]))
        for r in validation_records
        if r.get("type", "CNAME") == "CNAME"
    }
    found = []
    for rrset in rrsets:
        alias = rrset.get("AliasTarget")
        if alias:
            if route53.normalise_alias_dns_name(alias.get("DNSName")) in aliases:
                found.append(info_state(rrset, zone))
            continue
        if rrset["Type"] != "CNAME" or not validation:
            continue
        state = info_state(rrset, zone)
        if len(state["values"]) == 1 and (state["name"], state["values"][0]) in validation:
            found.append(state)
    return found


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def stack_load_balancer_dns_names(elbv2_client, stack):
    """The DNS names of the load balancers tagged for ``stack``."""
    return sorted(lb["DNSName"] for lb, _tags in elb.stack_load_balancers(elbv2_client, stack) if lb.get("DNSName"))


def stack_validation_records(acm_client, stack):
    """The validation records of the ACM certificates tagged for ``stack``, de-duplicated and sorted."""
    records = {}
    for summary in acm.list_certificates(acm_client):
        arn = summary["CertificateArn"]
        try:
            tags = acm.get_tags(acm_client, arn)
        except Exception as exc:  # pylint: disable=broad-except
            if error_code(exc) == "ResourceNotFoundException":
                continue  # deleted since it was listed
            raise
        if tags.get(STACK_TAG_KEY) != stack:
            continue
        certificate = acm.describe_certificate(acm_client, arn)
        for record in acm.validation_records((certificate or {}).get("DomainValidationOptions")):
            records[(record["name"], record["type"], record["value"])] = record
    return [records[key] for key in sorted(records)]


def list_record_sets(client, zone_id):
    """Every record set of a hosted zone, through the paginator; [] when the zone is gone."""
    try:
        result = paginated_query_with_retries(
            client, "list_resource_record_sets", retry_decorator=aws_retry(), HostedZoneId=zone_id
        )
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) == "NoSuchHostedZone":
            return []
        raise
    return result.get("ResourceRecordSets", [])


def pick(name, zones, private, vpc_zone_ids):
    try:
        return route53.pick_zone(name, zones, private, vpc_zone_ids)
    except ValueError as exc:
        raise RolloutError(str(exc)) from exc


def zones_in_scope(client, params, region):
    """The summaries of the hosted zones to read; [] when there is none."""
    zone, private, vpc_id = params["zone"], params["private_zone"], params["vpc_id"]
    if zone and route53.is_zone_id(zone):
        found, vpcs = route53.get_zone(client, zone)
        if found is None or (vpc_id and vpc_id not in vpcs):
            return []
        return [found]
    if not zone and params["stack"]:
        return route53.list_zones(client)
    vpc_zone_ids = route53.zone_ids_of_vpc(client, vpc_id, region) if vpc_id else None
    candidates = route53.zones_named(client, zone) if zone else route53.list_zones(client)
    chosen = pick(zone or params["name"], candidates, private, vpc_zone_ids)
    return [chosen] if chosen else []


def find_by_name(client, params, region):
    zones = zones_in_scope(client, params, region)
    records = []
    for zone in zones:
        rrsets = route53.read_name(client, zone["id"], params["name"])
        records.extend(records_at(rrsets, zone, params["name"], params["type"]))
    return sort_records(records), zones


def find_by_stack(client, elbv2_client, acm_client, params, region):
    """``(records, zones read)``; Route 53 is not read when the stack owns nothing to point at."""
    lb_dns_names = stack_load_balancer_dns_names(elbv2_client(), params["stack"])
    validation = stack_validation_records(acm_client(), params["stack"]) if params["include_validation_records"] else []
    if not lb_dns_names and not validation:
        return [], []
    zones = zones_in_scope(client, params, region)
    records = []
    for zone in zones:
        records.extend(stack_records(list_record_sets(client, zone["id"]), zone, lb_dns_names, validation))
    return sort_records(records), zones


def run(module):
    params = module.params
    problem = validate_options(params)
    if problem:
        raise RolloutError(problem)
    client = module.client("route53", retry_decorator=aws_retry())
    if params["name"]:
        records, zones = find_by_name(client, params, module.region)
    else:
        records, zones = find_by_stack(
            client,
            lambda: module.client("elbv2", retry_decorator=aws_retry()),
            lambda: module.client("acm", retry_decorator=aws_retry()),
            params,
            module.region,
        )
    return {"changed": False, "records": records, "zones": zones}


def main():
    argument_spec = dict(
        name=dict(type="str"),
        type=dict(type="str", choices=list(route53.RECORD_TYPES)),
        stack=dict(type="str"),
        include_validation_records=dict(type="bool", default=False),
        zone=dict(type="str"),
        private_zone=dict(type="bool", default=False),
        vpc_id=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["name", "stack"]],
        required_one_of=[["name", "stack"]],
    )
    try:
        result = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg="Failed to read Route 53 records")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
