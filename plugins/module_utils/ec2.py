# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 for the modules and the stack engine: security groups and their place on the instances.

The public face of the private ``_ec2`` package:

- ``_ec2/rules.py``: ingress rules validated, normalised and compared (no AWS call); the app-port intruder check;
- ``_ec2/security_groups.py``: read the stack's groups in one call, reconcile one group (rules, tags, ownership),
  delete it;
- ``_ec2/instances.py``: a group on the primary network interface of instances, from one DescribeInstances;
- ``_ec2/stack_groups.py``: the stack's two groups as the inbound_rules role defines them (``desired`` dicts).

The engine's security group phase, as the role does it: ``read_security_groups`` (one call) -> ``foreign_error`` for
each -> ``intruders`` of the instance group (to report) -> ``ensure_security_group`` for the load balancer's group,
then the instances' group with its ID -> ``ensure_instance_security_group``. Teardown: take the instance group off
the instances (``attach=False``), then ``ensure_security_group_absent`` instance group first.

Functions take a boto3 ``ec2`` client wrapped with ``common.aws_retry`` and explicit arguments, never the module.
"""

from __future__ import annotations

# pylint: disable=unused-import
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.instances import ensure_instance_security_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.instances import primary_interfaces  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.rules import describe_atom  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.rules import desired_atoms  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.rules import network_error  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.rules import port_intruders  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.rules import validate_rules  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import ensure_security_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.stack_groups import admin_rules_error  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.stack_groups import instance_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.stack_groups import load_balancer_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import ensure_security_group_absent  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import find_security_groups  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import foreign_error  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import group_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import read_security_groups  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import security_group_changes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2.security_groups import validate_security_group  # noqa: F401


def intruders(state, port, allowed_group_ids=()):
    """Rules of a group ``state`` that open TCP ``port`` to others than ``allowed_group_ids``, as a person reads
    them (inbound_rules: only the load balancer's group may reach the app port)."""
    return port_intruders(desired_atoms(state["rules"]) if state else {}, port, allowed_group_ids)
