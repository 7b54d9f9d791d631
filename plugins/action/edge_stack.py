# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run webops.https_rollout.edge_stack in slices, printing between slices what it still waits on.

A module cannot print while it runs: Ansible shows its result when it exits. The finish phase may wait minutes
(certificate issued, load balancer active, targets healthy), so this action plugin runs the module with
``wait_slice`` seconds at a time. Each run reads the stack again (a few read calls), waits up to the slice, and
either finishes or returns what it still waits on, which is printed; the next run gets the time left of the one
deadline ``wait_timeout``. Nothing runs in the background: every slice is one foreground module run, and an
interrupted playbook leaves no job behind.
"""

from __future__ import annotations

import time

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

#: Seconds of waiting per module run, when the task does not set wait_slice.
DEFAULT_SLICE = 20


class ActionModule(ActionBase):
    """Slices of the module's waits, with a progress line between them."""

    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        args = dict(self._task.args)
        sliced = args.get("phase") in ("finish", "targets") and not self._task.check_mode
        slice_seconds = int(args.get("wait_slice") or DEFAULT_SLICE) if sliced else 0
        timeout = int(args.get("wait_timeout") or 900)
        start = time.monotonic()
        changed = False
        progress = []
        while True:
            left = max(1, int(timeout - (time.monotonic() - start)))
            run_args = dict(args, wait_timeout=left)
            if slice_seconds:
                # The last slice is the rest of the deadline: a timeout there is the module's own, with its message.
                run_args["wait_slice"] = slice_seconds if left > slice_seconds else 0
            answer = self._execute_module(
                module_name="webops.https_rollout.edge_stack", module_args=run_args, task_vars=task_vars
            )
            changed = changed or bool(answer.get("changed"))
            pending = (answer.get("waited") or {}).get("pending") or []
            if answer.get("failed") or not pending:
                break
            line = f"edge_stack {args.get('stack')}: {round(time.monotonic() - start)}s, waiting on: " + "; ".join(pending)
            progress.append(line)
            display.display(line)
        result.update(answer)
        result["changed"] = changed
        if progress:
            result["progress"] = progress
        return result
