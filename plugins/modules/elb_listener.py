#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_listener
short_description: Manage a listener of an Application, Network or Gateway Load Balancer
version_added: 0.1.0
description:
  - Creates, updates and deletes one listener, identified by its load balancer and port.
  - The default action forwards (to one target group, or to weighted groups with stickiness), redirects or answers
    with a fixed response. O(redirect_to_https=true) is the usual HTTP to HTTPS redirect.
  - The default certificate and the extra (SNI) certificates are reconciled by ARN; their order does not matter.
    Every certificate the module attaches must be C(ISSUED) in ACM, which the module checks before attaching it.
  - A protocol change (HTTP to HTTPS, TCP to TLS) modifies the listener in place.
  - Mismatches between the protocol, the load balancer type and the action fail before any change in AWS.
  - A second run with the same options makes read calls only and reports no change.
author:
  - webops maintainers (@webops)
options:
  load_balancer:
    description:
      - Name or ARN of the load balancer.
    type: str
    required: true
  port:
    description:
      - Port the listener accepts connections on, 1 to 65535. With the load balancer, it identifies the listener.
      - Required, except for the listener of a gateway load balancer, which has no port.
    type: int
  state:
    description:
      - V(present) creates or updates the listener, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  protocol:
    description:
      - V(HTTP) or V(HTTPS) on an application load balancer; V(TCP), V(TLS), V(UDP) or V(TCP_UDP) on a network
        load balancer. Leave it out for a gateway load balancer.
      - V(HTTPS) and V(TLS) need O(certificate_arn).
    type: str
    choices: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP]
  default_action:
    description:
      - What the listener does with a request no rule matches. Required with O(state=present), unless
        O(redirect_to_https=true).
    type: dict
    suboptions:
      type:
        description:
          - V(forward) to target groups, V(redirect) (application load balancers only), or V(fixed_response)
            (application load balancers only).
        type: str
        required: true
        choices: [forward, redirect, fixed_response]
      target_group:
        description:
          - Name or ARN of the one target group to forward to.
        type: str
      target_groups:
        description:
          - Target groups to share the traffic between by weight (weighted forward), up to five.
        type: list
        elements: dict
        suboptions:
          name:
            description: Name or ARN of the target group.
            type: str
            required: true
          weight:
            description: Relative share of the traffic, 0 to 999. Defaults to 1.
            type: int
      stickiness:
        description:
          - Keep a client on the same target group of a weighted forward.
        type: dict
        suboptions:
          enabled:
            description: Whether group stickiness is on.
            type: bool
          duration:
            description: Seconds a client stays on its group, 1 to 604800. Required when enabled.
            type: int
      redirect:
        description:
          - Where to redirect. Parts you leave out keep the request's own, written as AWS writes them
            (V(#{protocol}), V(#{port}), V(#{host}), V(/#{path}), V(#{query})).
        type: dict
        suboptions:
          protocol:
            description: V(HTTP), V(HTTPS) or V(#{protocol}).
            type: str
          port:
            description: Port, or V(#{port}).
            type: str
          host:
            description: Host name, or V(#{host}).
            type: str
          path:
            description: Path starting with C(/), or V(/#{path}).
            type: str
          query:
            description: Query string without the C(?), or V(#{query}).
            type: str
          status_code:
            description: V(301) (permanent) or V(302) (temporary).
            type: int
            choices: [301, 302]
            default: 301
      fixed_response:
        description:
          - The response to send.
        type: dict
        suboptions:
          status_code:
            description: HTTP status code, 2XX, 4XX or 5XX.
            type: str
            required: true
          content_type:
            description: Content type of the body.
            type: str
            choices: [text/plain, text/css, text/html, application/javascript, application/json]
          message_body:
            description: The body, up to 1024 characters.
            type: str
  redirect_to_https:
    description:
      - Shortcut for an HTTP listener whose default action is a 301 redirect to HTTPS on port 443, keeping the host,
        path and query. Mutually exclusive with O(default_action).
    type: bool
    default: false
  certificate_arn:
    description:
      - ARN of the ACM certificate the listener presents by default. Required for V(HTTPS) and V(TLS).
      - It must be C(ISSUED); the module checks this before attaching it.
    type: str
  extra_certificate_arns:
    description:
      - ARNs of more certificates, chosen by the client's server name (SNI). Compared by ARN; order does not matter.
      - Leave it out to leave the extra certificates alone.
    type: list
    elements: str
  purge_extra_certificates:
    description:
      - Whether extra certificates attached to the listener but not in O(extra_certificate_arns) are removed.
    type: bool
    default: true
  ssl_policy:
    description:
      - TLS security policy of an V(HTTPS) or V(TLS) listener, checked against the policies AWS offers.
      - When the listener is created, or becomes V(HTTPS) or V(TLS), it defaults to
        C(ELBSecurityPolicy-TLS13-1-2-2021-06) (TLS 1.3 and 1.2). Otherwise leaving it out keeps the current policy.
    type: str
  alpn_policy:
    description:
      - ALPN policy of a V(TLS) listener (network load balancer). V(None) turns ALPN off.
    type: str
    choices: [HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred, None]
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - webops.https_rollout.stack
  - webops.https_rollout.predicted
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    details: Check mode makes read calls only and returns the predicted state of the listener.
  diff_mode:
    details: The diff shows the listener before and after, its action, certificates, policies and tags included.
notes:
  - The module runs on the controller and talks to AWS through boto3. Throttling is retried with jittered backoff.
  - Listeners are fast to change, so the module does not wait.
  - In check mode, a load balancer or target group that does not exist yet (because the task that creates it only
    predicted it) gives a warning and the listener is predicted as if it existed. Without check mode it is an error.
seealso:
  - module: webops.https_rollout.elb_load_balancer
  - module: webops.https_rollout.elb_listener_rule
  - module: webops.https_rollout.elb_target_group
"""

EXAMPLES = r"""
# The classic pair: HTTP:80 answers 301 to HTTPS, HTTPS:443 terminates TLS and forwards.
- name: HTTP listener that redirects to HTTPS
  webops.https_rollout.elb_listener:
    load_balancer: shop
    stack: shop
    port: 80
    protocol: HTTP
    redirect_to_https: true

- name: HTTPS listener with the ACM certificate, forwarding to the web hosts
  webops.https_rollout.elb_listener:
    load_balancer: shop
    stack: shop
    port: 443
    protocol: HTTPS
    certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001
    extra_certificate_arns:
      - arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000002
    default_action:
      type: forward
      target_group: shop-web

# Host-based routing of two apps on one ALB: the listener's default answers 404,
# and one webops.https_rollout.elb_listener_rule per host forwards (see that module).
- name: HTTPS listener whose default is a 404 for unknown hosts
  webops.https_rollout.elb_listener:
    load_balancer: shop
    stack: shop
    port: 443
    protocol: HTTPS
    certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001
    default_action:
      type: fixed_response
      fixed_response:
        status_code: "404"
        content_type: text/plain
        message_body: unknown host

- name: Canary release, 90/10 between two target groups, clients kept on their group for an hour
  webops.https_rollout.elb_listener:
    load_balancer: shop
    port: 443
    protocol: HTTPS
    certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001
    default_action:
      type: forward
      target_groups:
        - name: shop-web-blue
          weight: 90
        - name: shop-web-green
          weight: 10
      stickiness:
        enabled: true
        duration: 3600

- name: An NLB with a TLS listener (TLS offload) and ALPN preferring HTTP/2
  webops.https_rollout.elb_listener:
    load_balancer: shop-tls
    stack: shop
    port: 443
    protocol: TLS
    certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001
    ssl_policy: ELBSecurityPolicy-TLS13-1-2-2021-06
    alpn_policy: HTTP2Preferred
    default_action:
      type: forward
      target_group: shop-web-tcp

- name: Remove the HTTP listener
  webops.https_rollout.elb_listener:
    load_balancer: shop
    stack: shop
    port: 80
    state: absent
"""

RETURN = r"""
arn:
  description: ARN of the listener. None in check mode when it would be created.
  returned: when O(state=present)
  type: str
load_balancer_arn:
  description: ARN of the load balancer.
  returned: when O(state=present)
  type: str
port:
  description: Port of the listener.
  returned: when O(state=present)
  type: int
  sample: 443
protocol:
  description: Protocol of the listener.
  returned: when O(state=present)
  type: str
  sample: HTTPS
default_action:
  description:
    - The default action, with target group ARNs. C(forward) has C(target_groups) (C(arn), C(weight)) and
      C(stickiness); C(redirect) has C(protocol), C(port), C(host), C(path), C(query) and C(status_code);
      C(fixed_response) has C(status_code), C(content_type) and C(message_body).
  returned: when O(state=present)
  type: dict
  sample: {"type": "redirect", "protocol": "HTTPS", "port": "443", "host": "#{host}", "path": "/#{path}",
           "query": "#{query}", "status_code": "HTTP_301"}
certificate_arn:
  description: The default certificate; None without TLS.
  returned: when O(state=present)
  type: str
extra_certificate_arns:
  description: The extra (SNI) certificates, sorted.
  returned: when O(state=present)
  type: list
  elements: str
ssl_policy:
  description: The TLS security policy; None without TLS.
  returned: when O(state=present)
  type: str
alpn_policy:
  description: The ALPN policy of a TLS listener; None when off.
  returned: when O(state=present)
  type: str
tags:
  description: The listener's tags.
  returned: when O(state=present)
  type: dict
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
    problem = elb.validate_listener(params)
    if not problem and params["state"] == "present":
        problem = predicted_refs_error("load_balancer", params["load_balancer"], module.check_mode)
        problem = problem or predicted_refs_error("certificate_arn", params["certificate_arn"], module.check_mode)
        problem = problem or predicted_refs_error(
            "extra_certificate_arns", params["extra_certificate_arns"] or [], module.check_mode
        )
    if problem:
        raise RolloutError(problem)

    client = module.client("elbv2", retry_decorator=aws_retry())
    lb = elb.find_load_balancer(client, params["load_balancer"])
    if lb is None:
        if params["state"] == "absent":
            changed, state = elb.ensure_listener_absent(client, None, module.check_mode)
            return build_result(changed, {}, state, module._diff)
        problem = (
            f"load_balancer={params['load_balancer']!r} does not exist: create it first "
            "(webops.https_rollout.elb_load_balancer)"
        )
        if not module.check_mode:
            raise RolloutError(problem)
        # In check mode the task that creates it may only have predicted it: predict the listener too.
        module.warn(f"{problem}. Check mode predicts the listener as if it existed.")
        lb = {"LoadBalancerArn": None, "Type": None}
    if lb["Type"]:
        problem = elb.validate_listener_for_lb(params, lb["Type"])
        if problem:
            raise RolloutError(problem)

    listener = elb.find_listener(client, lb, params["port"]) if lb["LoadBalancerArn"] else None
    current = elb.read_listener(client, listener) if listener else None
    what = f"{params['load_balancer']}:{params['port']}"
    if current:
        problem = ownership_error("listener", what, current["tags"], params["stack"], params["state"] == "absent")
        if problem:
            raise RolloutError(problem)

    if params["state"] == "absent":
        changed, state = elb.ensure_listener_absent(client, current, module.check_mode)
        return build_result(changed, current or {}, state, module._diff)
    acm_clients = []

    def acm_client():
        if not acm_clients:
            acm_clients.append(module.client("acm", retry_decorator=aws_retry()))
        return acm_clients[0]

    changed, after = elb.ensure_listener_present(client, acm_client, lb, current, params, module.check_mode, module.warn)
    return build_result(changed, current, after, module._diff)


def main():
    argument_spec = dict(**elb.listener_argument_spec(), **ownership_argument_spec())
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except (RolloutError, WaitTimeout, WaitFailed) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg=f"Failed to manage listener {module.params['load_balancer']}:{module.params['port']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
