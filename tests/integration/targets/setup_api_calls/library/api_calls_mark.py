#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test helper: mark where a test phase starts in moto's request recording."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: api_calls_mark
short_description: Mark the start of an API call counting phase in an integration test
description:
  - Counts the requests recorded so far in moto's recording file and appends
    C({"phase": NAME, "offset": N, "time": T}) to the phase log, so the test harness can count
    the AWS API calls each phase of an integration target made.
  - The recording file is named by the E(HTTPS_ROLLOUT_TEST_RECORDING) environment variable,
    the phase log by E(HTTPS_ROLLOUT_TEST_PHASES). The harness sets both.
  - A phase whose name starts with C(check) or C(idempotent) must make no mutating
    AWS call; the harness fails the target otherwise.
  - Only reads and appends local files, so it also runs in check mode. Never reports a change.
version_added: 0.1.0
author:
  - webops maintainers (@webops)
options:
  phase:
    description:
      - Name of the phase that starts now, for example V(check_mode), V(apply), V(idempotent).
    type: str
    required: true
attributes:
  check_mode:
    support: full
    description: Runs in check mode too; it changes nothing in AWS.
  diff_mode:
    support: none
    description: Nothing to diff.
"""

EXAMPLES = r"""
- name: Everything after this task counts as the idempotent rerun
  api_calls_mark:
    phase: idempotent
"""

RETURN = r"""
phase:
  description: The phase name that was logged.
  returned: always
  type: str
  sample: idempotent
offset:
  description: Number of requests in the recording when the phase started.
  returned: always
  type: int
  sample: 42
"""

import json
import os
import time

from ansible.module_utils.basic import AnsibleModule

RECORDING_ENV = "HTTPS_ROLLOUT_TEST_RECORDING"
PHASES_ENV = "HTTPS_ROLLOUT_TEST_PHASES"


def count_lines(path):
    """Return the number of non-blank lines in path (0 if it does not exist yet)."""
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def main():
    """Append the phase marker and return it."""
    module = AnsibleModule(
        argument_spec=dict(phase=dict(type="str", required=True)),
        supports_check_mode=True,
    )
    missing = [name for name in (RECORDING_ENV, PHASES_ENV) if not os.environ.get(name)]
    if missing:
        module.fail_json(
            msg="api_calls_mark needs the environment variable(s) %s; run the target through "
            "tests/integration/test_targets.py, which sets them." % ", ".join(missing)
        )
    phase = module.params["phase"]
    offset = count_lines(os.environ[RECORDING_ENV])
    with open(os.environ[PHASES_ENV], "a") as handle:
        handle.write(json.dumps({"phase": phase, "offset": offset, "time": time.time()}) + "\n")
    module.exit_json(changed=False, phase=phase, offset=offset)


if __name__ == "__main__":
    main()
