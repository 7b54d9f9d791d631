# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The deadline shared by every module that waits.
    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - How many seconds a wait may take in all before the module fails.
      - The deadline is real. Polls slow down with jitter but never sleep past it, and the failure names what was
        awaited and the last state seen.
    type: int
    default: 300
"""
