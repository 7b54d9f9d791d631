"""Unit tests for _elb/load_balancers.py: load balancer attributes, state, changes, predictions and validation."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import load_balancers
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.lb_fixtures import AWS_LB


MOTO_FRESH_ATTRIBUTES = {
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "deletion_protection.enabled": "false",
    "load_balancing.cross_zone.enabled": "false",
}


def lb_params(**overrides):
    base = {
        "name": "web", "state": "present", "type": None, "scheme": None, "subnets": None, "subnet_mappings": None,
        "security_groups": None, "ip_address_type": None, "deletion_protection": None, "idle_timeout": None,
        "drop_invalid_header_fields": None, "http2": None, "desync_mitigation_mode": None, "cross_zone": None,
        "access_logs": None, "force_disable_deletion_protection": False, "wait": True, "wait_timeout": 300,
        "tags": None, "purge_tags": True, "stack": None,
    }
    base.update(overrides)
    return base


def test_missing_attributes_are_not_set():
    state = load_balancers.lb_attributes_state(MOTO_FRESH_ATTRIBUTES)
    assert state["idle_timeout"] is None
    assert state["http2"] is None
    assert state["desync_mitigation_mode"] is None
    assert state["deletion_protection"] is False
    assert state["access_logs"] == {"enabled": None, "bucket": None, "prefix": None}


def test_load_balancer_state_is_snake_case_sorted_and_defaults_the_scheme():
    state = load_balancers.load_balancer_state(AWS_LB, {"idle_timeout.timeout_seconds": "60"}, {"team": "web"})
    assert state["subnets"] == ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
    assert state["security_groups"] == ["sg-01111111111111111", "sg-02222222222222222"]
    assert state["scheme"] == "internet-facing"
    assert state["dns_name"] == AWS_LB["DNSName"]
    assert state["canonical_hosted_zone_id"] == "Z35SXDOTRQ7X7K"
    assert state["idle_timeout"] == 60
    assert state["state"] == "active"


def test_desired_attributes_are_only_what_the_user_set():
    wanted = load_balancers.desired_lb_attributes(lb_params(http2=False, idle_timeout=120, access_logs={"enabled": None, "bucket": "logs", "prefix": None}))
    assert wanted == {"routing.http2.enabled": "false", "idle_timeout.timeout_seconds": "120", "access_logs.s3.bucket": "logs"}


def test_attribute_changes_treat_a_missing_key_as_not_set():
    wanted = {"routing.http2.enabled": "false", "deletion_protection.enabled": "false"}
    assert api.attribute_changes(MOTO_FRESH_ATTRIBUTES, wanted) == {"routing.http2.enabled": "false"}
    assert api.attribute_changes(dict(MOTO_FRESH_ATTRIBUTES, **{"routing.http2.enabled": "false"}), wanted) == {}


def test_load_balancer_changes_compare_security_groups_and_subnets_as_sets():
    current = load_balancers.load_balancer_state(AWS_LB, MOTO_FRESH_ATTRIBUTES, {})
    same = lb_params(
        security_groups=["sg-01111111111111111", "sg-02222222222222222"],
        subnets=["subnet-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa"],
    )
    assert load_balancers.load_balancer_changes(current, MOTO_FRESH_ATTRIBUTES, same) == {}
    changed = lb_params(security_groups=["sg-03333333333333333"], idle_timeout=30, ip_address_type="dualstack")
    assert load_balancers.load_balancer_changes(current, MOTO_FRESH_ATTRIBUTES, changed) == {
        "security_groups": ["sg-03333333333333333"],
        "ip_address_type": "dualstack",
        "attributes": {"idle_timeout.timeout_seconds": "30"},
    }


def test_create_request_and_prediction():
    params = lb_params(type="network", subnet_mappings=[{"subnet_id": "subnet-0aaaaaaaaaaaaaaaa", "allocation_id": "eipalloc-1",
                                                         "private_ipv4_address": None, "ipv6_address": None}],
                       security_groups=["sg-01111111111111111"], cross_zone=True)
    request = load_balancers.create_load_balancer_request(params, {"https-rollout:stack": "s"})
    assert request["Type"] == "network"
    assert request["SubnetMappings"] == [{"SubnetId": "subnet-0aaaaaaaaaaaaaaaa", "AllocationId": "eipalloc-1"}]
    assert request["SecurityGroups"] == ["sg-01111111111111111"]
    assert request["Tags"] == [{"Key": "https-rollout:stack", "Value": "s"}]
    predicted = load_balancers.predict_load_balancer(None, params, {"https-rollout:stack": "s"}, True)
    assert predicted["arn"] == predicted["dns_name"] == "predicted:load-balancer:web"
    assert predicted["cross_zone"] is True
    assert predicted["subnets"] == ["subnet-0aaaaaaaaaaaaaaaa"]
    assert predicted["tags"] == {"https-rollout:stack": "s"}


@pytest.mark.parametrize(
    "overrides, expect",
    [
        ({"name": "internal-web"}, "is not a valid load balancer name"),
        ({"name": "-web"}, "is not a valid load balancer name"),
        ({"type": "network", "idle_timeout": 30}, "idle_timeout does not apply to a network load balancer"),
        ({"type": "application", "cross_zone": False}, "cross_zone does not apply"),
        ({"type": "gateway", "access_logs": {"enabled": True, "bucket": "b", "prefix": None}}, "access_logs does not apply"),
        ({"access_logs": {"enabled": True, "bucket": None, "prefix": None}}, "needs access_logs.bucket"),
        ({"idle_timeout": 0}, "idle_timeout=0 is out of range"),
        ({"type": "gateway", "security_groups": ["sg-01111111111111111"]}, "security_groups does not apply to a gateway"),
        ({"security_groups": ["web"]}, "is not a security group ID"),
        ({"subnets": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0aaaaaaaaaaaaaaaa"]}, "each subnet may be given once"),
        ({"subnets": ["subnet-zzz", "sub-1"]}, "subnets[0]='subnet-zzz' is not a subnet ID"),
        ({"subnets": ["subnet-0aaaaaaaaaaaaaaaa", "sub-1"]}, "subnets[1]='sub-1' is not a subnet ID"),
        ({"subnet_mappings": [{"subnet_id": "subnet-1"}]}, "subnet_mappings[0].subnet_id='subnet-1' is not a subnet ID"),
        ({"security_groups": [""]}, "security_groups[0]='' is not a security group ID"),
        ({"type": "network", "ip_address_type": "dualstack-without-public-ipv4"}, "application load balancers only"),
    ],
)
def test_bad_load_balancer_input_is_named(overrides, expect):
    assert expect in load_balancers.validate_load_balancer(lb_params(**overrides))


def test_create_needs_subnets_and_two_zones_for_an_alb():
    assert "needs subnets or subnet_mappings" in load_balancers.validate_load_balancer(lb_params(), creating=True)
    assert "at least two availability zones" in load_balancers.validate_load_balancer(lb_params(subnets=["subnet-0aaaaaaaaaaaaaaaa"]), creating=True)
    assert load_balancers.validate_load_balancer(lb_params(type="network", subnets=["subnet-0aaaaaaaaaaaaaaaa"]), creating=True) is None


def test_immutable_and_nlb_security_group_rules_against_the_current_lb():
    nlb = load_balancers.load_balancer_state(dict(AWS_LB, Type="network", SecurityGroups=[]), {}, {})
    assert "scheme of the existing load balancer" in load_balancers.validate_load_balancer(lb_params(scheme="internal"), nlb)
    assert "only when it is created" in load_balancers.validate_load_balancer(lb_params(security_groups=["sg-01111111111111111"]), nlb)
    nlb_with = load_balancers.load_balancer_state(dict(AWS_LB, Type="network"), {}, {})
    assert "must keep at least one" in load_balancers.validate_load_balancer(lb_params(security_groups=[]), nlb_with)
    assert load_balancers.validate_load_balancer(lb_params(security_groups=["sg-03333333333333333"]), nlb_with) is None


def test_absent_skips_option_checks():
    assert load_balancers.validate_load_balancer(lb_params(state="absent", type="network", idle_timeout=30)) is None


def test_a_predicted_security_group_passes_validation_for_check_mode():
    params = lb_params(
        security_groups=["predicted:security-group:web-lb"], subnets=["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
    )
    assert load_balancers.validate_load_balancer(params, creating=True) is None
