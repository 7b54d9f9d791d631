"""Load balancers are ``provisioning`` for ``lb_delay`` seconds after CreateLoadBalancer, then ``active``.

moto activates a load balancer on its first describe; AWS takes one to three minutes.
"""

from __future__ import annotations

import time

from moto.elbv2 import models as elbv2_models

from .settings import Settings

_CREATED: dict[str, float] = {}  # load balancer ARN -> monotonic time of its creation


def install(settings: Settings) -> None:
    """Patch the backend's create (to note the time) and the load balancer's activate (to wait for it)."""
    original_create = elbv2_models.ELBv2Backend.create_load_balancer
    original_activate = elbv2_models.FakeLoadBalancer.activate

    def create_load_balancer(self, *args, **kwargs):
        balancer = original_create(self, *args, **kwargs)
        _CREATED.setdefault(balancer.arn, time.monotonic())
        return balancer

    def activate(self) -> None:
        created = _CREATED.get(self.arn)
        if created is not None and time.monotonic() - created < settings.lb_delay:
            return
        original_activate(self)

    elbv2_models.ELBv2Backend.create_load_balancer = create_load_balancer
    elbv2_models.FakeLoadBalancer.activate = activate
