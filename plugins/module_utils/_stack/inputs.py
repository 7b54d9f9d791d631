# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine's options, and the per-resource ``params`` the shared reconciliation takes.

The engine's suboptions are subsets of the per-resource modules' own argument specs (the same dicts, so the types
and choices are defined once). :func:`fill` completes a resource's options with the defaults of its module's spec,
so ``ensure_*`` get the ``params`` they get from the module.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import certificate_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import TLS_PROTOCOLS
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import listener_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import load_balancer_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_rules import rule_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import target_group_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils._stack.dns import dns_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils._stack.groups import security_groups_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError

PHASES = ("start", "finish", "targets", "absent")

CERTIFICATE_KEYS = ("name", "domain_name", "subject_alternative_names", "allow_more_names", "key_algorithm")
TARGET_GROUP_KEYS = (
    "name", "protocol", "protocol_version", "port", "vpc_id", "target_type", "ip_address_type", "health_check",
    "deregistration_delay", "slow_start", "load_balancing_algorithm", "preserve_client_ip", "proxy_protocol_v2",
    "stickiness", "targets", "purge_targets", "wait_healthy", "wait_healthy_count",
)
LOAD_BALANCER_KEYS = (
    "name", "type", "scheme", "subnets", "subnet_mappings", "security_groups", "ip_address_type", "idle_timeout",
    "drop_invalid_header_fields", "deletion_protection", "http2", "desync_mitigation_mode", "cross_zone", "access_logs",
)
LISTENER_KEYS = (
    "port", "protocol", "default_action", "redirect_to_https", "extra_certificate_arns", "purge_extra_certificates",
    "ssl_policy", "alpn_policy",
)
RULE_KEYS = ("port", "priority", "name", "state", "conditions", "action")


def stack_argument_spec():
    """The engine module's argument spec (the ownership options ``tags`` and ``purge_tags`` apart).

    Each resource is a plain dict (or list of dicts) here: :func:`checked` validates it against its module's own
    argument spec, so the types, choices and defaults are defined once, in the module's reconciliation.
    """
    return dict(
        stack=dict(type="str", required=True),
        phase=dict(type="str", required=True, choices=list(PHASES)),
        certificate=dict(type="dict"),
        target_groups=dict(type="list", elements="dict", default=[]),
        load_balancer=dict(type="dict"),
        listeners=dict(type="list", elements="dict", default=[]),
        rules=dict(type="list", elements="dict", default=[]),
        dns=dns_argument_spec(),
        target_group_arns=dict(type="dict", default={}),
        security_groups=security_groups_argument_spec(),
        wait_timeout=dict(type="int", default=900),
        wait_slice=dict(type="int", default=0),
    )


def checked(spec, keys, values, where, extra=None):
    """``values`` validated against the ``keys`` of the module spec ``spec`` (and ``extra`` options of the engine's
    own): types converted, suboptions completed. A problem raises :class:`RolloutError` naming ``where``."""
    sub = {key: spec[key] for key in keys if key in spec}
    sub.update(extra or {})
    result = ArgumentSpecValidator(sub).validate(dict(values or {}))
    if result.error_messages:
        allowed = ", ".join(sorted(sub))
        raise RolloutError(f"{where}: {result.error_messages[0]} (the engine takes: {allowed})")
    return result.validated_parameters


def fill(spec, values):
    """``values`` completed with every option of ``spec`` (its default, or None), nested options included.

    Keys of ``values`` that ``spec`` does not have (the ownership options) are kept as they are.
    """
    out = dict(values or {})
    for key, option in spec.items():
        value = values.get(key, option.get("default")) if values else option.get("default")
        if value is not None and option.get("options"):
            if option.get("type") == "list":
                value = [fill(option["options"], item) for item in value]
            else:
                value = fill(option["options"], value)
        out[key] = value
    return out


def owned(options, values, **extra):
    """The stack's ownership options (``stack``, ``tags``, ``purge_tags``) with ``values`` and ``extra``."""
    return dict(values or {}, stack=options["stack"], tags=options["tags"], purge_tags=options["purge_tags"], **extra)


def certificate_params(options):
    """``acm_certificate``'s params for the stack's certificate (requested, no wait), or None without one."""
    if not options["certificate"]:
        return None
    spec = certificate_argument_spec()
    values = checked(spec, CERTIFICATE_KEYS, options["certificate"], "certificate")
    return fill(spec, owned(options, values, state="present", wait=False, wait_timeout=options["wait_timeout"]))


def target_group_params(options, group, index):
    """``elb_target_group``'s params for one group (no wait: the engine waits), with the engine's ``wait_healthy``."""
    spec = target_group_argument_spec()
    values = checked(spec, TARGET_GROUP_KEYS, group, f"target_groups[{index}]",
                     extra={"wait_healthy": dict(type="bool", default=True)})
    wait_healthy = values.pop("wait_healthy")
    params = fill(spec, owned(options, values, state="present", wait_healthy=False, wait_timeout=options["wait_timeout"]))
    return params, wait_healthy


def load_balancer_params(options):
    if not options["load_balancer"]:
        return None
    spec = load_balancer_argument_spec()
    values = checked(spec, LOAD_BALANCER_KEYS, options["load_balancer"], "load_balancer")
    return fill(spec, owned(options, values, state="present", wait=False, wait_timeout=options["wait_timeout"]))


def is_tls(listener):
    """Whether the listener serves a certificate (it waits for the certificate: the finish phase)."""
    return listener.get("protocol") in TLS_PROTOCOLS


def listener_values(options):
    """The listeners' options, checked (``[values]``)."""
    spec = listener_argument_spec()
    return [checked(spec, LISTENER_KEYS, listener, f"listeners[{index}]") for index, listener in enumerate(options["listeners"])]


def listener_params(options, listener, certificate_arn=None):
    values = dict(listener, load_balancer=options["load_balancer"]["name"], state="present")
    if is_tls(listener):
        values["certificate_arn"] = certificate_arn
    return fill(listener_argument_spec(), owned(options, values))


def rule_values(options):
    """The rules' options, checked (``[values]``); ``port`` defaults to 443."""
    spec = rule_argument_spec()
    extra = {"port": dict(type="int", default=443)}
    values = [checked(spec, RULE_KEYS, rule, f"rules[{index}]", extra=extra) for index, rule in enumerate(options["rules"])]
    groups = options["target_groups"] or []
    for rule in values:
        if rule.get("action") is None and groups and groups[0].get("name"):
            # Without an action a rule forwards to the stack's first target group (as the role's rules do).
            rule["action"] = fill(spec["action"]["options"], {"type": "forward", "target_group": groups[0]["name"]})
    return values


def rule_params(options, rule):
    values = dict(rule, load_balancer=options["load_balancer"]["name"])
    return fill(rule_argument_spec(), owned(options, values))
