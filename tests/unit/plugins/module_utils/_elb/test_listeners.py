"""Unit tests for _elb/listeners.py: listener state, SNI certificates, TLS settings, changes and validation."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import actions
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import listeners
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.lb_fixtures import AWS_LB
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.lb_fixtures import ARN


TG_A = f"{ARN}:targetgroup/a/1111"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/"


def forward(**overrides):
    action = {"type": "forward", "target_group": None, "target_groups": None, "stickiness": None,
              "redirect": None, "fixed_response": None}
    action.update(overrides)
    return action


def listener_params(**overrides):
    base = {
        "load_balancer": "web", "port": 443, "state": "present", "protocol": "HTTPS",
        "default_action": forward(target_group="a"), "redirect_to_https": False, "certificate_arn": CERT + "www",
        "extra_certificate_arns": None, "purge_extra_certificates": True, "ssl_policy": None, "alpn_policy": None,
        "tags": None, "purge_tags": True, "stack": None,
    }
    base.update(overrides)
    return base


def https_listener(certificates):
    return {
        "ListenerArn": f"{ARN}:listener/app/web/abc/def",
        "LoadBalancerArn": AWS_LB["LoadBalancerArn"],
        "Port": 443,
        "Protocol": "HTTPS",
        "Certificates": [{"CertificateArn": c} for c in certificates],
        "SslPolicy": listeners.DEFAULT_SSL_POLICY,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_A}],
        "AlpnPolicy": [],
    }


SNI = [(CERT + "www", True), (CERT + "api", False), (CERT + "shop", False)]


def test_listener_state_reads_sni_from_listener_certificates_in_both_shapes():
    aws = listeners.listener_state(https_listener([CERT + "www"]), SNI, {})  # AWS lists only the default
    moto = listeners.listener_state(https_listener([CERT + "www", CERT + "api", CERT + "shop"]), SNI, {})  # moto lists all
    assert aws == moto
    assert aws["certificate_arn"] == CERT + "www"
    assert aws["extra_certificate_arns"] == [CERT + "api", CERT + "shop"]
    assert aws["alpn_policy"] is None


def test_plain_http_listener_has_no_tls_settings_even_if_aws_reports_a_policy():
    listener = dict(https_listener([]), Protocol="HTTP", Port=80, SslPolicy="ELBSecurityPolicy-2016-08")
    state = listeners.listener_state(listener, None, {})
    assert state["ssl_policy"] is None
    assert state["certificate_arn"] is None


def test_certificate_changes_by_arn_ignore_order_and_the_default():
    current = [CERT + "api", CERT + "shop"]
    assert listeners.certificate_changes(current, [CERT + "shop", CERT + "api", CERT + "www"], True, CERT + "www") == ([], [])
    assert listeners.certificate_changes(current, [CERT + "shop"], True, CERT + "www") == ([], [CERT + "api"])
    assert listeners.certificate_changes(current, [], False, CERT + "www") == ([], [])
    assert listeners.certificate_changes(current, None, True, CERT + "www") == ([], [])
    assert listeners.certificate_changes([], [CERT + "api"], True, CERT + "www") == ([CERT + "api"], [])


def test_default_policy_applies_on_create_and_when_a_listener_becomes_tls():
    action = actions.desired_action(forward(target_group="a"), {"a": TG_A})
    assert listeners.desired_listener(listener_params(), action, None)["ssl_policy"] == listeners.DEFAULT_SSL_POLICY
    current = listeners.listener_state(dict(https_listener([CERT + "www"]), SslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06"), SNI, {})
    assert listeners.desired_listener(listener_params(), action, current)["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-3-2021-06"
    plain = listeners.listener_state(dict(https_listener([]), Protocol="HTTP"), None, {})
    wanted = listeners.desired_listener(listener_params(), action, plain)
    changes = listeners.listener_changes(plain, wanted)
    assert changes["Protocol"] == "HTTPS"
    assert changes["SslPolicy"] == listeners.DEFAULT_SSL_POLICY
    assert changes["Certificates"] == [{"CertificateArn": CERT + "www"}]
    assert "DefaultActions" not in changes


def test_no_listener_change_when_equal():
    action = actions.desired_action(forward(target_group="a"), {"a": TG_A})
    current = listeners.listener_state(https_listener([CERT + "www"]), SNI, {})
    assert listeners.listener_changes(current, listeners.desired_listener(listener_params(), action, current)) == {}


def test_alpn_policy_none_turns_alpn_off():
    tls = dict(https_listener([CERT + "www"]), Protocol="TLS", AlpnPolicy=["HTTP2Preferred"])
    current = listeners.listener_state(tls, [], {})
    assert current["alpn_policy"] == "HTTP2Preferred"
    action = actions.desired_action(forward(target_group="a"), {"a": TG_A})
    wanted = listeners.desired_listener(listener_params(protocol="TLS", alpn_policy="None"), action, current)
    assert listeners.listener_changes(current, wanted) == {"AlpnPolicy": ["None"]}


def test_create_listener_request_and_prediction():
    action = actions.desired_action(actions.REDIRECT_TO_HTTPS, {})
    params = listener_params(protocol="HTTP", port=80, certificate_arn=None, default_action=None, redirect_to_https=True)
    wanted = listeners.desired_listener(params, action, None)
    request = listeners.create_listener_request("lb-arn", 80, wanted, {"k": "v"})
    assert request["Protocol"] == "HTTP"
    assert "Certificates" not in request and "SslPolicy" not in request
    predicted = listeners.predict_listener(None, wanted, 80, [], [], {"k": "v"}, True)
    assert predicted["default_action"] == action
    assert predicted["arn"] is None
    assert predicted["ssl_policy"] is None


@pytest.mark.parametrize(
    "overrides, expect",
    [
        ({"port": 0}, "port=0 is out of range"),
        ({"protocol": "HTTPS", "certificate_arn": None}, "protocol=HTTPS needs certificate_arn"),
        ({"protocol": "TLS", "certificate_arn": None}, "protocol=TLS needs certificate_arn"),
        ({"protocol": "HTTP", "certificate_arn": None, "ssl_policy": "x"}, "ssl_policy applies to HTTPS and TLS listeners only"),
        ({"alpn_policy": "HTTP2Only"}, "alpn_policy applies to TLS listeners"),
        ({"certificate_arn": "www"}, "is not a certificate ARN"),
        ({"extra_certificate_arns": ["x"]}, "extra_certificate_arns[0]='x'"),
        ({"default_action": None}, "needs default_action (or redirect_to_https=true)"),
        ({"redirect_to_https": True}, "give it or default_action, not both"),
        ({"redirect_to_https": True, "default_action": None}, "redirect_to_https needs protocol=HTTP"),
        ({"protocol": "TCP", "certificate_arn": None,
          "default_action": {"type": "redirect", "redirect": {"protocol": "HTTPS"}}}, "can only forward"),
    ],
)
def test_bad_listener_input_is_named(overrides, expect):
    assert expect in listeners.validate_listener(listener_params(**overrides))


@pytest.mark.parametrize(
    "overrides, lb_type, expect",
    [
        ({}, "network", "protocol=HTTPS does not fit a network load balancer (layer 4): use TLS"),
        ({"protocol": "TCP", "certificate_arn": None}, "application", "protocol=TCP does not fit an application"),
        ({"protocol": "HTTP", "port": 80, "certificate_arn": None, "default_action": None, "redirect_to_https": True},
         "network", "does not fit a network load balancer"),
        ({"port": None}, "application", "port is required"),
        ({"protocol": None, "certificate_arn": None}, "application", "protocol is required for a listener of an application"),
        ({"protocol": None, "port": 6081, "certificate_arn": None}, "gateway", "port does not apply to a gateway"),
    ],
)
def test_protocol_and_type_mismatches(overrides, lb_type, expect):
    assert expect in listeners.validate_listener_for_lb(listener_params(**overrides), lb_type)


def test_gateway_listener_without_protocol_and_port_passes():
    params = listener_params(protocol=None, port=None, certificate_arn=None)
    assert listeners.validate_listener(params) is None
    assert listeners.validate_listener_for_lb(params, "gateway") is None
