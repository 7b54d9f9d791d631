"""ModifyListener with a new default certificate keeps the listener's SNI certificates, as AWS does.

moto replaces the listener's whole certificate list with the one given (a TODO in its source).
"""

from __future__ import annotations

from moto.elbv2 import models as elbv2_models

from .settings import Settings


def install(settings: Settings) -> None:  # pylint: disable=unused-argument
    """Patch the backend's modify_listener."""
    original = elbv2_models.ELBv2Backend.modify_listener

    def modify_listener(self, arn, port=None, protocol=None, ssl_policy=None, certificates=None, actions=None):
        listener = self.describe_listeners(load_balancer_arn=None, listener_arns=[arn])[0]
        before_default, before = listener.certificate, list(listener.certificates)
        result = original(self, arn, port=port, protocol=protocol, ssl_policy=ssl_policy, certificates=certificates,
                          actions=actions)
        if certificates:
            default = result.certificate
            sni = [c for c in before if c not in (before_default, default)]
            result.certificates = [default] + sni
        return result

    elbv2_models.ELBv2Backend.modify_listener = modify_listener
