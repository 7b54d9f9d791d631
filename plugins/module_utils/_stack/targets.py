# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The targets phase: after a start phase that found the whole stack in place and ready (a rerun), only the
targets' health can have changed while the host plays ran (a host stopped, a broken app). This phase reads the
target groups that wait for health (by name in one call, unless ``target_group_arns`` gives their ARNs from the
start phase's result) and their health (one call each), and waits, as the finish phase would, for the targets to
be healthy. It changes nothing.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_groups as elb_target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import present
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import table
from ansible_collections.webops.https_rollout.plugins.module_utils._stack.waits import wait_all
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError


def recheck(plan, clients, check_mode):
    """Read the health of the awaited targets and wait for them (not in check mode); the phase's result."""
    watched = [params for params in plan.target_groups if plan.wait_healthy[params["name"]]]
    known = plan.options.get("target_group_arns") or {}
    found = {params["name"]: {"TargetGroupArn": known[params["name"]], "Port": params["port"]}
             for params in watched if known.get(params["name"])}
    unknown = [params["name"] for params in watched if params["name"] not in found]
    if unknown:
        found.update({group["TargetGroupName"]: group
                      for group in api.describe_target_groups(clients.elbv2(), names=unknown)})
    missing = [params["name"] for params in watched if params["name"] not in found]
    if missing and not check_mode:
        raise RolloutError(f"target_groups: {', '.join(missing)} not found: phase targets follows a phase start "
                           "that made them; run phase start (or finish) first")
    states, waits = {}, {}
    for params in watched:
        group = found.get(params["name"])
        if group is None:
            continue
        arn, port = group["TargetGroupArn"], group.get("Port")
        health = elb_target_groups.targets_state(api.describe_target_health(clients.elbv2(), arn))
        states[params["name"]] = {"arn": arn, "name": params["name"], "port": port, "targets": health}
        wait = None if check_mode else present.target_wait(clients, params, states[params["name"]])
        if wait:
            waits[f"targets {params['name']}"] = wait
    results, status, seconds = wait_all(waits, plan.options["wait_timeout"],
                                        slice_seconds=plan.options.get("wait_slice") or None)
    waited = {"seconds": seconds, "last_seen": status} if waits else {}
    pending = sorted(set(waits) - set(results))
    if pending:
        waited["pending"] = [status[key] for key in pending]
    for key, (health, _wait) in results.items():
        name = key[len("targets "):]
        states[name] = dict(states[name], targets=health)
    rows = [table.row(f"targets of target group {name}", False, state, state) for name, state in states.items()]
    return {
        "changed": False,
        "plan": rows,
        "plan_table": table.render(rows),
        "diff": [],
        "finished": not pending,
        "waited": waited,
        "target_groups": states,
    }
