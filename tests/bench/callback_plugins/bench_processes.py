# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper: count the module processes a playbook run starts (and its async jobs).

Enabled by ``make bench`` only (ANSIBLE_CALLBACK_PLUGINS, ANSIBLE_CALLBACKS_ENABLED=bench_processes); appends one
JSON line per playbook run to the file named by BENCH_PROCESSES_FILE: ``{"playbook", "processes", "async_jobs",
"by_action"}``. A module process is a task (a loop item, an until retry) whose action runs a module; controller-only actions
(set_fact, debug, assert, include_*, ...) and skipped tasks are not counted.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_processes
type: aggregate
short_description: Count module processes for make bench
description: Appends the count of module processes and async jobs of each playbook run to BENCH_PROCESSES_FILE.
requirements: [enabled in callbacks_enabled]
"""

CONTROLLER_ONLY = {
    "add_host", "assert", "debug", "fail", "group_by", "import_playbook", "import_role", "import_tasks",
    "include_role", "include_tasks", "include_vars", "meta", "pause", "set_fact", "set_stats",
    "validate_argument_spec",
}


def short_action(action):
    """``ansible.builtin.set_fact`` and ``ansible.legacy.set_fact`` -> ``set_fact``; others as they are."""
    for prefix in ("ansible.builtin.", "ansible.legacy."):
        if action.startswith(prefix):
            return action[len(prefix):]
    return action


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_processes"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.playbook = None
        self.processes = Counter()
        self.async_jobs = 0

    def v2_playbook_on_start(self, playbook):
        self.playbook = os.path.basename(playbook._file_name)  # pylint: disable=protected-access

    def _count(self, result):
        task = result._task  # pylint: disable=protected-access
        action = short_action(getattr(task, "resolved_action", None) or task.action)
        if action in CONTROLLER_ONLY or "results" in result._result:  # pylint: disable=protected-access
            return  # a loop's items were counted one by one
        self.processes[action] += 1
        if getattr(task, "async_val", 0):
            self.async_jobs += 1

    def v2_runner_on_ok(self, result):
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result)

    def v2_runner_retry(self, result):
        self._count(result)  # an until loop starts the module again on each retry

    def v2_runner_item_on_ok(self, result):
        self._count(result)

    def v2_runner_item_on_failed(self, result):
        self._count(result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_PROCESSES_FILE")
        if not path:
            return
        line = {"playbook": self.playbook, "processes": sum(self.processes.values()), "async_jobs": self.async_jobs,
                "by_action": dict(sorted(self.processes.items()))}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
