# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route 53 for the modules: what they use, re-exported from the private package ``_route53``.

- ``_route53/normalise.py``: names and values as compared and sent (trailing dot, case, ``dualstack.``, TXT quoting);
- ``_route53/zones.py``: hosted zones (the most specific zone of a name) and the calls that list and read them;
- ``_route53/records.py``: validation, record state, comparison, change batches, and the record calls;
- ``_route53/reconcile.py``: a task's records reconciled (zones, reads by name or by zone pages, plan, batches,
  wait for INSYNC): ``ensure_records``, the entry point of route53_record and of the stack engine;
- ``_route53/alias_targets.py``: alias targets (load balancers by name or ARN, predicted targets).

Functions take a boto3 client wrapped with ``common.aws_retry`` and explicit arguments, never the module.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import name_error
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_alias_dns_name
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_name
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_value
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import bare_zone_id
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import get_zone
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import in_zone
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import is_zone_id
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import list_zones
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import pick_zone
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import zone_error
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import zone_ids_of_vpc
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import zone_summary
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import zones_named
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import RECORD_TYPES
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import absent_mismatch
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import change_records
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import change_status
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import desired_state
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import read_name
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import record_state
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import split_batches
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import unknown_target_note
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.records import validate_records
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.reconcile import READ_BY_NAME_MAX
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.reconcile import ensure_records
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.reconcile import merge_value
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.reconcile import record_params
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.reconcile import validate_options
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.alias_targets import alias_target
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.alias_targets import describe_load_balancer_targets
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.alias_targets import predicted_target

__all__ = [
    "READ_BY_NAME_MAX",
    "RECORD_TYPES",
    "absent_mismatch",
    "alias_target",
    "bare_zone_id",
    "change_records",
    "change_status",
    "describe_load_balancer_targets",
    "ensure_records",
    "desired_state",
    "get_zone",
    "in_zone",
    "is_zone_id",
    "list_zones",
    "merge_value",
    "name_error",
    "normalise_alias_dns_name",
    "normalise_name",
    "normalise_value",
    "pick_zone",
    "predicted_target",
    "read_name",
    "record_params",
    "record_state",
    "split_batches",
    "unknown_target_note",
    "validate_options",
    "validate_records",
    "zone_error",
    "zone_ids_of_vpc",
    "zone_summary",
    "zones_named",
]
