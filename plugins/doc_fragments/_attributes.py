# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The attributes every module of the collection shares. A module keeps only its own details in its docs:
    #   attributes:
    #     check_mode:
    #       details: Check mode makes read calls only and returns the predicted state of the listener.
    # The fragment's keys are merged under the module's, so a module's own value wins.

    # A module that manages a resource: full check mode and diff.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Whether the module can run with C(--check) and predict its result without changing AWS.
    support: full
  diff_mode:
    description: Whether the module shows, with C(--diff), the resource before and after the change.
    support: full
  platform:
    description: What the module manages.
    platforms: aws
    support: full
"""

    # A module that only reads (the *_info modules).
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: Whether the module can run with C(--check) and predict its result without changing AWS.
    support: full
    details: The module only reads.
  diff_mode:
    description: Whether the module shows, with C(--diff), the resource before and after the change.
    support: none
  platform:
    description: What the module manages.
    platforms: aws
    support: full
"""
