# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Elastic Load Balancing v2: load balancers, listeners, rules and target groups, for the modules.

The public face of the private ``_elb`` package: modules import this file only, the package's parts import each
other directly. Where each piece lives:

- ``_elb/api.py``: the reads every resource shares (describes through boto3's paginators, tags 20 a call);
- ``_elb/load_balancers.py``: load balancer state, requests, changes, predictions and validation;
- ``_elb/listeners.py``: listeners with their TLS side (default and SNI certificates, SSL and ALPN policies);
- ``_elb/actions.py``: default actions and rule actions, and the "referenced target groups exist" check;
- ``_elb/rules.py``: listener rule conditions and rules;
- ``_elb/target_groups.py`` and ``_elb/target_group_validation.py``: target groups;
- ``_elb/reconcile_<resource>.py``: the one reconciliation of each resource (read, wait, ``ensure_<resource>_present``,
  ``ensure_<resource>_absent``, each returning ``(changed, state)``), shared by the modules and the stack engine;
- ``_elb/protocols.py``: the protocols and load balancer types.

Every function takes a boto3 ``elbv2`` (or ``acm``) client wrapped with ``common.aws_retry`` and explicit
arguments, or plain values; none takes the module object.
"""

from __future__ import annotations

# pylint: disable=unused-import
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import REDIRECT_TO_HTTPS  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import action_argument_spec  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import action_request  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import desired_action  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import existing_target_groups  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import attribute_changes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_listener  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_listener_certificates  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_listeners  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_load_balancers  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_load_balancer  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_rules  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_target_groups  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_target_health  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import find_load_balancer  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import get_load_balancer_attributes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import get_tags  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import get_target_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import get_target_group_attributes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import modify_load_balancer_attributes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import paginate  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import ssl_policy_exists  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import stack_load_balancers  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import update_tags  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import DEFAULT_SSL_POLICY  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import certificate_changes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import certificate_status  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import create_listener_request  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import desired_listener  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import listener_changes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import listener_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import predict_listener  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import validate_listener  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.listeners import validate_listener_for_lb  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.load_balancers import LB_ATTRIBUTES  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.load_balancers import create_load_balancer_request  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.load_balancers import desired_lb_attributes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.load_balancers import load_balancer_changes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.load_balancers import load_balancer_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.load_balancers import predict_load_balancer  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.load_balancers import validate_load_balancer  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import HTTP_PROTOCOLS  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import TLS_PROTOCOLS  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import listener_argument_spec  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import check_listener_certificates  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import ensure_listener_absent  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import ensure_listener_present  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import find_listener  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import read_listener  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import load_balancer_argument_spec  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import ensure_load_balancer_absent  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import ensure_load_balancer_present  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import read_load_balancer  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import wait_until_active  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import wait_until_deleted  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.rules import conditions_request  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.rules import desired_conditions  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.rules import rule_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.rules import validate_rule  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_rules import rule_argument_spec  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_rules import ensure_rule_absent  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_rules import ensure_rule_present  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_rules import find_rule  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_rules import find_rule_listener  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_rules import pick_rule  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_group_validation import validate_target_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import create_target_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import create_target_group_request  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import delete_target_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import deregister_targets  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import desired_target_group_attributes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import find_target_group_users  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import health_check_changes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import modify_target_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import modify_target_group_attributes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import normalise_targets  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import predict_target_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import register_targets  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import target_changes  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import target_group_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import targets_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import target_group_argument_spec  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import ensure_target_group_absent  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import ensure_target_group_present  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import read_target_group  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import target_group_from_description  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import wait_until_healthy  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import find_target_groups  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import group_targets_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import no_group_error  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import plan_targets  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import predict_group_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import stack_target_group_arns  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import target_key  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import validate_targets  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import wait_for_targets  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.targets import wanted_targets  # noqa: F401
