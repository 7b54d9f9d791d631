"""CreateLoadBalancer and CreateListener are idempotent, as on AWS.

The same name (load balancer) or port (listener) with the same settings answers with the existing resource; other
settings give AWS's error (DuplicateLoadBalancerName, DuplicateListener). moto makes a second resource instead,
which a retried create after a lost answer turns into a duplicate.
"""

from __future__ import annotations

from moto.elbv2 import models as elbv2_models
from moto.elbv2.exceptions import DuplicateListenerError, DuplicateLoadBalancerName

from .settings import Settings


def _balancer_matches(balancer, security_groups, subnet_ids, subnet_mappings, scheme, loadbalancer_type, ip_address_type) -> bool:
    wanted_subnets = set(subnet_ids or []) | {m["SubnetId"] for m in subnet_mappings or []}
    return (
        (balancer.type or "application") == (loadbalancer_type or "application")
        and (balancer.scheme or "internet-facing") == (scheme or "internet-facing")
        and (balancer.ip_address_type or "ipv4") == (ip_address_type or "ipv4")
        and {s.id for s in balancer.subnets} == wanted_subnets
        and set(balancer.security_groups or []) == set(security_groups or [])
    )


def _listener_matches(listener, protocol, ssl_policy, certificate, actions, alpn_policy) -> bool:
    wanted = [elbv2_models.FakeAction(action).data for action in actions or []]
    return (
        (listener.protocol or "").upper() == (protocol or "").upper()
        and (ssl_policy is None or listener.ssl_policy == ssl_policy)
        and listener.certificate == certificate
        and [action.data for action in listener.default_actions] == wanted
        and (alpn_policy is None or list(listener.alpn_policy or []) == list(alpn_policy or []))
    )


def install(settings: Settings) -> None:  # pylint: disable=unused-argument
    """Patch the backend's two creates."""
    original_create_lb = elbv2_models.ELBv2Backend.create_load_balancer
    original_create_listener = elbv2_models.ELBv2Backend.create_listener

    def create_load_balancer(self, name, security_groups, subnet_ids, subnet_mappings=None, scheme="internet-facing",
                             loadbalancer_type=None, ip_address_type="ipv4", tags=None):
        for balancer in list(self.load_balancers.values()):
            if balancer.name == name:
                if _balancer_matches(balancer, security_groups, subnet_ids, subnet_mappings, scheme, loadbalancer_type,
                                     ip_address_type):
                    return balancer
                raise DuplicateLoadBalancerName()
        return original_create_lb(self, name, security_groups, subnet_ids, subnet_mappings=subnet_mappings, scheme=scheme,
                                  loadbalancer_type=loadbalancer_type, ip_address_type=ip_address_type, tags=tags)

    def create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, alpn_policy=None,
                        tags=None):
        balancer = self.load_balancers.get(load_balancer_arn)
        if balancer is not None:
            for listener in list(balancer.listeners.values()):
                if str(listener.port) == str(port):
                    if _listener_matches(listener, protocol, ssl_policy, certificate, actions, alpn_policy):
                        return listener
                    raise DuplicateListenerError()
        return original_create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions,
                                        alpn_policy=alpn_policy, tags=tags)

    elbv2_models.ELBv2Backend.create_load_balancer = create_load_balancer
    elbv2_models.ELBv2Backend.create_listener = create_listener
