# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Listener rules: find the listener and the rule, ensure present (create, update or move), ensure absent.

The one reconciliation of a listener rule, called by ``webops.https_rollout.elb_listener_rule`` and by the stack
engine. Functions of a boto3 ``elbv2`` client (wrapped with ``common.aws_retry``) and explicit arguments: ``params``
is a dict of the module's options, ``warn`` a callable that reports a warning. Each ``ensure_*`` returns
``(changed, state)``: ``state`` is the after-state (``{}`` once deleted).
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import actions
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import rules
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import desired_tags
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_name
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes


def find_rule_listener(client, params):
    """The listener description, or None when it (or its load balancer) does not exist."""
    if params["listener_arn"]:
        return api.describe_listener(client, params["listener_arn"])
    lb = api.find_load_balancer(client, params["load_balancer"])
    if lb is None:
        return None
    for listener in api.describe_listeners(client, lb["LoadBalancerArn"]):
        if listener.get("Port") == params["port"]:
            return listener
    return None


def find_rule(client, listener_arn, params):
    """``(current_state, occupant_state)``: the rule the options identify, and the rule at ``priority`` (if another)."""
    found = [r for r in api.describe_rules(client, listener_arn) if not r.get("IsDefault")]
    at_priority = [r for r in found if str(r.get("Priority")) == str(params["priority"])] if params["priority"] else []
    wanted = found if params["name"] else at_priority
    tags = api.get_tags(client, [r["RuleArn"] for r in wanted]) if wanted else {}
    states = [dict(rules.rule_state(r, tags.get(r["RuleArn"], {})), listener_arn=listener_arn) for r in wanted]
    return pick_rule(states, params, listener_arn)


def pick_rule(states, params, listener_arn):
    """``(current_state, occupant_state)`` among a listener's rule states: the rule the options identify (by its
    Name tag when ``name`` is set, else by ``priority``), and another rule at ``priority``."""
    at_priority = [s for s in states if str(s.get("priority")) == str(params["priority"])] if params["priority"] else []
    occupant = at_priority[0] if at_priority else None
    if params["name"]:
        named = [s for s in states if s["name"] == params["name"]]
        if len(named) > 1:
            raise RolloutError(
                f"{len(named)} rules of listener {listener_arn} carry Name={params['name']!r}: "
                f"{', '.join(s['arn'] for s in named)}. Rename or delete all but one."
            )
        current = named[0] if named else None
        if occupant and current and occupant["arn"] == current["arn"]:
            occupant = None
        return current, occupant
    return occupant, None


def ensure_rule_present(client, listener_arn, current, params, check_mode, warn):
    """Create, update or move the rule. Returns ``(changed, state)``."""
    resolved = actions.existing_target_groups(client, "action", params["action"], check_mode, warn)
    action = actions.desired_action(params["action"], resolved)
    conditions = rules.desired_conditions(params["conditions"])
    wanted_tags = desired_tags(params["tags"], params["stack"])
    purge_tags = params["purge_tags"] and params["tags"] is not None
    if params["name"]:
        wanted_tags = dict(wanted_tags or {}, Name=params["name"])

    if current is None:
        changed = True
        move = modify = False
        to_set, to_remove = {}, []
    else:
        move = current["priority"] != params["priority"]
        modify = current["conditions"] != conditions or current["action"] != action
        to_set, to_remove = tag_changes(current["tags"], wanted_tags, purge_tags)
        changed = bool(move or modify or to_set or to_remove)

    if check_mode:
        where = listener_arn or params["listener_arn"] or predicted_ref(
            "listener", f"{predicted_name(params['load_balancer'])}:{params['port']}"
        )
        new = {
            "arn": predicted_ref("rule", f"{predicted_name(where)}:{params['name'] or params['priority']}"),
            "listener_arn": where,
            "tags": {},
        }
        state = dict(current) if current else new
        state.update(priority=params["priority"], conditions=conditions, action=action)
        state["tags"] = apply_tag_changes(state["tags"], *tag_changes(state["tags"], wanted_tags, purge_tags))
        state["name"] = state["tags"].get("Name")
        return changed, state
    if not changed:
        return False, current

    if current is None:
        request = {
            "ListenerArn": listener_arn,
            "Priority": params["priority"],
            "Conditions": rules.conditions_request(conditions),
            "Actions": actions.action_request(action),
        }
        if wanted_tags:
            request["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(wanted_tags.items())]
        rule = client.create_rule(aws_retry=True, **request)["Rules"][0]
        arn = rule["RuleArn"]
    else:
        arn = current["arn"]
        if move:
            client.set_rule_priorities(aws_retry=True, RulePriorities=[{"RuleArn": arn, "Priority": params["priority"]}])
        if modify:
            client.modify_rule(
                aws_retry=True,
                RuleArn=arn,
                Conditions=rules.conditions_request(conditions),
                Actions=actions.action_request(action),
            )
        api.update_tags(client, arn, to_set, to_remove)
    rule = client.describe_rules(aws_retry=True, RuleArns=[arn])["Rules"][0]
    tags = api.get_tags(client, [arn]).get(arn, {})
    return True, dict(rules.rule_state(rule, tags), listener_arn=listener_arn)


def ensure_rule_absent(client, current, check_mode):
    """Delete the rule. Returns ``(changed, state)``."""
    if current is None:
        return False, {}
    if not check_mode:
        client.delete_rule(aws_retry=True, RuleArn=current["arn"])
    return True, {}


def rule_argument_spec():
    """The module's options (the ownership options ``tags``, ``purge_tags``, ``stack`` apart): its argument spec,
    and the defaults the stack engine fills in for what it does not set."""
    conditions = dict(
        host_header=dict(type="list", elements="str"),
        path_pattern=dict(type="list", elements="str"),
        http_header=dict(
            type="list",
            elements="dict",
            options=dict(name=dict(type="str", required=True), values=dict(type="list", elements="str", required=True)),
        ),
        http_request_method=dict(type="list", elements="str"),
        query_string=dict(
            type="list", elements="dict", options=dict(key=dict(type="str", no_log=False), value=dict(type="str", required=True))
        ),
        source_ip=dict(type="list", elements="str"),
    )
    return dict(
        listener_arn=dict(type="str"),
        load_balancer=dict(type="str"),
        port=dict(type="int"),
        priority=dict(type="int"),
        name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        conditions=dict(type="dict", options=conditions),
        action=dict(type="dict", options=actions.action_argument_spec()),
    )
