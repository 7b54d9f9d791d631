# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Listeners: read, find by port, check their certificates, ensure present, ensure absent.

The one reconciliation of a listener, called by ``webops.https_rollout.elb_listener`` and by the stack engine.
Functions of a boto3 ``elbv2`` client (wrapped with ``common.aws_retry``) and explicit arguments: ``params`` is a
dict of the module's options, ``lb`` the load balancer's description (boto3 shape), ``acm_client`` a callable that
returns an ACM client (made only when a certificate has to be checked), ``warn`` a callable that reports a warning.
Each ``ensure_*`` returns ``(changed, state)``: ``state`` is the after-state (``{}`` once deleted).
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import actions
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import listeners
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import protocols
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import desired_tags
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_name
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes


def read_listener(client, listener, tags=None):
    """The snake_case state of a listener description: its tags and, with TLS, its SNI certificates.

    ``tags`` are the listener's tags when the caller read them (in a batch).
    """
    arn = listener["ListenerArn"]
    sni = None
    if listener.get("Protocol") in protocols.TLS_PROTOCOLS:
        sni = api.describe_listener_certificates(client, arn)
    if tags is None:
        tags = api.get_tags(client, [arn]).get(arn, {})
    return listeners.listener_state(listener, sni, tags)


def find_listener(client, lb, port):
    for listener in api.describe_listeners(client, lb["LoadBalancerArn"]):
        if lb.get("Type") == "gateway" or listener.get("Port") == port:
            return listener
    return None


def check_listener_certificates(acm_client, certificates, check_mode, warn):
    """Fail unless every certificate is ISSUED in ACM.

    ``certificates`` is ``[(option, arn)]``: the option that names each one, for the message. ``acm_client`` is
    called for the client only when needed. A check-mode placeholder (a certificate that an earlier check-mode
    task would request) is not looked up: check mode warns and goes on, a real run refuses it.
    """
    for option, arn in certificates:
        if is_predicted(arn):
            missing_reference(option, f"certificate {arn}", check_mode, warn)
            continue
        status = listeners.certificate_status(acm_client(), arn)
        if status != "ISSUED":
            seen = "does not exist" if status is None else f"is {status}"
            raise RolloutError(
                f"{option}: certificate {arn} {seen}, and a listener may only use an ISSUED certificate: "
                "wait until ACM issues it (DNS validation records in place), or give another certificate"
            )


def ensure_listener_present(client, acm_client, lb, current, params, check_mode, warn):
    """Create or update the listener. Returns ``(changed, state)``.

    ``acm_client`` returns an ACM client (made only when a certificate has to be checked);
    ``warn`` reports a warning.
    """
    action = params["default_action"]
    # In check mode an earlier task may only have predicted them.
    resolved = actions.existing_target_groups(client, "default_action", action, check_mode, warn)
    wanted_action = actions.desired_action(actions.REDIRECT_TO_HTTPS if params["redirect_to_https"] else action, resolved)
    wanted = listeners.desired_listener(params, wanted_action, current)
    tls = wanted["protocol"] in protocols.TLS_PROTOCOLS
    wanted_tags = desired_tags(params["tags"], params["stack"])

    if current is None:
        changes = {"create": True}
        current_extra = []
        to_set, to_remove_tags = {}, []
    else:
        changes = listeners.listener_changes(current, wanted)
        current_extra = current["extra_certificate_arns"]
        to_set, to_remove_tags = tag_changes(current["tags"], wanted_tags, params["purge_tags"])
    to_add, to_remove = [], []
    if tls:
        to_add, to_remove = listeners.certificate_changes(
            current_extra, params["extra_certificate_arns"], params["purge_extra_certificates"], wanted["certificate_arn"]
        )
    changed = bool(changes or to_add or to_remove or to_set or to_remove_tags)

    # Everything that could refuse the change is checked before the first mutating call.
    new_certificates = [("extra_certificate_arns", arn) for arn in to_add]
    if tls and (current is None or wanted["certificate_arn"] != current["certificate_arn"]):
        new_certificates.insert(0, ("certificate_arn", wanted["certificate_arn"]))
    check_listener_certificates(acm_client, new_certificates, check_mode, warn)
    if tls and (current is None or wanted["ssl_policy"] != current["ssl_policy"]):
        if not api.ssl_policy_exists(client, wanted["ssl_policy"]):
            raise RolloutError(
                f"ssl_policy={wanted['ssl_policy']!r} is not a TLS policy AWS offers: see "
                f"'aws elbv2 describe-ssl-policies', or leave it out for {listeners.DEFAULT_SSL_POLICY}"
            )

    if check_mode:
        state = listeners.predict_listener(current, wanted, params["port"], to_add, to_remove, wanted_tags, params["purge_tags"])
        state["load_balancer_arn"] = lb["LoadBalancerArn"] or predicted_ref("load-balancer", predicted_name(params["load_balancer"]))
        if current is None:
            state["arn"] = predicted_ref("listener", f"{predicted_name(params['load_balancer'])}:{params['port']}")
        return changed, state
    if not changed:
        return False, current

    if current is None:
        request = listeners.create_listener_request(lb["LoadBalancerArn"], params["port"], wanted, wanted_tags)
        described = client.create_listener(aws_retry=True, **request)["Listeners"][0]
        arn = described["ListenerArn"]
    else:
        described = None
        arn = current["arn"]
        if changes:
            client.modify_listener(aws_retry=True, ListenerArn=arn, **changes)
            if tls and "Certificates" in changes:
                # AWS keeps the SNI certificates over a new default certificate, but not every implementation of
                # ELB does (moto drops them): look again, and put back what is missing.
                present = {c for c, is_default in api.describe_listener_certificates(client, arn) if not is_default}
                wanted_extra = (set(current_extra) | set(to_add)) - set(to_remove) - {wanted["certificate_arn"]}
                to_add = sorted(wanted_extra - present)
                to_remove = sorted(set(to_remove) & present)
        api.update_tags(client, arn, to_set, to_remove_tags)
    if to_add:
        client.add_listener_certificates(
            aws_retry=True, ListenerArn=arn, Certificates=[{"CertificateArn": c} for c in to_add]
        )
    if to_remove:
        client.remove_listener_certificates(
            aws_retry=True, ListenerArn=arn, Certificates=[{"CertificateArn": c} for c in to_remove]
        )
    # The tags are what this call wrote: not read again.
    after_tags = (wanted_tags or {}) if current is None else apply_tag_changes(current["tags"], to_set, to_remove_tags)
    # A new listener's description is the create's answer; a changed one is described again.
    return True, read_listener(client, described or api.describe_listener(client, arn), tags=after_tags)


def ensure_listener_absent(client, current, check_mode):
    """Delete the listener. Returns ``(changed, state)``."""
    if current is None:
        return False, {}
    if not check_mode:
        client.delete_listener(aws_retry=True, ListenerArn=current["arn"])
    return True, {}


def listener_argument_spec():
    """The module's options (the ownership options ``tags``, ``purge_tags``, ``stack`` apart): its argument spec,
    and the defaults the stack engine fills in for what it does not set."""
    return dict(
        load_balancer=dict(type="str", required=True),
        port=dict(type="int"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        protocol=dict(type="str", choices=["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"]),
        default_action=dict(type="dict", options=actions.action_argument_spec()),
        redirect_to_https=dict(type="bool", default=False),
        certificate_arn=dict(type="str"),
        extra_certificate_arns=dict(type="list", elements="str"),
        purge_extra_certificates=dict(type="bool", default=True),
        ssl_policy=dict(type="str"),
        alpn_policy=dict(type="str", choices=["HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred", "None"]),
    )
