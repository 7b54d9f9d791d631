"""Target health from the sandbox edge's own health checks, and draining after deregistration.

The edge (sandbox/edge.py) health-checks every registered target with the target group's path, interval and
thresholds (HAProxy), and its watcher writes HAProxy's per-server view to ``edge/health.json`` about once a second.
DescribeTargetHealth answers from that file:

- registered, not yet checked by the edge: ``initial`` (Elb.RegistrationInProgress until the edge serves the
  target, Elb.InitialHealthChecking until its first check completed);
- checked: ``healthy``, or ``unhealthy`` with Target.Timeout, Target.ResponseCodeMismatch or
  Target.FailedHealthChecks from HAProxy's check result;
- registered again after a deregistration: ``initial`` while it passes checks but has not reached the healthy
  threshold. HAProxy brings such a server back from maintenance as ``DOWN 1/2`` with a passing check, a state it
  decided before the registration; AWS starts every registration afresh;
- deregistered: ``draining`` (Target.DeregistrationInProgress) for the group's deregistration delay, then gone.

Targets no edge checks (no edge running, a stale file, a target with no container) stay ``initial``, as AWS says of
targets it cannot check; ``--unchecked-targets healthy`` marks them healthy instead (API tests without an edge).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from moto.elbv2 import models as elbv2_models

from .settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# pylint: disable-next=wrong-import-position
import edge_config  # noqa: E402

_DRAINING: dict[tuple[str, str], tuple[dict, float]] = {}  # (group ARN, target ID) -> (target, until)
_REGISTERED_AT: dict[tuple[str, str], float] = {}  # (group ARN, target ID) -> wall time of its registration
_CACHE = {"mtime": None, "data": {}}

TIMEOUT_CHECKS = ("L4TOUT", "L6TOUT", "L7TOUT")
PASSING_CHECKS = ("L4OK", "L6OK", "L7OK", "L7OKC")


def edge_view(settings: Settings) -> dict | None:
    """``{group slug: {server: {status, check, check_detail}}}`` from the edge, or None without a fresh one."""
    if not settings.edge_health:
        return None
    try:
        mtime = os.stat(settings.edge_health).st_mtime
    except OSError:
        return None
    if _CACHE["mtime"] != mtime:
        try:
            _CACHE["data"] = json.loads(Path(settings.edge_health).read_text(encoding="utf-8"))
            _CACHE["mtime"] = mtime
        except (OSError, ValueError):
            return None
    data = _CACHE["data"]
    if time.time() - float(data.get("updated", 0)) > settings.edge_health_stale or not data.get("running", True):
        return None
    return data.get("groups", {})


def changed_at(server: dict, updated: float) -> float | None:
    """Wall time of the server's last UP/DOWN change in HAProxy (``lastchg`` seconds before ``updated``), or None."""
    try:
        return updated - float(server.get("last_change"))
    except (TypeError, ValueError):
        return None


def verdict(server: dict | None, checked_by_edge: bool, settings: Settings,
            registered_at: float = 0.0, updated: float = 0.0) -> tuple[str, str | None, str | None]:
    """``(state, reason, description)`` of a registered target from the edge's view of its server.

    ``registered_at`` and ``updated`` (wall times of the registration and of the edge's view) tell a DOWN decided
    before this registration from one decided since.
    """
    if server is None:
        if not checked_by_edge and settings.unchecked_targets == "healthy":
            return "healthy", None, None
        return "initial", "Elb.RegistrationInProgress", "Target registration is in progress"
    status = (server.get("status") or "").strip()
    check = (server.get("check") or "").replace("*", "").strip()
    detail = (server.get("check_detail") or "").strip()
    if status.startswith("no check"):
        return "unavailable", "Target.HealthCheckDisabled", "Health checks are disabled"
    if check in ("", "INI", "UNK"):
        return "initial", "Elb.InitialHealthChecking", "Initial health checks in progress"
    if status.startswith("UP"):
        return "healthy", None, None
    if status.startswith("DOWN"):
        last_change = changed_at(server, updated)
        if check in PASSING_CHECKS and last_change is not None and last_change < registered_at:
            # Rising from a DOWN that was decided before this registration (back from maintenance).
            return "initial", "Elb.InitialHealthChecking", f"Initial health checks in progress (edge: {status})"
        if check in TIMEOUT_CHECKS:
            return "unhealthy", "Target.Timeout", "Request timed out"
        if check == "L7STS":
            return "unhealthy", "Target.ResponseCodeMismatch", f"Health checks failed with these codes: [{detail or '?'}]"
        return "unhealthy", "Target.FailedHealthChecks", f"Health checks failed ({check}{': ' + detail if detail else ''})"
    return "initial", "Elb.InitialHealthChecking", f"Initial health checks in progress (edge: {status})"


def install(settings: Settings) -> None:
    """Patch target groups' deregister and health, and the backend's DescribeTargetHealth."""
    original_register = elbv2_models.FakeTargetGroup.register
    original_deregister = elbv2_models.FakeTargetGroup.deregister
    original_health_for = elbv2_models.FakeTargetGroup.health_for
    original_describe = elbv2_models.ELBv2Backend.describe_target_health

    def draining(group, target_id: str) -> dict | None:
        entry = _DRAINING.get((group.arn, target_id))
        if entry is None:
            return None
        if time.monotonic() >= entry[1]:
            _DRAINING.pop((group.arn, target_id), None)
            return None
        return entry[0]

    def register(self, targets):
        new = [target["Id"] for target in targets if target["Id"] not in self.targets]
        original_register(self, targets)
        for target in targets:
            _DRAINING.pop((self.arn, target["Id"]), None)
        for target_id in new:
            _REGISTERED_AT[(self.arn, target_id)] = time.time()

    def deregister(self, targets):
        kept = {target["Id"]: dict(self.targets[target["Id"]]) for target in targets if target["Id"] in self.targets}
        original_deregister(self, targets)
        for target_id in kept:
            _REGISTERED_AT.pop((self.arn, target_id), None)
        delay = float(self.attributes.get("deregistration_delay.timeout_seconds", 300))
        for target_id, target in kept.items():
            if delay > 0:
                _DRAINING[(self.arn, target_id)] = (target, time.monotonic() + delay)

    def health_for(self, target, ec2_backend):
        drained = draining(self, target["Id"]) if target["Id"] not in self.targets else None
        if drained is not None:
            return elbv2_models.FakeHealthStatus(drained["Id"], drained["Port"], self.health_check_port, "draining",
                                                 "Target.DeregistrationInProgress", "Target deregistration is in progress")
        registered = self.targets.get(target["Id"])
        if registered is None:
            return original_health_for(self, target, ec2_backend)
        view = edge_view(settings)
        server = None
        if view is not None:
            server = view.get(edge_config.slug(self.name), {}).get(edge_config.server_name(registered))
        state, reason, description = verdict(server, view is not None, settings,
                                             _REGISTERED_AT.get((self.arn, registered["Id"]), 0.0),
                                             float(_CACHE["data"].get("updated", 0)))
        return elbv2_models.FakeHealthStatus(registered["Id"], registered["Port"], self.health_check_port, state,
                                             reason, description)

    def describe_target_health(self, target_group_arn, targets):
        group = self.target_groups.get(target_group_arn)
        if group is not None and not targets:
            listed = list(group.targets.values())
            listed += [entry[0] for (arn, target_id), entry in list(_DRAINING.items())
                       if arn == target_group_arn and target_id not in group.targets and draining(group, target_id)]
            return [group.health_for(target, self.ec2_backend) for target in listed]
        return original_describe(self, target_group_arn, targets)

    elbv2_models.FakeTargetGroup.register = register
    elbv2_models.FakeTargetGroup.deregister = deregister
    elbv2_models.FakeTargetGroup.health_for = health_for
    elbv2_models.ELBv2Backend.describe_target_health = describe_target_health
