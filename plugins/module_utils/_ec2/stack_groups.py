# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The two security groups of a stack, as the inbound_rules role defines them, in the ``desired`` shape of
:func:`security_groups.ensure_security_group`: the load balancer's group (its ports from the allowed IPv4 and IPv6
networks) and the instances' group (the app port from the load balancer's group only, plus the admin rules).

Option names in errors are the role's variables, so the stack engine reports them as the role did.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY

PORT_LABELS = {80: "HTTP", 443: "HTTPS"}


def admin_rules_error(admin_rules, app_port, option="inbound_rules_admin_rules"):
    """Why an admin rule is refused (the app port, a network open to all, a bad port or network), or None."""
    for rule in admin_rules or []:
        port, cidr = rule.get("port"), str(rule.get("cidr") or "")
        try:
            network = ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            network = None
        if (port is None or not 1 <= int(port) <= 65535 or int(port) == int(app_port) or network is None
                or network.prefixlen == 0 or "/" not in cidr):
            return (
                f"{option}: {rule} is refused. Each rule needs a port from 1 to 65535 other than the app port "
                f"({app_port}, which only the load balancer may reach) and an IPv4 or IPv6 network narrower than "
                "0.0.0.0/0 or ::/0 (for example 198.51.100.0/24)."
            )
    return None


def stack_group_tags(stack, tags, name):
    """The user's tags, the ownership tag and ``Name``."""
    return dict(tags or {}, **{STACK_TAG_KEY: stack, "Name": name})


def load_balancer_group(stack, vpc_id, name, description, ports, cidrs, ipv6_cidrs, tags=None):
    """The load balancer's group: each port from the IPv4 and the IPv6 networks (an empty list closes a family)."""
    rules = []
    for port in [int(p) for p in ports]:
        label = PORT_LABELS.get(port, f"TCP {port}")
        for family, key, networks in (("IPv4", "cidr_ip", cidrs), ("IPv6", "cidr_ipv6", ipv6_cidrs)):
            if networks:
                rules.append({"proto": "tcp", "from_port": port, "to_port": port, key: list(networks),
                              "description": f"{label} to the load balancer of {stack} ({family})"})
    return {"name": name, "description": description, "vpc_id": vpc_id, "rules": rules, "purge_rules": True,
            "tags": stack_group_tags(stack, tags, name), "purge_tags": True, "stack": stack,
            "option": "inbound_rules_lb_group_name"}


def instance_group(stack, vpc_id, name, description, app_port, lb_group_id, admin_rules=(), tags=None):
    """The instances' group: the app port from ``lb_group_id`` only (a real ID, or in check mode the placeholder
    ``predicted:security-group:<name>``), plus the admin rules ``{port, cidr, proto, description}``."""
    rules = [{"proto": "tcp", "from_port": int(app_port), "to_port": int(app_port), "group_id": [lb_group_id],
              "description": f"App port from the load balancer of {stack}"}]
    for rule in admin_rules or []:
        proto = rule.get("proto") or "tcp"
        key = "cidr_ipv6" if ":" in str(rule["cidr"]) else "cidr_ip"
        rules.append({"proto": proto, "from_port": int(rule["port"]), "to_port": int(rule["port"]), key: [rule["cidr"]],
                      "description": rule.get("description") or f"admin {proto}/{rule['port']} from {rule['cidr']}"})
    return {"name": name, "description": description, "vpc_id": vpc_id, "rules": rules, "purge_rules": True,
            "tags": stack_group_tags(stack, tags, name), "purge_tags": True, "stack": stack,
            "option": "inbound_rules_instance_group_name"}
