#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_load_balancer
short_description: Manage an Application, Network or Gateway Load Balancer and its attributes
version_added: 0.1.0
description:
  - Creates, updates and deletes an Elastic Load Balancing v2 load balancer. Listeners are managed by
    M(webops.https_rollout.elb_listener), rules by M(webops.https_rollout.elb_listener_rule).
  - The load balancer is looked up by name before anything is created, so a rerun never makes a second one.
  - The attributes are snake_case options. Only the attributes you set are touched; an attribute AWS does not report
    counts as not set.
  - A second run with the same options makes read calls only and reports no change.
  - Deleting waits until the load balancer is gone, refuses a load balancer this stack does not own, and refuses one
    with deletion protection on unless O(force_disable_deletion_protection=true).
author:
  - webops maintainers (@webops)
options:
  name:
    description:
      - Name of the load balancer, 1 to 32 letters, digits and hyphens, not starting with C(internal-).
        It identifies the load balancer in its region.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the load balancer, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - V(application) (layer 7, HTTP and HTTPS), V(network) (layer 4, TCP, TLS and UDP) or V(gateway) (for virtual
        appliances, GENEVE).
      - Defaults to V(application) when the load balancer is created. AWS cannot change it later.
    type: str
    choices: [application, network, gateway]
  scheme:
    description:
      - V(internet-facing) or V(internal). AWS's default is V(internet-facing). AWS cannot change it later.
    type: str
    choices: [internet-facing, internal]
  subnets:
    description:
      - IDs of the subnets, one per availability zone. An application load balancer needs at least two.
      - Required to create the load balancer, unless O(subnet_mappings) is given.
    type: list
    elements: str
  subnet_mappings:
    description:
      - The subnets with a fixed address per zone, for a network load balancer.
    type: list
    elements: dict
    suboptions:
      subnet_id:
        description: ID of the subnet.
        type: str
        required: true
      allocation_id:
        description: Allocation ID of an Elastic IP address, for an internet-facing network load balancer.
        type: str
      private_ipv4_address:
        description: Private IPv4 address from the subnet, for an internal network load balancer.
        type: str
      ipv6_address:
        description: IPv6 address from the subnet, for a dualstack network load balancer.
        type: str
  security_groups:
    description:
      - IDs of the security groups of the load balancer. Not for a gateway load balancer.
      - A network load balancer takes security groups too, but B(only when it is created). AWS cannot add security
        groups to a network load balancer that was created without any, and one created with security groups must keep
        at least one. The module fails with an explanation when asked to do either.
    type: list
    elements: str
  ip_address_type:
    description:
      - V(ipv4), V(dualstack) (IPv4 and IPv6), or V(dualstack-without-public-ipv4) (application load balancers only).
    type: str
    choices: [ipv4, dualstack, dualstack-without-public-ipv4]
  deletion_protection:
    description:
      - Whether AWS refuses to delete the load balancer.
    type: bool
  idle_timeout:
    description:
      - Seconds an idle connection stays open, 1 to 4000. Application load balancers only.
    type: int
  drop_invalid_header_fields:
    description:
      - Whether HTTP headers with invalid names are removed before the request reaches the targets.
        Application load balancers only.
    type: bool
  http2:
    description:
      - Whether clients may speak HTTP/2. Application load balancers only.
    type: bool
  desync_mitigation_mode:
    description:
      - How the load balancer treats requests that may be used for HTTP desync attacks. Application load balancers only.
    type: str
    choices: [monitor, defensive, strictest]
  cross_zone:
    description:
      - Whether each node spreads traffic over the targets of every enabled zone. Network and gateway load balancers
        only; an application load balancer always does.
    type: bool
  access_logs:
    description:
      - Access logs to S3. Application and network load balancers only. Suboptions you leave out are not touched.
    type: dict
    suboptions:
      enabled:
        description: Whether access logs are written.
        type: bool
      bucket:
        description: Name of the S3 bucket. Required when O(access_logs.enabled=true).
        type: str
      prefix:
        description: Prefix of the log objects in the bucket.
        type: str
  force_disable_deletion_protection:
    description:
      - With O(state=absent), turn deletion protection off first when it is on. Without it the delete fails and says
        how to turn protection off.
    type: bool
    default: false
  wait:
    description:
      - With O(state=present), wait until the load balancer is active. With O(state=absent), deleting always waits
        until it is gone. Both honour O(wait_timeout).
    type: bool
    default: true
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - webops.https_rollout.stack
  - webops.https_rollout.predicted
  - webops.https_rollout.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    details: Check mode makes read calls only and returns the predicted state of the load balancer.
  diff_mode:
    details: The diff shows the load balancer's state before and after, attributes, security groups and tags included.
notes:
  - The module runs on the controller and talks to AWS through boto3. Throttling is retried with jittered backoff.
seealso:
  - module: webops.https_rollout.elb_listener
  - module: webops.https_rollout.elb_listener_rule
  - module: webops.https_rollout.elb_target_group
"""

EXAMPLES = r"""
# The classic pair (HTTP:80 redirects, HTTPS:443 forwards) is built in three tasks:
# this load balancer, then two webops.https_rollout.elb_listener tasks (see that module's examples).
- name: An internet-facing application load balancer in two zones
  webops.https_rollout.elb_load_balancer:
    name: shop
    stack: shop
    type: application
    subnets:
      - subnet-0aaaaaaaaaaaaaaaa
      - subnet-0bbbbbbbbbbbbbbbb
    security_groups:
      - sg-0123456789abcdef0
    ip_address_type: dualstack
    drop_invalid_header_fields: true
    idle_timeout: 60
    deletion_protection: true
    tags:
      team: web
  register: shop_lb

- name: Point the domain at it (route53 alias target)
  ansible.builtin.debug:
    msg: "alias to {{ shop_lb.dns_name }} in zone {{ shop_lb.canonical_hosted_zone_id }}"

- name: A network load balancer for TLS offload, with a security group (possible only at creation)
  webops.https_rollout.elb_load_balancer:
    name: shop-tls
    stack: shop
    type: network
    subnets:
      - subnet-0aaaaaaaaaaaaaaaa
      - subnet-0bbbbbbbbbbbbbbbb
    security_groups:
      - sg-0123456789abcdef0
    cross_zone: true

- name: Delete the load balancer, turning deletion protection off first
  webops.https_rollout.elb_load_balancer:
    name: shop
    stack: shop
    state: absent
    force_disable_deletion_protection: true
    wait_timeout: 600
"""

RETURN = r"""
arn:
  description: ARN of the load balancer. None in check mode when it would be created.
  returned: when O(state=present)
  type: str
  sample: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/0123456789abcdef
name:
  description: Name of the load balancer.
  returned: when O(state=present)
  type: str
type:
  description: C(application), C(network) or C(gateway).
  returned: when O(state=present)
  type: str
scheme:
  description: C(internet-facing) or C(internal).
  returned: when O(state=present)
  type: str
dns_name:
  description: The load balancer's DNS name, the target of the domain's alias record. None in check mode on create.
  returned: when O(state=present)
  type: str
  sample: shop-1234567890.eu-west-1.elb.amazonaws.com
canonical_hosted_zone_id:
  description: The Route 53 hosted zone ID of the load balancer's DNS name, for an alias record.
  returned: when O(state=present)
  type: str
  sample: Z32O12XQLNTSW2
vpc_id:
  description: VPC of the load balancer.
  returned: when O(state=present)
  type: str
state:
  description: C(provisioning), C(active), C(active_impaired) or C(failed).
  returned: when O(state=present)
  type: str
  sample: active
ip_address_type:
  description: The address family.
  returned: when O(state=present)
  type: str
security_groups:
  description: IDs of the security groups, sorted.
  returned: when O(state=present)
  type: list
  elements: str
subnets:
  description: IDs of the subnets, sorted.
  returned: when O(state=present)
  type: list
  elements: str
availability_zones:
  description: The zones with their subnet and, for a network load balancer, their addresses.
  returned: when O(state=present)
  type: list
  elements: dict
  contains:
    zone_name:
      description: Name of the zone.
      type: str
    subnet_id:
      description: ID of the subnet.
      type: str
    addresses:
      description: Fixed addresses, with C(ip_address), C(allocation_id), C(private_ipv4_address), C(ipv6_address).
      type: list
      elements: dict
deletion_protection:
  description: Whether deletion protection is on; None when AWS does not report it.
  returned: when O(state=present)
  type: bool
idle_timeout:
  description: Idle timeout in seconds; None when AWS does not report it.
  returned: when O(state=present)
  type: int
drop_invalid_header_fields:
  description: Whether invalid header fields are dropped; None when AWS does not report it.
  returned: when O(state=present)
  type: bool
http2:
  description: Whether HTTP/2 is on; None when AWS does not report it.
  returned: when O(state=present)
  type: bool
desync_mitigation_mode:
  description: The desync mitigation mode; None when AWS does not report it.
  returned: when O(state=present)
  type: str
cross_zone:
  description: Whether cross-zone load balancing is on; None when AWS does not report it.
  returned: when O(state=present)
  type: bool
access_logs:
  description: Access logs, with C(enabled), C(bucket) and C(prefix); None values are not set.
  returned: when O(state=present)
  type: dict
tags:
  description: The load balancer's tags.
  returned: when O(state=present)
  type: dict
  sample: {"https-rollout:stack": "shop", "team": "web"}
waited:
  description: How long the module waited for the load balancer to be active or deleted, and how many polls it made.
  returned: when a wait happened
  type: dict
  sample: {"seconds": 95.2, "polls": 7}
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import elb
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import build_result
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_error
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error


def run(module):
    params = module.params
    problem = elb.validate_load_balancer(params)
    if not problem and params["state"] == "present":
        problem = predicted_refs_error("security_groups", params["security_groups"] or [], module.check_mode)
    if problem:
        raise RolloutError(problem)

    client = module.client("elbv2", retry_decorator=aws_retry())
    attributes, current = elb.read_load_balancer(client, name=params["name"])

    problem = None
    if params["state"] == "present":
        problem = elb.validate_load_balancer(params, current, creating=current is None)
    if not problem and current:
        problem = ownership_error(
            "load balancer", params["name"], current["tags"], params["stack"], deleting=params["state"] == "absent"
        )
    if problem:
        raise RolloutError(problem)

    if params["state"] == "absent":
        changed, state = elb.ensure_load_balancer_absent(client, attributes, current, params, module.check_mode)
    else:
        changed, state = elb.ensure_load_balancer_present(client, attributes, current, params, module.check_mode)
    waited = state.pop("waited", None)
    extra = {"waited": waited} if waited else {}
    return build_result(changed, current, state, module._diff, **extra)


def main():
    argument_spec = dict(**elb.load_balancer_argument_spec(), **ownership_argument_spec())
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["subnets", "subnet_mappings"]],
    )
    try:
        result = run(module)
    except (RolloutError, WaitTimeout, WaitFailed) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg=f"Failed to manage load balancer {module.params['name']!r}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
