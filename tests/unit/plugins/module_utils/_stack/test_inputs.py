"""Unit tests for _stack/inputs.py: the engine's options checked against the modules' own argument specs."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._stack import inputs
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError


def options(**overrides):
    base = dict(stack="shop", phase="start", tags={"team": "web"}, purge_tags=True, wait_timeout=60,
                certificate=None, target_groups=[], load_balancer=None, listeners=[], rules=[])
    base.update(overrides)
    return base


def test_a_target_group_gets_its_module_params_with_types_converted_and_defaults_filled():
    group = {"name": "web", "protocol": "HTTP", "port": "8080", "vpc_id": "vpc-1",
             "health_check": {"path": "/healthz", "interval": "15"}}
    params, wait_healthy = inputs.target_group_params(options(), group, 0)
    assert params["port"] == 8080 and params["health_check"]["interval"] == 15
    assert params["health_check"]["matcher"] is None  # suboptions completed as the module completes them
    assert params["purge_targets"] is True and params["wait_healthy"] is False and wait_healthy is True
    assert params["stack"] == "shop" and params["tags"] == {"team": "web"} and params["state"] == "present"


def test_a_bad_value_names_the_option_path():
    with pytest.raises(RolloutError, match=r"^target_groups\[1\]: .*port"):
        inputs.target_group_params(options(), {"name": "web", "port": "eighty"}, 1)


def test_an_option_the_engine_does_not_take_is_refused():
    with pytest.raises(RolloutError, match=r"^load_balancer: .*force_disable_deletion_protection"):
        inputs.load_balancer_params(options(load_balancer={"name": "web", "force_disable_deletion_protection": True}))


def test_a_rule_without_action_forwards_to_the_first_group_and_its_port_defaults_to_443():
    rules = inputs.rule_values(options(target_groups=[{"name": "web"}], rules=[{"priority": 10, "conditions": {"path_pattern": ["/api/*"]}}]))
    assert rules[0]["port"] == 443
    assert rules[0]["action"]["type"] == "forward" and rules[0]["action"]["target_group"] == "web"


def test_a_tls_listener_serves_the_stack_certificate():
    lb = {"name": "edge"}
    params = inputs.listener_params(options(load_balancer=lb), {"port": 443, "protocol": "HTTPS"}, "arn:cert")
    assert params["certificate_arn"] == "arn:cert" and params["load_balancer"] == "edge"
    params = inputs.listener_params(options(load_balancer=lb), {"port": 80, "protocol": "HTTP"}, "arn:cert")
    assert params["certificate_arn"] is None
