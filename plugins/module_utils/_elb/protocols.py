# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The protocols and load balancer types of Elastic Load Balancing v2, which every other part checks against."""

from __future__ import annotations

LB_TYPES = ("application", "network", "gateway")
HTTP_PROTOCOLS = ("HTTP", "HTTPS")
NETWORK_PROTOCOLS = ("TCP", "TLS", "UDP", "TCP_UDP")
TLS_PROTOCOLS = ("HTTPS", "TLS")
GENEVE_PORT = 6081


# ---------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------


def an(lb_type):
    """'an application' / 'a network' / 'a gateway' load balancer."""
    return f"an {lb_type}" if lb_type[:1] in "aeiou" else f"a {lb_type}"
