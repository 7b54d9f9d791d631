# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Load balancers: read, wait (active, deleted), ensure present, ensure absent.

The one reconciliation of a load balancer, called by ``webops.https_rollout.elb_load_balancer`` and by the stack
engine. Functions of a boto3 ``elbv2`` client (wrapped with ``common.aws_retry``) and explicit arguments: ``params``
is a dict of the module's options. Each ``ensure_*`` returns ``(changed, state)``: ``state`` is the after-state
(``{}`` once deleted); extras under documented keys:

- ``waited``: ``{seconds, polls}`` when it waited (active after present, gone after absent).
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import load_balancers
from ansible_collections.webops.https_rollout.plugins.module_utils.common import READY_FIRST_POLL
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import desired_tags
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import wait_for


def read_load_balancer(client, name=None, lb=None, tags=None):
    """``(raw_attributes, state)`` of the load balancer, or ``(None, None)`` when it does not exist.

    ``lb`` is its description when the caller has it, ``tags`` its tags when the caller read them (in a batch).
    """
    if lb is None:
        lb = api.describe_load_balancer(client, name=name)
    if lb is None:
        return None, None
    arn = lb["LoadBalancerArn"]
    attributes = api.get_load_balancer_attributes(client, arn)
    if tags is None:
        tags = api.get_tags(client, [arn]).get(arn, {})
    return attributes, load_balancers.load_balancer_state(lb, attributes, tags)


def wait_until_active(client, arn, timeout, progress=None):
    """Poll until the load balancer is active; returns its description and the wait.

    ``progress``, when given, is called with a one-line description after each poll.
    """

    def poll():
        lb = api.describe_load_balancer(client, arn=arn)
        code = ((lb or {}).get("State") or {}).get("Code")
        if progress:
            progress(f"load balancer: {code or 'not found'}")
        if code == "failed":
            raise WaitFailed(f"load balancer {arn} failed to provision: {(lb.get('State') or {}).get('Reason')}")
        return code == "active", lb

    def describe(lb):
        return ((lb or {}).get("State") or {}).get("Code") or "not found"

    what = f"load balancer {arn} to be active"
    lb, seconds, polls = wait_for(poll, what, timeout, delay=READY_FIRST_POLL, describe=describe)
    return lb, {"seconds": seconds, "polls": polls}


def wait_until_deleted(client, arn, timeout):
    def poll():
        lb = api.describe_load_balancer(client, arn=arn)
        return lb is None, lb

    def describe(lb):
        return f"still there ({((lb or {}).get('State') or {}).get('Code')})"

    _lb, seconds, polls = wait_for(poll, f"load balancer {arn} to be deleted", timeout, delay=5, describe=describe)
    return {"seconds": seconds, "polls": polls}


def with_wait(state, waited):
    """``state`` with the wait (``{seconds, polls}``) in ``state["waited"]``; unchanged without a wait."""
    return dict(state, waited=waited) if waited else state


def apply_changes(client, current, changes):
    arn = current["arn"]
    if "security_groups" in changes:
        client.set_security_groups(aws_retry=True, LoadBalancerArn=arn, SecurityGroups=changes["security_groups"])
    if "subnets" in changes:
        client.set_subnets(aws_retry=True, LoadBalancerArn=arn, Subnets=changes["subnets"])
    if "ip_address_type" in changes:
        client.set_ip_address_type(aws_retry=True, LoadBalancerArn=arn, IpAddressType=changes["ip_address_type"])
    if "attributes" in changes:
        api.modify_load_balancer_attributes(client, arn, changes["attributes"])


def ensure_load_balancer_present(client, attributes, current, params, check_mode, wait=None, create=None):
    """Create or update the load balancer. Returns ``(changed, state)``; a wait is in ``state["waited"]``.

    ``attributes`` and ``current`` come from :func:`read_load_balancer`. ``wait`` overrides ``params["wait"]``
    (the engine waits in its own threads: it passes False). ``create``, when given, makes the CreateLoadBalancer
    call from the request and returns its answer (the engine's looks before it creates again: a lost answer).
    """
    wait = params["wait"] if wait is None else wait
    wanted_tags = desired_tags(params["tags"], params["stack"])
    if current is None:
        changes, to_set, to_remove = {}, {}, []
        changed = True
    else:
        changes = load_balancers.load_balancer_changes(current, attributes, params)
        to_set, to_remove = tag_changes(current["tags"], wanted_tags, params["purge_tags"])
        changed = bool(changes or to_set or to_remove)

    if check_mode:
        return changed, load_balancers.predict_load_balancer(current, params, wanted_tags, params["purge_tags"])
    if not changed and (current["state"] == "active" or not wait):
        return False, current

    if current is None:
        request = load_balancers.create_load_balancer_request(params, wanted_tags)
        created = create(request) if create else client.create_load_balancer(aws_retry=True, **request)
        arn = created["LoadBalancers"][0]["LoadBalancerArn"]
        new_attributes = load_balancers.desired_lb_attributes(params)
        if new_attributes:
            api.modify_load_balancer_attributes(client, arn, new_attributes)
    else:
        arn = current["arn"]
        apply_changes(client, current, changes)
        api.update_tags(client, arn, to_set, to_remove)

    # A new load balancer's description is the create's answer, unless the wait brings a newer one.
    lb = created["LoadBalancers"][0] if current is None else None
    waited = None
    if wait:
        lb, waited = wait_until_active(client, arn, params["wait_timeout"])
    if not changed:
        return False, with_wait(dict(current, state=load_balancers.load_balancer_state(lb, {}, {})["state"]), waited)
    if lb is None:
        lb = api.describe_load_balancer(client, arn=arn)
    # The tags are what this call wrote: not read again.
    after_tags = (wanted_tags or {}) if current is None else apply_tag_changes(current["tags"], to_set, to_remove)
    _attributes, state = read_load_balancer(client, lb=lb, tags=after_tags)
    return True, with_wait(state, waited)


def ensure_load_balancer_absent(client, attributes, current, params, check_mode):
    """Delete the load balancer and wait until it is gone. Returns ``(changed, state)``; the wait in ``state["waited"]``."""
    if current is None:
        return False, {}
    protected = str(attributes.get("deletion_protection.enabled", "")).lower() == "true"
    if protected and not params["force_disable_deletion_protection"]:
        raise RolloutError(
            f"load balancer {params['name']!r} has deletion protection on. Turn it off first "
            "(deletion_protection: false with state: present), or set force_disable_deletion_protection: true "
            "to turn it off and delete in one task."
        )
    if check_mode:
        return True, {}
    if protected:
        api.modify_load_balancer_attributes(client, current["arn"], {"deletion_protection.enabled": "false"})
    client.delete_load_balancer(aws_retry=True, LoadBalancerArn=current["arn"])
    return True, with_wait({}, wait_until_deleted(client, current["arn"], params["wait_timeout"]))


def load_balancer_argument_spec():
    """The module's options (the ownership options ``tags``, ``purge_tags``, ``stack`` apart): its argument spec,
    and the defaults the stack engine fills in for what it does not set."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        type=dict(type="str", choices=["application", "network", "gateway"]),
        scheme=dict(type="str", choices=["internet-facing", "internal"]),
        subnets=dict(type="list", elements="str"),
        subnet_mappings=dict(
            type="list",
            elements="dict",
            options=dict(
                subnet_id=dict(type="str", required=True),
                allocation_id=dict(type="str"),
                private_ipv4_address=dict(type="str"),
                ipv6_address=dict(type="str"),
            ),
        ),
        security_groups=dict(type="list", elements="str"),
        ip_address_type=dict(type="str", choices=["ipv4", "dualstack", "dualstack-without-public-ipv4"]),
        deletion_protection=dict(type="bool"),
        idle_timeout=dict(type="int"),
        drop_invalid_header_fields=dict(type="bool"),
        http2=dict(type="bool"),
        desync_mitigation_mode=dict(type="str", choices=["monitor", "defensive", "strictest"]),
        cross_zone=dict(type="bool"),
        access_logs=dict(
            type="dict",
            options=dict(enabled=dict(type="bool"), bucket=dict(type="str"), prefix=dict(type="str")),
        ),
        force_disable_deletion_protection=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
