"""Which fidelity behaviours are on, and their delays (one object, filled by the launcher's command line)."""

from __future__ import annotations

import dataclasses

# name -> one line on what it fixes (the order is the order of installation).
BEHAVIOURS = {
    "acm_dns": "ACM certificates stay PENDING_VALIDATION until their validation CNAMEs resolve in the sandbox DNS",
    "lb_provisioning": "load balancers are provisioning, then active after a delay",
    "target_health": "target health from the sandbox edge's health checks; draining after deregistration",
    "elb_idempotent": "CreateLoadBalancer/CreateListener return the existing resource or AWS's duplicate error",
    "listener_sni": "ModifyListener with a new default certificate keeps the SNI certificates",
    "route53_changes": "Route 53 changes are PENDING, then INSYNC after a delay",
    "route53_iam": "Route 53 reads pass moto's IAM signature check (under IAM enforcement)",
}


@dataclasses.dataclass
class Settings:
    """The layer's switches and delays (seconds)."""

    enabled: frozenset = frozenset(BEHAVIOURS)
    acm_issue_delay: float = 2.0
    acm_timeout: float = 600.0
    lb_delay: float = 3.0
    route53_delay: float = 2.0
    dns_port: int | None = None
    edge_health: str | None = None
    edge_health_stale: float = 15.0
    unchecked_targets: str = "initial"

    def on(self, behaviour: str) -> bool:
        """Whether a behaviour is switched on."""
        return behaviour in self.enabled


def parse_selection(text: str) -> frozenset:
    """``all``, ``none`` or a comma-separated list of behaviour names (a leading ``-`` switches one off from all)."""
    text = (text or "all").strip()
    if text == "all":
        return frozenset(BEHAVIOURS)
    if text == "none":
        return frozenset()
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name.lstrip("-") for name in names if name.lstrip("-") not in BEHAVIOURS]
    if unknown:
        raise ValueError(f"unknown fidelity behaviour(s) {', '.join(unknown)}; choose from all, none, {', '.join(BEHAVIOURS)}")
    if all(name.startswith("-") for name in names):
        return frozenset(BEHAVIOURS) - {name[1:] for name in names}
    if any(name.startswith("-") for name in names):
        raise ValueError("fidelity: give either the behaviours to switch on or, each with a leading '-', those to switch off")
    return frozenset(names)
