# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Certificate Manager, for the modules.

The public face of the private ``_acm`` package: modules import this file only, the package's parts import each
other directly. Where each piece lives:

- ``_acm/certificates.py``: domain names and PEM input checks, the idempotency token, ACM's answers as snake_case
  state, the ACM calls, and what serves a certificate (read through ``_elb/api``);
- ``_acm/reconcile.py``: the one reconciliation of a certificate (validate, read, pick the current one, wait,
  ``ensure_certificate_present``, ``ensure_certificate_absent``), shared by the module and the stack engine.
"""

from __future__ import annotations

# pylint: disable=unused-import
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import CertificateInputError  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import DEFAULT_MAX_NAMES  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import FAILED_STATUSES  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import HARD_MAX_NAMES  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import KEY_TYPES  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import LIVE_STATUSES  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import certificate_domains  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import certificate_names  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import certificate_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import certificate_users  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import covers  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import delete_certificate  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import describe_certificate  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import domain_error  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import find_certificate_users  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import find_owned  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import get_certificate_pem  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import get_tags  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import idempotency_token  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import import_certificate  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import list_certificates  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import normalise_domain  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import normalise_key_algorithm  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import owned_by  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import parse_import  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import pem_ders  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import pending_domains  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import records_published  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import request_certificate  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import requested_domains  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import share_parent  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import summary_names  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import update_tags  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import validate_request  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.certificates import validation_records  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import EXTRA_KEYS  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import certificate_argument_spec  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import certificate_before  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import certificate_wanted_tags  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import certificates_to_delete  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import current_certificate  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import deleted_before  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import ensure_certificate_absent  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import ensure_certificate_present  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import pick_current  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import predicted_certificate_state  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import read_owned  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import read_owned_certificates  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import retire  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import validate_certificate  # noqa: F401
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import wait_until_issued  # noqa: F401
