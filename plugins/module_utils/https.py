# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTPS probe for ``https_check``: what it uses, re-exported from the private package ``_https``.

- ``_https/redirects.py``: the URL and ``resolve`` options, and the redirect to HTTPS an ``http://`` URL must answer;
- ``_https/tls.py``: the TLS handshake, the protocol version and the certificate's facts;
- ``_https/spread.py``: the ``spread`` option and the tally of the backends that answered;
- ``_https/probe.py``: :func:`check_url`, which makes the connections, and the verdict on its report.

Whether a certificate name covers a host is ``_certificate_names.py``, shared with ACM. Nothing here needs AWS.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._https.probe import check_url
from ansible_collections.webops.https_rollout.plugins.module_utils._https.redirects import parse_resolve
from ansible_collections.webops.https_rollout.plugins.module_utils._https.redirects import parse_url
from ansible_collections.webops.https_rollout.plugins.module_utils._https.spread import spread_problem
from ansible_collections.webops.https_rollout.plugins.module_utils._https.tls import HAS_CRYPTOGRAPHY

__all__ = [
    "HAS_CRYPTOGRAPHY",
    "check_url",
    "parse_resolve",
    "parse_url",
    "spread_problem",
]
