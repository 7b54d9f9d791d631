# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Listeners, with their TLS side: the default certificate, the SNI certificates, the TLS and ALPN policies.

State, desired fields, ModifyListener changes, the SNI certificate reconciliation (:func:`certificate_changes`),
predictions and validation; and the ACM status a listener change checks first.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import action_request
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import action_state
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import validate_action
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import HTTP_PROTOCOLS
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import TLS_PROTOCOLS
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import an
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes

#: The TLS 1.3 + TLS 1.2 policy used when ``ssl_policy`` is not given.
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


# ---------------------------------------------------------------------------
# TLS: the certificate a listener presents
# ---------------------------------------------------------------------------


def certificate_status(acm_client, arn):
    """The ACM status of a certificate (ISSUED, PENDING_VALIDATION, ...), or None when it does not exist."""
    try:
        return acm_client.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"].get("Status")
    except is_boto3_error_code(("ResourceNotFoundException", "ValidationException")):
        return None


# ---------------------------------------------------------------------------
# State, changes and predictions
# ---------------------------------------------------------------------------


def listener_state(listener, sni_certificates, tags):
    """The snake_case state of a listener.

    ``sni_certificates`` is DescribeListenerCertificates' answer as ``[(arn, is_default)]``,
    or None for a listener without TLS. The default certificate is the first one
    DescribeListeners reports (AWS lists only that one there; some emulators list all).
    """
    protocol = listener.get("Protocol")
    certificates = [c["CertificateArn"] for c in listener.get("Certificates") or []]
    default = certificates[0] if certificates else None
    extra = sorted({arn for arn, is_default in (sni_certificates or []) if not is_default and arn != default})
    alpn = [p for p in listener.get("AlpnPolicy") or [] if p]
    tls = protocol in TLS_PROTOCOLS
    return {
        "arn": listener.get("ListenerArn"),
        "load_balancer_arn": listener.get("LoadBalancerArn"),
        "port": listener.get("Port"),
        "protocol": protocol,
        "default_action": action_state(listener.get("DefaultActions")),
        "certificate_arn": default if tls else None,
        "extra_certificate_arns": extra if tls else [],
        "ssl_policy": listener.get("SslPolicy") if tls else None,
        "alpn_policy": alpn[0] if alpn and protocol == "TLS" else None,
        "tags": tags,
    }


def desired_listener(params, action, current):
    """The listener fields the options ask for (None = keep what AWS has): protocol, action, TLS settings."""
    protocol = params.get("protocol") or (current or {}).get("protocol")
    tls = protocol in TLS_PROTOCOLS
    wanted = {"protocol": protocol, "default_action": action}
    if tls:
        wanted["certificate_arn"] = params.get("certificate_arn") or (current or {}).get("certificate_arn")
        policy = params.get("ssl_policy")
        if policy is None:
            becomes_tls = not current or current.get("protocol") not in TLS_PROTOCOLS
            policy = DEFAULT_SSL_POLICY if becomes_tls else current.get("ssl_policy")
        wanted["ssl_policy"] = policy
        if protocol == "TLS" and params.get("alpn_policy") is not None:
            wanted["alpn_policy"] = None if params["alpn_policy"] == "None" else params["alpn_policy"]
    return wanted


def listener_changes(current, wanted):
    """ModifyListener parameters for what differs between ``current`` and ``wanted``."""
    changes = {}
    if wanted["protocol"] and wanted["protocol"] != current["protocol"]:
        changes["Protocol"] = wanted["protocol"]
    if wanted["default_action"] is not None and wanted["default_action"] != current["default_action"]:
        changes["DefaultActions"] = action_request(wanted["default_action"])
    if wanted.get("certificate_arn") and wanted["certificate_arn"] != current["certificate_arn"]:
        changes["Certificates"] = [{"CertificateArn": wanted["certificate_arn"]}]
    if wanted.get("ssl_policy") and wanted["ssl_policy"] != current["ssl_policy"]:
        changes["SslPolicy"] = wanted["ssl_policy"]
    if "alpn_policy" in wanted and wanted["alpn_policy"] != current["alpn_policy"]:
        changes["AlpnPolicy"] = [wanted["alpn_policy"] or "None"]
    if "Protocol" in changes and wanted["protocol"] in TLS_PROTOCOLS:
        # AWS wants the TLS settings in the same call that turns a listener into HTTPS or TLS.
        changes.setdefault("Certificates", [{"CertificateArn": wanted["certificate_arn"]}])
        changes.setdefault("SslPolicy", wanted["ssl_policy"])
    return changes


def create_listener_request(load_balancer_arn, port, wanted, tags):
    request = {"LoadBalancerArn": load_balancer_arn, "DefaultActions": action_request(wanted["default_action"])}
    if wanted["protocol"]:
        request["Protocol"] = wanted["protocol"]
    if port is not None:
        request["Port"] = port
    if wanted.get("certificate_arn"):
        request["Certificates"] = [{"CertificateArn": wanted["certificate_arn"]}]
    if wanted.get("ssl_policy"):
        request["SslPolicy"] = wanted["ssl_policy"]
    if wanted.get("alpn_policy"):
        request["AlpnPolicy"] = [wanted["alpn_policy"]]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


# ---------------------------------------------------------------------------
# SNI certificates
# ---------------------------------------------------------------------------


def certificate_changes(current_extra, wanted_extra, purge, default_arn):
    """``(to_add, to_remove)`` of SNI certificates, by ARN; order does not matter and the default is never an extra."""
    if wanted_extra is None:
        return [], []
    wanted = {arn for arn in wanted_extra if arn != default_arn}
    have = set(current_extra or [])
    to_add = sorted(wanted - have)
    to_remove = sorted(have - wanted) if purge else []
    return to_add, to_remove


# ---------------------------------------------------------------------------
# Predictions and validation
# ---------------------------------------------------------------------------


def predict_listener(current, wanted, port, to_add, to_remove, wanted_tags, purge_tags):
    """The listener after the changes (the check-mode result)."""
    state = dict(current) if current else {
        "arn": None,
        "load_balancer_arn": None,
        "port": port,
        "protocol": None,
        "default_action": None,
        "certificate_arn": None,
        "extra_certificate_arns": [],
        "ssl_policy": None,
        "alpn_policy": None,
        "tags": {},
    }
    state["protocol"] = wanted["protocol"]
    if wanted["default_action"] is not None:
        state["default_action"] = wanted["default_action"]
    tls = wanted["protocol"] in TLS_PROTOCOLS
    state["certificate_arn"] = wanted.get("certificate_arn") if tls else None
    state["ssl_policy"] = wanted.get("ssl_policy") if tls else None
    if "alpn_policy" in wanted:
        state["alpn_policy"] = wanted["alpn_policy"]
    elif wanted["protocol"] != "TLS":
        state["alpn_policy"] = None
    extra = (set(state["extra_certificate_arns"]) | set(to_add)) - set(to_remove)
    state["extra_certificate_arns"] = sorted(extra) if tls else []
    to_set, to_remove_tags = tag_changes(state["tags"], wanted_tags, purge_tags)
    state["tags"] = apply_tag_changes(state["tags"], to_set, to_remove_tags)
    return state


def validate_listener(params):
    """Problems the options show on their own, before any call; None when there is none."""
    if params.get("state") == "absent":
        return None
    protocol = params.get("protocol")
    port = params.get("port")
    if port is not None and not 1 <= port <= 65535:
        return f"port={port} is out of range: use a port from 1 to 65535"
    action = params.get("default_action")
    if params.get("redirect_to_https"):
        if action:
            return "redirect_to_https is a default action of its own: give it or default_action, not both"
        if protocol and protocol != "HTTP":
            return f"redirect_to_https needs protocol=HTTP (it answers plain HTTP with a redirect), not protocol={protocol}"
    elif not action:
        return "state=present needs default_action (or redirect_to_https=true)"
    problem = validate_action(action, "default_action", protocol)
    if problem:
        return problem
    tls = protocol in TLS_PROTOCOLS
    if tls and not params.get("certificate_arn"):
        return (
            f"protocol={protocol} needs certificate_arn, the ACM certificate the listener presents: "
            "request or import one first (it must be ISSUED)"
        )
    if protocol and not tls:
        for option in ("certificate_arn", "extra_certificate_arns", "ssl_policy"):
            if params.get(option):
                return f"{option} applies to HTTPS and TLS listeners only, not protocol={protocol}: remove it"
    if params.get("alpn_policy") is not None and protocol and protocol != "TLS":
        return f"alpn_policy applies to TLS listeners (network load balancer) only, not protocol={protocol}"
    value = params.get("certificate_arn")
    if value and not value.startswith("arn:") and not is_predicted(value):
        return f"certificate_arn={value!r} is not a certificate ARN: give the ACM certificate's ARN"
    for index, value in enumerate(params.get("extra_certificate_arns") or []):
        if not value.startswith("arn:") and not is_predicted(value):
            return f"extra_certificate_arns[{index}]={value!r} is not a certificate ARN: give the ACM certificate's ARN"
    return None


def validate_listener_for_lb(params, lb_type):
    """Problems that show once the load balancer's type is known (still before any change)."""
    if params.get("state") == "absent":
        return None
    protocol = params.get("protocol")
    if lb_type == "gateway":
        for option in ("protocol", "port", "certificate_arn", "ssl_policy", "alpn_policy"):
            if params.get(option) is not None:
                return f"{option} does not apply to a gateway load balancer's listener: remove it"
        action = params.get("default_action") or {}
        if params.get("redirect_to_https") or action.get("type") != "forward":
            return "a gateway load balancer's listener can only forward to a GENEVE target group"
        return None
    if params.get("port") is None:
        return f"port is required for a listener of {an(lb_type)} load balancer"
    if protocol is None:
        return f"protocol is required for a listener of {an(lb_type)} load balancer"
    if lb_type == "application" and protocol not in HTTP_PROTOCOLS:
        return f"protocol={protocol} does not fit an application load balancer: use HTTP or HTTPS"
    if lb_type == "network":
        if protocol in HTTP_PROTOCOLS:
            hint = "use TLS for TLS offload" if protocol == "HTTPS" else "use TCP"
            return f"protocol={protocol} does not fit a network load balancer (layer 4): {hint}"
        if params.get("redirect_to_https"):
            return (
                "redirect_to_https needs an application load balancer: a network load balancer cannot redirect "
                "(let the hosts answer 301 on port 80)"
            )
    return validate_action(params.get("default_action"), "default_action", protocol)
