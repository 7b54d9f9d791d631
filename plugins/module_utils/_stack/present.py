# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The start and finish phases: validate everything, read once, plan and apply with the per-resource functions.

start: the certificate (requested, no wait), the target groups, the load balancer and the listeners without a
certificate, no waits. finish: the same resources (nothing changes on a rerun), then the certificate issued, the
load balancer active and the targets healthy (concurrently, one deadline), then the listeners with the certificate,
the rules, and the retirement of superseded certificates. A start phase that finds everything in place and ready
does the finish's work at once (``finished: true``), so the finish call can be skipped.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._acm import reconcile as acm
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import listeners as elb_listeners
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import load_balancers
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import reconcile_listeners
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import reconcile_load_balancers
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import reconcile_rules
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import reconcile_target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import rules as elb_rules
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_group_validation
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_groups as elb_target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import creates
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import dns
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import inputs
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import read
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import table
from ansible_collections.webops.https_rollout.plugins.module_utils._stack.waits import wait_all
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_error
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref


class Plan:
    """What the phase read, the per-resource params, and the rows and diffs of what it does."""

    def __init__(self, options):
        self.options = options
        self.certificate = inputs.certificate_params(options)
        groups = [inputs.target_group_params(options, group, i) for i, group in enumerate(options["target_groups"])]
        self.target_groups = [params for params, _wait in groups]
        self.wait_healthy = {params["name"]: wait for params, wait in groups}
        self.load_balancer = inputs.load_balancer_params(options)
        self.listeners = inputs.listener_values(options) if self.load_balancer else []
        self.rules = inputs.rule_values(options) if self.load_balancer else []
        self.rows, self.diffs, self.changed = [], [], False
        self.current = {}
        self.states = {"target_groups": {}, "listeners": {}, "rules": []}

    def record(self, resource, changed, before, after):
        self.changed = self.changed or changed
        self.rows.append(table.row(resource, changed, before, after))
        self.diffs.append(table.diff(resource, before, after))


def _listener_label(listener):
    return f"listener {listener.get('protocol') or '?'}:{listener.get('port')}"


def validate_inputs(plan):
    """Every problem the options show on their own, before any call to AWS (the first one raises)."""
    options = plan.options
    if plan.certificate:
        problem, _parsed = acm.validate_certificate(plan.certificate)
        if problem:
            raise RolloutError(f"certificate: {problem}")
    for index, params in enumerate(plan.target_groups):
        problem = target_group_validation.validate_target_group(params)
        if problem:
            raise RolloutError(f"target_groups[{index}] ({params['name']}): {problem}")
    if plan.load_balancer:
        problem = load_balancers.validate_load_balancer(plan.load_balancer)
        if problem:
            raise RolloutError(f"load_balancer: {problem}")
    elif options["listeners"] or options["rules"]:
        raise RolloutError("listeners and rules need load_balancer: give the load balancer they belong to")
    for index, listener in enumerate(plan.listeners):
        if inputs.is_tls(listener) and not plan.certificate:
            raise RolloutError(f"listeners[{index}]: protocol={listener['protocol']} needs the stack's certificate: give certificate")
        params = inputs.listener_params(options, listener, predicted_ref("certificate", "stack"))
        problem = elb_listeners.validate_listener(params)
        problem = problem or elb_listeners.validate_listener_for_lb(params, plan.load_balancer.get("type") or "application")
        if problem:
            raise RolloutError(f"listeners[{index}]: {problem}")
    for index, rule in enumerate(plan.rules):
        params = inputs.rule_params(options, rule)
        problem, _warning = elb_rules.validate_rule(params)
        if problem:
            raise RolloutError(f"rules[{index}]: {problem}")
    if options.get("dns") and options["dns"]["alias_names"] and not plan.load_balancer:
        raise RolloutError("dns.alias_names point at the stack's load balancer: give load_balancer")
    dns.check_names(options)


def read_stack(plan, clients):
    """Read everything the phase touches; validate against it (options AWS cannot change, ownership)."""
    options = plan.options
    tagged = read.split_tagged(read.tagged_resources(clients.tagging(), options["stack"]))
    current = plan.current
    if plan.certificate:
        _owned, current["certificate"], current["superseded"] = read.read_certificate(
            clients.acm(), plan.certificate, tagged["certificate"]
        )
    names = [params["name"] for params in plan.target_groups]
    current["target_groups"], _others = read.read_target_groups(clients.elbv2(), names, tagged["target_group"])
    current["listeners"], current["rules"] = {}, {}
    if plan.load_balancer:
        attributes, state, lb, duplicates = read.read_load_balancer_of(
            clients.elbv2(), plan.load_balancer["name"], tagged["load_balancer"]
        )
        current["load_balancer"] = (attributes, state, lb)
        current["duplicates"] = [d["LoadBalancerArn"] for d in duplicates]
        if lb is not None:
            rule_ports = {rule["port"] for rule in plan.rules}
            current["listeners"], current["rules"] = read.read_listeners(clients.elbv2(), lb, rule_ports)

    for params in plan.target_groups:
        _attributes, state = current["target_groups"].get(params["name"], (None, None))
        problem = target_group_validation.validate_target_group(params, state, creating=state is None)
        if not problem and state:
            problem = ownership_error("target group", params["name"], state["tags"], options["stack"], deleting=False)
        if problem:
            raise RolloutError(f"target group {params['name']}: {problem}")
    if plan.load_balancer:
        _attributes, state, _lb = current["load_balancer"]
        problem = load_balancers.validate_load_balancer(plan.load_balancer, state, creating=state is None)
        if not problem and state:
            problem = ownership_error("load balancer", plan.load_balancer["name"], state["tags"], options["stack"], False)
        if problem:
            raise RolloutError(f"load_balancer: {problem}")
    for listener in plan.listeners:
        state = current["listeners"].get(listener["port"])
        if state:
            what = f"{plan.load_balancer['name']}:{listener['port']}"
            problem = ownership_error("listener", what, state["tags"], options["stack"], False)
            if problem:
                raise RolloutError(problem)


def check_ssl_policies(plan, clients):
    """A TLS policy AWS does not offer is refused before any change (one DescribeSSLPolicies, and only when a
    listener's policy would change)."""
    for index, listener in enumerate(plan.listeners):
        if not inputs.is_tls(listener):
            continue
        wanted = listener.get("ssl_policy") or elb_listeners.DEFAULT_SSL_POLICY
        state = plan.current["listeners"].get(listener["port"])
        if state and state.get("ssl_policy") == wanted:
            continue
        if not api.ssl_policy_exists(clients.elbv2(), wanted):
            raise RolloutError(
                f"listeners[{index}].ssl_policy={wanted} is not a TLS policy AWS offers: see "
                f"'aws elbv2 describe-ssl-policies', or leave it out for {elb_listeners.DEFAULT_SSL_POLICY}"
            )


def check_rules(plan):
    """A rule's priority held by another rule is refused before any change."""
    for index, rule in enumerate(plan.rules):
        params = inputs.rule_params(plan.options, rule)
        states = plan.current["rules"].get(rule["port"], [])
        listener = plan.current["listeners"].get(rule["port"])
        current, occupant = reconcile_rules.pick_rule(states, params, (listener or {}).get("arn"))
        if current:
            what = params["name"] or f"priority {params['priority']}"
            problem = ownership_error("listener rule", what, current["tags"], plan.options["stack"], params["state"] == "absent")
            if problem:
                raise RolloutError(f"rules[{index}]: {problem}")
        if occupant and params["state"] == "present":
            raise RolloutError(
                f"rules[{index}]: priority {params['priority']} of listener {listener['arn']} is held by another rule "
                f"({occupant['arn']}, Name={occupant['name']!r}): choose a free priority, or move or delete that rule first"
            )


def _with_group_arns(action, group_arns):
    """An action whose target group names are replaced by the ARNs the read found (no lookup call then)."""
    if not action:
        return action
    action = dict(action)
    if action.get("target_group") in group_arns:
        action["target_group"] = group_arns[action["target_group"]]
    if action.get("target_groups"):
        action["target_groups"] = [
            dict(g, name=group_arns.get(g["name"], g["name"])) for g in action["target_groups"]
        ]
    return action


def _group_arns(plan):
    return {name: state["arn"] for name, state in plan.states["target_groups"].items()
            if state.get("arn") and not is_predicted(state["arn"])}


def use_stack_group(plan, group_states):
    """The load balancer takes the stack's load-balancer group of the same call (its ID, or its placeholder in check
    mode) first, before the groups it names itself."""
    group_id = (group_states.get("load_balancer") or {}).get("group_id")
    if plan.load_balancer and group_id:
        named = plan.load_balancer.get("security_groups") or []
        plan.load_balancer["security_groups"] = [group_id] + [group for group in named if group != group_id]


def apply_certificate(plan, clients, check_mode, warn):
    """The certificate, requested or updated without waiting for it: the first change of a start phase, since its
    validation is the rollout's longest wait."""
    current = plan.current
    if plan.certificate:
        before = acm.certificate_before(current["certificate"], current["superseded"])
        changed, state = acm.ensure_certificate_present(
            clients.acm(), clients.elbv2, plan.certificate, None, current["certificate"], current["superseded"],
            check_mode, warn, wait=False,
        )
        plan.states["certificate"] = state
        plan.record(f"certificate {plan.certificate['name']}", changed, before, state)


def apply_start(plan, clients, check_mode, warn):
    """Target groups, load balancer (no wait), listeners without a certificate (after :func:`apply_certificate`)."""
    current = plan.current
    for params in plan.target_groups:
        attributes, before = current["target_groups"].get(params["name"], (None, None))
        changed, state = reconcile_target_groups.ensure_target_group_present(
            clients.elbv2(), attributes, before, params, check_mode, wait=False,
            create=creates.target_group_creator(clients, plan.options["stack"]),
        )
        plan.states["target_groups"][params["name"]] = state
        plan.record(f"target group {params['name']}", changed, before, state)
    if plan.load_balancer:
        attributes, before, _lb = current["load_balancer"]
        changed, state = reconcile_load_balancers.ensure_load_balancer_present(
            clients.elbv2(), attributes, before, plan.load_balancer, check_mode, wait=False,
            create=creates.load_balancer_creator(clients, plan.options["stack"]),
        )
        plan.states["load_balancer"] = state
        plan.record(f"load balancer {plan.load_balancer['name']}", changed, before, state)
    for listener in plan.listeners:
        if not inputs.is_tls(listener):
            apply_listener(plan, clients, listener, check_mode, warn)


def _lb_description(plan):
    state = plan.states["load_balancer"]
    arn = state.get("arn")
    if not arn or is_predicted(arn):
        return {"LoadBalancerArn": None, "Type": None}
    return {"LoadBalancerArn": arn, "Type": state.get("type")}


def apply_listener(plan, clients, listener, check_mode, warn):
    certificate_arn = (plan.states.get("certificate") or {}).get("arn")
    params = inputs.listener_params(plan.options, listener, certificate_arn)
    params["default_action"] = _with_group_arns(params["default_action"], _group_arns(plan))
    before = plan.current["listeners"].get(listener["port"])
    changed, state = reconcile_listeners.ensure_listener_present(
        clients.elbv2(), clients.acm, _lb_description(plan), before, params, check_mode, warn
    )
    plan.states["listeners"][listener["port"]] = state
    plan.record(f"{_listener_label(listener)}", changed, before, state)


def ready_waits(plan, clients):
    """The waits the finish phase needs, built from the states (none when all is ready: a rerun)."""
    waits = {}
    certificate = plan.states.get("certificate")
    if certificate and certificate.get("status") != "ISSUED" and not is_predicted(certificate.get("arn")):
        domains = certificate.get("domains") or []
        description = {"CertificateArn": certificate["arn"], "Status": certificate.get("status"),
                       "DomainName": domains[0] if domains else None, "SubjectAlternativeNames": domains}
        waits["certificate"] = lambda timeout, progress: acm.wait_until_issued(
            clients.acm(), description, timeout, progress=lambda line: progress(f"certificate {domains[0]}: {line}"))
    lb = plan.states.get("load_balancer")
    if lb and lb.get("state") != "active" and not is_predicted(lb.get("arn")):
        waits["load_balancer"] = lambda timeout, progress: reconcile_load_balancers.wait_until_active(
            clients.elbv2(), lb["arn"], timeout, progress=progress)
    for params in plan.target_groups:
        state = plan.states["target_groups"].get(params["name"]) or {}
        if not plan.wait_healthy[params["name"]] or is_predicted(state.get("arn")) or not state.get("arn"):
            continue
        wait = target_wait(clients, params, state)
        if wait:
            waits[f"targets {params['name']}"] = wait
    return waits


def target_wait(clients, params, state):
    """The wait for a group's targets to be healthy (``state`` holds its ARN, port and targets), or None when the
    targets it waits for are healthy already. The finish and the targets phases both use it."""
    desired = elb_target_groups.normalise_targets(params["targets"], state["port"]) if params["targets"] is not None else None
    awaited = reconcile_target_groups.awaited_targets(state, desired)
    healthy = {(t["id"], t["port"]) for t in state.get("targets", []) if t["health"] == "healthy"}
    if not awaited or awaited <= healthy:
        return None
    return lambda timeout, progress: reconcile_target_groups.wait_until_healthy(
        clients.elbv2(), state["arn"], awaited, len(awaited), timeout, progress=progress)


def is_ready(plan, clients):
    return not ready_waits(plan, clients)


def apply_finish(plan, clients, check_mode, warn):
    """Wait (concurrently), then the listeners with the certificate, the rules, the superseded certificates."""
    waited = {}
    if not check_mode:
        waits = ready_waits(plan, clients)
        results, status, seconds = wait_all(
            waits, plan.options["wait_timeout"], slice_seconds=plan.options.get("wait_slice") or None
        )
        if results or waits:
            waited = {"seconds": seconds, "last_seen": status}
        pending = sorted(set(waits) - set(results))
        if pending:
            # The slice ended first: nothing after the waits is done yet; the caller comes back.
            waited["pending"] = [status[key] for key in pending]
            return waited
        if "certificate" in results:
            certificate, _wait = results["certificate"]
            plan.states["certificate"] = dict(plan.states["certificate"], status=certificate.get("Status"))
        if "load_balancer" in results:
            plan.states["load_balancer"] = dict(plan.states["load_balancer"], state="active")
        for key, (health, _wait) in results.items():
            if key.startswith("targets "):
                name = key[len("targets "):]
                plan.states["target_groups"][name] = dict(plan.states["target_groups"][name], targets=health)
    for listener in plan.listeners:
        if inputs.is_tls(listener):
            apply_listener(plan, clients, listener, check_mode, warn)
    for rule in plan.rules:
        apply_rule(plan, clients, rule, check_mode, warn)
    retire_superseded(plan, clients, check_mode, warn)
    return waited


def apply_rule(plan, clients, rule, check_mode, warn):
    params = inputs.rule_params(plan.options, rule)
    params["action"] = _with_group_arns(params["action"], _group_arns(plan))
    listener = plan.states["listeners"].get(rule["port"]) or plan.current["listeners"].get(rule["port"]) or {}
    listener_arn = listener.get("arn")
    current, _occupant = reconcile_rules.pick_rule(plan.current["rules"].get(rule["port"], []), params, listener_arn)
    label = f"rule {params['name'] or params['priority']} (port {rule['port']})"
    if params["state"] == "absent":
        changed, state = reconcile_rules.ensure_rule_absent(clients.elbv2(), current, check_mode)
        plan.changed = plan.changed or changed
        plan.rows.append(table.row(label, changed, current, {}, deleted=True))
        plan.diffs.append(table.diff(label, current, {}))
        return
    if is_predicted(listener_arn):
        listener_arn = None
    changed, state = reconcile_rules.ensure_rule_present(clients.elbv2(), listener_arn, current, params, check_mode, warn)
    plan.states["rules"].append(state)
    plan.record(label, changed, current, state)


def retire_superseded(plan, clients, check_mode, warn):
    """Delete the superseded certificates nothing serves any more, once the current one is issued."""
    certificate = plan.states.get("certificate")
    superseded = plan.current.get("superseded") or []
    if not certificate or not superseded:
        return
    if certificate.get("status") != "ISSUED" and not check_mode:
        return
    retired, _kept = acm.retire(clients.acm(), clients.elbv2(), superseded, check_mode, warn)
    for arn in retired:
        plan.changed = True
        plan.rows.append({"resource": f"superseded certificate {arn}", "action": "delete", "fields": []})
    if retired:
        kept = [c["CertificateArn"] for c, _t in superseded if c["CertificateArn"] not in retired]
        plan.states["certificate"] = dict(certificate, superseded_arns=kept, retired_arns=retired)
