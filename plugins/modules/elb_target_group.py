#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_target_group
short_description: Manage an Elastic Load Balancing v2 target group, its health check, attributes and targets
version_added: 0.1.0
description:
  - Creates, updates and deletes a target group of an Application, Network or Gateway Load Balancer.
  - The health check is one suboption, and the attributes are snake_case options. Only what you set is managed;
    everything else is left as it is in AWS.
  - Targets are reconciled by ID and port. New targets are registered first and, with O(wait_healthy=true),
    are healthy before the targets that are no longer wanted are deregistered, so traffic never drops to zero.
  - A second run with the same options makes read calls only and reports no change.
  - Deleting refuses while a listener or a listener rule still forwards to the group, and names them. In check mode
    that is a warning, and the delete is predicted.
  - The health check's O(health_check.interval) and O(health_check.timeout) are checked as AWS checks them, before
    any change. Only what you set is compared, completed with AWS's defaults when the group is created and with
    the group's current values when it is updated, so a rerun of a create is accepted as the create was.
author:
  - webops maintainers (@webops)
options:
  name:
    description:
      - Name of the target group, 1 to 32 letters, digits and hyphens. It identifies the group in its region.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  protocol:
    description:
      - Protocol the load balancer uses to reach the targets.
      - Required to create a group, except with O(target_type=lambda). AWS cannot change it later.
      - V(HTTP) and V(HTTPS) for an Application Load Balancer; V(TCP), V(TLS), V(UDP) and V(TCP_UDP) for a Network
        Load Balancer; V(GENEVE) for a Gateway Load Balancer.
    type: str
    choices: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE]
  protocol_version:
    description:
      - HTTP version towards the targets, for V(HTTP) and V(HTTPS) groups. AWS cannot change it later.
    type: str
    choices: [HTTP1, HTTP2, GRPC]
  port:
    description:
      - Port the targets receive traffic on, 1 to 65535, unless a target names its own port.
      - Required to create a group, except with O(target_type=lambda). A V(GENEVE) group uses port 6081.
    type: int
  vpc_id:
    description:
      - VPC of the targets. Required to create a group, except with O(target_type=lambda).
    type: str
  target_type:
    description:
      - What the targets are. V(instance) takes EC2 instance IDs, V(ip) takes IP addresses, V(lambda) one Lambda
        function ARN and V(alb) an Application Load Balancer ARN (for a Network Load Balancer in front of it).
      - Defaults to V(instance) when the group is created. AWS cannot change it later.
    type: str
    choices: [instance, ip, lambda, alb]
  ip_address_type:
    description:
      - Address family of the targets of an V(ip) group. AWS cannot change it later.
    type: str
    choices: [ipv4, ipv6]
  health_check:
    description:
      - How the load balancer checks the targets. Suboptions you leave out keep their current (or AWS's default) value.
    type: dict
    suboptions:
      enabled:
        description: Whether health checks run. They must for instance and ip groups.
        type: bool
      protocol:
        description:
          - Protocol of the health check. Defaults to the group's protocol for V(HTTP)/V(HTTPS) groups, else V(TCP).
        type: str
        choices: [HTTP, HTTPS, TCP]
      port:
        description: Port of the health check, a number or V(traffic-port) (the port each target receives traffic on).
        type: str
      path:
        description:
          - Path requested by an HTTP or HTTPS health check, starting with C(/). Not allowed with a TCP health check.
        type: str
      interval:
        description:
          - Seconds between two checks of a target, 5 to 300. AWS's default is 30 (10 for V(GENEVE), 35 for V(lambda)).
          - It must be longer than O(health_check.timeout) for an Application Load Balancer group (V(HTTP),
            V(HTTPS), V(lambda)), and at least as long for a Network or Gateway Load Balancer group.
        type: int
      timeout:
        description:
          - Seconds without an answer after which a check fails, 2 to 120.
          - AWS's default is 5 for V(HTTP), V(HTTPS) and V(GENEVE) groups and 30 for V(lambda). For a Network Load
            Balancer group it is 6 with an HTTP health check and 10 with a TCP or HTTPS one.
        type: int
      healthy_threshold:
        description: Consecutive successful checks before an unhealthy target is healthy again, 2 to 10.
        type: int
      unhealthy_threshold:
        description: Consecutive failed checks before a healthy target is unhealthy, 2 to 10.
        type: int
      matcher:
        description: The answers that count as healthy.
        type: dict
        suboptions:
          http_codes:
            description: HTTP status codes, for example V(200), V(200,302) or V(200-299).
            type: str
          grpc_codes:
            description: gRPC status codes for V(GRPC) groups, for example V(0) or V(0-99).
            type: str
  deregistration_delay:
    description:
      - Seconds a deregistered target keeps serving its open connections (connection draining), 0 to 3600.
    type: int
  slow_start:
    description:
      - Seconds over which a new target's share of the traffic ramps up, 30 to 900, or V(0) to turn slow start off.
      - Application Load Balancer groups only.
    type: int
  load_balancing_algorithm:
    description:
      - How an Application Load Balancer picks a target.
    type: str
    choices: [round_robin, least_outstanding_requests, weighted_random]
  preserve_client_ip:
    description:
      - Whether a Network Load Balancer passes the client's IP address to the targets.
    type: bool
  proxy_protocol_v2:
    description:
      - Whether a Network Load Balancer sends a proxy protocol v2 header to the targets.
    type: bool
  stickiness:
    description:
      - Session affinity. Suboptions you leave out keep their current value.
    type: dict
    suboptions:
      enabled:
        description: Whether stickiness is on.
        type: bool
      type:
        description:
          - V(lb_cookie) and V(app_cookie) for HTTP and HTTPS groups; V(source_ip), V(source_ip_dest_ip) and
            V(source_ip_dest_ip_proto) for Network and Gateway Load Balancer groups.
        type: str
        choices: [lb_cookie, app_cookie, source_ip, source_ip_dest_ip, source_ip_dest_ip_proto]
      duration:
        description: Seconds a cookie keeps a client on the same target, 1 to 604800.
        type: int
      cookie_name:
        description: Name of the application's cookie, for V(app_cookie).
        type: str
  targets:
    description:
      - The targets the group should have. Leave it out to leave the targets alone.
      - Targets are compared by ID and port; all changes go out in as few calls as AWS allows.
    type: list
    elements: dict
    suboptions:
      id:
        description:
          - The target, as O(target_type) requires. An instance ID, an IP address or an ARN.
          - In check mode, the placeholder ARN of a load balancer that an earlier check-mode task would create is
            taken with a warning.
        type: str
        required: true
      port:
        description: Port of this target, if not the group's O(port).
        type: int
      availability_zone:
        description: Availability zone of an IP target outside the VPC, or V(all).
        type: str
  purge_targets:
    description:
      - Whether targets that are registered but not in O(targets) are deregistered.
      - They are deregistered only after the new targets are registered (and healthy, with O(wait_healthy=true)).
    type: bool
    default: true
  wait_healthy:
    description:
      - Wait until the targets are healthy, within O(wait_timeout). The targets awaited are those in O(targets),
        or every registered target when O(targets) is not given.
    type: bool
    default: false
  wait_healthy_count:
    description:
      - With O(wait_healthy=true), how many targets must be healthy. By default all of them.
    type: int
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
      - Check mode makes read calls only and returns the predicted state of the group.
      - A group that would be created gets the placeholder ARN C(predicted:target-group:<name>).
  diff_mode:
    details: The diff shows the group's state before and after, health check, attributes, tags and targets included.
notes:
  - The module runs on the controller and talks to AWS through boto3. Throttling is retried with jittered backoff.
seealso:
  - module: webops.https_rollout.elb_target_group_info
  - module: amazon.aws.elb_application_lb
"""

EXAMPLES = r"""
- name: A target group for the web hosts, health-checked on /healthz
  webops.https_rollout.elb_target_group:
    name: shop-web
    stack: shop
    protocol: HTTP
    port: 8080
    vpc_id: vpc-0123456789abcdef0
    health_check:
      path: /healthz
      interval: 15
      timeout: 5
      healthy_threshold: 2
      unhealthy_threshold: 3
      matcher:
        http_codes: "200"
    deregistration_delay: 30
    load_balancing_algorithm: least_outstanding_requests
    targets:
      - id: i-0123456789abcdef0
      - id: i-0fedcba9876543210
    tags:
      team: web

- name: Replace the hosts without dropping traffic (the new ones are healthy before the old ones leave)
  webops.https_rollout.elb_target_group:
    name: shop-web
    stack: shop
    targets:
      - id: i-0aaaaaaaaaaaaaaaa
      - id: i-0bbbbbbbbbbbbbbbb
    wait_healthy: true
    wait_timeout: 600

- name: Cookie stickiness for one hour
  webops.https_rollout.elb_target_group:
    name: shop-web
    stickiness:
      enabled: true
      type: lb_cookie
      duration: 3600

- name: Delete the group (refused while a listener still forwards to it; a no-op once it is gone)
  webops.https_rollout.elb_target_group:
    name: shop-web
    stack: shop
    state: absent
"""

RETURN = r"""
arn:
  description:
    - ARN of the target group.
    - In check mode, when the group would be created, the placeholder C(predicted:target-group:<name>).
  returned: when O(state=present)
  type: str
  sample: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web/0123456789abcdef
name:
  description: Name of the target group.
  returned: when O(state=present)
  type: str
protocol:
  description: Protocol towards the targets.
  returned: when O(state=present)
  type: str
  sample: HTTP
protocol_version:
  description: HTTP version towards the targets.
  returned: when O(state=present)
  type: str
port:
  description: Port of the targets.
  returned: when O(state=present)
  type: int
  sample: 8080
vpc_id:
  description: VPC of the targets.
  returned: when O(state=present)
  type: str
target_type:
  description: What the targets are.
  returned: when O(state=present)
  type: str
  sample: instance
ip_address_type:
  description: Address family of the targets.
  returned: when O(state=present)
  type: str
health_check:
  description: The health check settings.
  returned: when O(state=present)
  type: dict
  contains:
    enabled:
      description: Whether health checks run.
      type: bool
    protocol:
      description: Health check protocol.
      type: str
    port:
      description: Health check port or C(traffic-port).
      type: str
    path:
      description: Health check path.
      type: str
    interval:
      description: Seconds between checks.
      type: int
    timeout:
      description: Seconds before a check fails.
      type: int
    healthy_threshold:
      description: Successes before healthy.
      type: int
    unhealthy_threshold:
      description: Failures before unhealthy.
      type: int
    matcher:
      description: The healthy answers, C(http_codes) or C(grpc_codes).
      type: dict
deregistration_delay:
  description: Connection draining time in seconds; None when AWS does not report it.
  returned: when O(state=present)
  type: int
slow_start:
  description: Slow start duration in seconds; None when AWS does not report it.
  returned: when O(state=present)
  type: int
load_balancing_algorithm:
  description: The routing algorithm; None when AWS does not report it.
  returned: when O(state=present)
  type: str
preserve_client_ip:
  description: Whether the client IP is preserved; None when AWS does not report it.
  returned: when O(state=present)
  type: bool
proxy_protocol_v2:
  description: Whether proxy protocol v2 is on; None when AWS does not report it.
  returned: when O(state=present)
  type: bool
stickiness:
  description: Session affinity, with C(enabled), C(type), C(duration) and C(cookie_name).
  returned: when O(state=present)
  type: dict
load_balancer_arns:
  description: The load balancers that forward to the group.
  returned: when O(state=present)
  type: list
  elements: str
tags:
  description: The group's tags.
  returned: when O(state=present)
  type: dict
  sample: {"https-rollout:stack": "shop", "team": "web"}
targets:
  description: The registered targets and their health, sorted by ID and port.
  returned: when O(state=present)
  type: list
  elements: dict
  contains:
    id:
      description: Target ID.
      type: str
    port:
      description: Target port.
      type: int
    availability_zone:
      description: Availability zone, when AWS reports one.
      type: str
    health:
      description: C(initial), C(healthy), C(unhealthy), C(unused), C(draining) or C(unavailable).
      type: str
    reason:
      description: Why the target is not healthy, as AWS says.
      type: str
waited:
  description: How long the module waited for healthy targets, in seconds, and how many polls it made.
  returned: when O(wait_healthy=true) and a wait happened
  type: dict
  sample: {"seconds": 31.5, "polls": 4}
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
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_error
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error


def references(params):
    """``[(option, value)]`` of the options that name other resources (placeholders are looked for among them)."""
    if params["state"] == "absent":
        return []
    refs = [("vpc_id", params["vpc_id"])] if params["vpc_id"] else []
    refs += [(f"targets[{index}].id", target["id"]) for index, target in enumerate(params["targets"] or [])]
    return refs


def run(module):
    params = module.params
    problem = elb.validate_target_group(params)
    for option, value in references(params):
        problem = problem or predicted_refs_error(option, value, module.check_mode)
    if problem:
        raise RolloutError(problem)
    # Placeholders are never sent to AWS; in check mode an earlier task may only have predicted them.
    for option, value in references(params):
        if is_predicted(value):
            missing_reference(option, value, module.check_mode, module.warn)

    client = module.client("elbv2", retry_decorator=aws_retry())
    attributes, current = elb.read_target_group(client, params["name"])

    # Options AWS cannot change, and options left out, are checked against the existing group.
    problem = elb.validate_target_group(params, current, creating=current is None)
    if not problem and current:
        problem = ownership_error(
            "target group", params["name"], current["tags"], params["stack"], deleting=params["state"] == "absent"
        )
    if problem:
        raise RolloutError(problem)

    if params["state"] == "absent":
        changed, state = elb.ensure_target_group_absent(client, current, module.check_mode, module.warn)
    else:
        changed, state = elb.ensure_target_group_present(client, attributes, current, params, module.check_mode)
    waited = state.pop("waited", None)
    extra = {"waited": waited} if waited else {}
    return build_result(changed, current, state, module._diff, **extra)


def main():
    argument_spec = dict(**elb.target_group_argument_spec(), **ownership_argument_spec())
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except (RolloutError, WaitTimeout, WaitFailed) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg=f"Failed to manage target group {module.params['name']!r}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
