# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The stack ownership option shared by every resource module.
    DOCUMENTATION = r"""
options:
  stack:
    description:
      - Name of the rollout stack that owns the resource.
      - The resource is tagged C(https-rollout:stack=<stack>) when it is created, or adopted when an existing
        resource carries no ownership tag.
      - The module refuses to change or delete a resource that another stack owns, and with O(state=absent)
        refuses to delete one that does not carry this stack's tag.
      - Without O(stack) the ownership rules do not apply. The ownership tag is never removed by O(purge_tags).
    type: str
"""
