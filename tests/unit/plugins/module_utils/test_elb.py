"""Unit tests for the pure ELBv2 load balancer, listener and rule logic: normalisation, changes, validation."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils import elb

ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
TG_A = f"{ARN}:targetgroup/a/1111"
TG_B = f"{ARN}:targetgroup/b/2222"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/"


class ClientError(Exception):
    """A stand-in for botocore's ClientError: error_code() reads ``response``."""

    def __init__(self, code):
        super().__init__(code)
        self.response = {"Error": {"Code": code}}


# ---------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------


def forward(**overrides):
    action = {"type": "forward", "target_group": None, "target_groups": None, "stickiness": None,
              "redirect": None, "fixed_response": None}
    action.update(overrides)
    return action


def test_single_forward_matches_both_aws_shapes():
    wanted = elb.desired_action(forward(target_group="a"), {"a": TG_A})
    # What moto answers for a plain forward, and what AWS answers (it adds a ForwardConfig).
    moto_shape = [{"Type": "forward", "TargetGroupArn": TG_A}]
    aws_shape = [{
        "Type": "forward",
        "TargetGroupArn": TG_A,
        "Order": 1,
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": TG_A, "Weight": 1}],
                          "TargetGroupStickinessConfig": {"Enabled": False}},
    }]
    assert elb.action_state(moto_shape) == wanted
    assert elb.action_state(aws_shape) == wanted
    assert elb.action_request(wanted) == moto_shape


def test_weighted_forward_is_order_independent_and_round_trips():
    option = forward(target_groups=[{"name": TG_B, "weight": 1}, {"name": "a", "weight": 3}],
                     stickiness={"enabled": True, "duration": 600})
    wanted = elb.desired_action(option, {"a": TG_A, TG_B: TG_B})
    assert wanted["target_groups"] == [{"arn": TG_A, "weight": 3}, {"arn": TG_B, "weight": 1}]
    request = elb.action_request(wanted)
    assert request[0]["ForwardConfig"]["TargetGroupStickinessConfig"] == {"Enabled": True, "DurationSeconds": 600}
    reversed_answer = [dict(request[0], ForwardConfig=dict(
        request[0]["ForwardConfig"], TargetGroups=list(reversed(request[0]["ForwardConfig"]["TargetGroups"]))))]
    assert elb.action_state(reversed_answer) == wanted


def test_weight_defaults_to_one_and_disabled_stickiness_has_no_duration():
    wanted = elb.desired_action(forward(target_groups=[{"name": "a", "weight": None}],
                                        stickiness={"enabled": False, "duration": 60}), {"a": TG_A})
    assert wanted["target_groups"] == [{"arn": TG_A, "weight": 1}]
    assert wanted["stickiness"] == {"enabled": False, "duration": None}


def test_redirect_to_https_keeps_host_path_and_query():
    wanted = elb.desired_action(elb.REDIRECT_TO_HTTPS, {})
    assert wanted == {"type": "redirect", "protocol": "HTTPS", "port": "443", "host": "#{host}", "path": "/#{path}",
                      "query": "#{query}", "status_code": "HTTP_301"}
    request = elb.action_request(wanted)
    assert request == [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}",
        "StatusCode": "HTTP_301"}}]
    assert elb.action_state(request) == wanted


def test_partial_redirect_fills_the_defaults_aws_uses():
    option = {"type": "redirect", "redirect": {"host": "office.example.test", "status_code": 302}}
    wanted = elb.desired_action(option, {})
    assert wanted["host"] == "office.example.test"
    assert wanted["protocol"] == "#{protocol}"
    assert wanted["status_code"] == "HTTP_302"
    # AWS answers with every part spelled out; the state matches the option.
    assert elb.action_state(elb.action_request(wanted)) == wanted


def test_fixed_response_round_trips():
    option = {"type": "fixed_response",
              "fixed_response": {"status_code": "503", "content_type": "text/plain", "message_body": "later"}}
    wanted = elb.desired_action(option, {})
    assert elb.action_state(elb.action_request(wanted)) == wanted
    assert elb.action_request(wanted)[0]["Type"] == "fixed-response"


def test_action_refs_lists_names_and_arns():
    assert elb.action_refs(forward(target_groups=[{"name": "a", "weight": 1}, {"name": TG_B, "weight": 2}])) == ["a", TG_B]
    assert elb.action_refs({"type": "redirect", "redirect": {"protocol": "HTTPS"}}) == []
    assert elb.missing_target_groups({"a": TG_A, "nope": None}) == ["nope"]


@pytest.mark.parametrize(
    "action, protocol, expect",
    [
        (forward(), None, "needs exactly one of default_action.target_group"),
        (forward(target_group="a", target_groups=[{"name": "b", "weight": 1}]), None, "exactly one of"),
        (forward(target_groups=[{"name": str(i), "weight": 1} for i in range(6)]), None, "at most 5 target groups"),
        (forward(target_groups=[{"name": "a", "weight": 1}, {"name": "a", "weight": 2}]), None, "given once"),
        (forward(target_groups=[{"name": "a", "weight": -1}]), None, "weight=-1 is out of range"),
        (forward(target_group="a", stickiness={"enabled": True, "duration": None}), None, "needs default_action.stickiness.duration"),
        (forward(target_groups=[{"name": "a", "weight": 1}, {"name": "b", "weight": 1}]), "TCP", "forwards to one target group"),
        ({"type": "redirect", "redirect": {"protocol": "HTTPS"}}, "TCP", "a network load balancer can only forward"),
        ({"type": "fixed_response", "fixed_response": {"status_code": "200"}}, "UDP", "can only forward"),
        ({"type": "redirect", "redirect": {}}, "HTTP", "or it loops"),
        ({"type": "redirect", "redirect": {"path": "x"}}, "HTTP", "must start with '/'"),
        ({"type": "redirect", "redirect": {"port": "70000"}}, "HTTP", "redirect.port='70000'"),
        ({"type": "fixed_response", "fixed_response": {"status_code": "301"}}, "HTTP", "2XX, 4XX or 5XX"),
        ({"type": "fixed_response", "fixed_response": {"status_code": "200", "message_body": "x" * 1025}}, "HTTP", "1024"),
        ({"type": "redirect", "target_group": "a", "redirect": {"protocol": "HTTPS"}}, "HTTP", "does not go with"),
    ],
)
def test_bad_actions_are_named(action, protocol, expect):
    assert expect in elb.validate_action(action, "default_action", protocol)


def test_good_actions_pass():
    assert elb.validate_action(forward(target_group="a"), "action", "TCP") is None
    assert elb.validate_action({"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "#{port}"}}, "a", "HTTP") is None


# ---------------------------------------------------------------------------
# Load balancer attributes and changes
# ---------------------------------------------------------------------------

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


AWS_LB = {
    "LoadBalancerArn": f"{ARN}:loadbalancer/app/web/abc",
    "LoadBalancerName": "web",
    "DNSName": "web-1.us-east-1.elb.amazonaws.com",
    "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
    "VpcId": "vpc-1",
    "State": {"Code": "active"},
    "Type": "application",
    "AvailabilityZones": [
        {"ZoneName": "us-east-1b", "SubnetId": "subnet-0bbbbbbbbbbbbbbbb"},
        {"ZoneName": "us-east-1a", "SubnetId": "subnet-0aaaaaaaaaaaaaaaa"},
    ],
    "SecurityGroups": ["sg-02222222222222222", "sg-01111111111111111"],
    "IpAddressType": "ipv4",
}


def test_missing_attributes_are_not_set():
    state = elb.lb_attributes_state(MOTO_FRESH_ATTRIBUTES)
    assert state["idle_timeout"] is None
    assert state["http2"] is None
    assert state["desync_mitigation_mode"] is None
    assert state["deletion_protection"] is False
    assert state["access_logs"] == {"enabled": None, "bucket": None, "prefix": None}


def test_load_balancer_state_is_snake_case_sorted_and_defaults_the_scheme():
    state = elb.load_balancer_state(AWS_LB, {"idle_timeout.timeout_seconds": "60"}, {"team": "web"})
    assert state["subnets"] == ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
    assert state["security_groups"] == ["sg-01111111111111111", "sg-02222222222222222"]
    assert state["scheme"] == "internet-facing"
    assert state["dns_name"] == AWS_LB["DNSName"]
    assert state["canonical_hosted_zone_id"] == "Z35SXDOTRQ7X7K"
    assert state["idle_timeout"] == 60
    assert state["state"] == "active"


def test_desired_attributes_are_only_what_the_user_set():
    wanted = elb.desired_lb_attributes(lb_params(http2=False, idle_timeout=120, access_logs={"enabled": None, "bucket": "logs", "prefix": None}))
    assert wanted == {"routing.http2.enabled": "false", "idle_timeout.timeout_seconds": "120", "access_logs.s3.bucket": "logs"}


def test_attribute_changes_treat_a_missing_key_as_not_set():
    wanted = {"routing.http2.enabled": "false", "deletion_protection.enabled": "false"}
    assert elb.attribute_changes(MOTO_FRESH_ATTRIBUTES, wanted) == {"routing.http2.enabled": "false"}
    assert elb.attribute_changes(dict(MOTO_FRESH_ATTRIBUTES, **{"routing.http2.enabled": "false"}), wanted) == {}


def test_load_balancer_changes_compare_security_groups_and_subnets_as_sets():
    current = elb.load_balancer_state(AWS_LB, MOTO_FRESH_ATTRIBUTES, {})
    same = lb_params(
        security_groups=["sg-01111111111111111", "sg-02222222222222222"],
        subnets=["subnet-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa"],
    )
    assert elb.load_balancer_changes(current, MOTO_FRESH_ATTRIBUTES, same) == {}
    changed = lb_params(security_groups=["sg-03333333333333333"], idle_timeout=30, ip_address_type="dualstack")
    assert elb.load_balancer_changes(current, MOTO_FRESH_ATTRIBUTES, changed) == {
        "security_groups": ["sg-03333333333333333"],
        "ip_address_type": "dualstack",
        "attributes": {"idle_timeout.timeout_seconds": "30"},
    }


def test_create_request_and_prediction():
    params = lb_params(type="network", subnet_mappings=[{"subnet_id": "subnet-0aaaaaaaaaaaaaaaa", "allocation_id": "eipalloc-1",
                                                         "private_ipv4_address": None, "ipv6_address": None}],
                       security_groups=["sg-01111111111111111"], cross_zone=True)
    request = elb.create_load_balancer_request(params, {"https-rollout:stack": "s"})
    assert request["Type"] == "network"
    assert request["SubnetMappings"] == [{"SubnetId": "subnet-0aaaaaaaaaaaaaaaa", "AllocationId": "eipalloc-1"}]
    assert request["SecurityGroups"] == ["sg-01111111111111111"]
    assert request["Tags"] == [{"Key": "https-rollout:stack", "Value": "s"}]
    predicted = elb.predict_load_balancer(None, params, {"https-rollout:stack": "s"}, True)
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
    assert expect in elb.validate_load_balancer(lb_params(**overrides))


def test_create_needs_subnets_and_two_zones_for_an_alb():
    assert "needs subnets or subnet_mappings" in elb.validate_load_balancer(lb_params(), creating=True)
    assert "at least two availability zones" in elb.validate_load_balancer(lb_params(subnets=["subnet-0aaaaaaaaaaaaaaaa"]), creating=True)
    assert elb.validate_load_balancer(lb_params(type="network", subnets=["subnet-0aaaaaaaaaaaaaaaa"]), creating=True) is None


def test_immutable_and_nlb_security_group_rules_against_the_current_lb():
    nlb = elb.load_balancer_state(dict(AWS_LB, Type="network", SecurityGroups=[]), {}, {})
    assert "scheme of the existing load balancer" in elb.validate_load_balancer(lb_params(scheme="internal"), nlb)
    assert "only when it is created" in elb.validate_load_balancer(lb_params(security_groups=["sg-01111111111111111"]), nlb)
    nlb_with = elb.load_balancer_state(dict(AWS_LB, Type="network"), {}, {})
    assert "must keep at least one" in elb.validate_load_balancer(lb_params(security_groups=[]), nlb_with)
    assert elb.validate_load_balancer(lb_params(security_groups=["sg-03333333333333333"]), nlb_with) is None


def test_absent_skips_option_checks():
    assert elb.validate_load_balancer(lb_params(state="absent", type="network", idle_timeout=30)) is None


# ---------------------------------------------------------------------------
# Listeners
# ---------------------------------------------------------------------------


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
        "SslPolicy": elb.DEFAULT_SSL_POLICY,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_A}],
        "AlpnPolicy": [],
    }


SNI = [(CERT + "www", True), (CERT + "api", False), (CERT + "shop", False)]


def test_listener_state_reads_sni_from_listener_certificates_in_both_shapes():
    aws = elb.listener_state(https_listener([CERT + "www"]), SNI, {})  # AWS lists only the default
    moto = elb.listener_state(https_listener([CERT + "www", CERT + "api", CERT + "shop"]), SNI, {})  # moto lists all
    assert aws == moto
    assert aws["certificate_arn"] == CERT + "www"
    assert aws["extra_certificate_arns"] == [CERT + "api", CERT + "shop"]
    assert aws["alpn_policy"] is None


def test_plain_http_listener_has_no_tls_settings_even_if_aws_reports_a_policy():
    listener = dict(https_listener([]), Protocol="HTTP", Port=80, SslPolicy="ELBSecurityPolicy-2016-08")
    state = elb.listener_state(listener, None, {})
    assert state["ssl_policy"] is None
    assert state["certificate_arn"] is None


def test_certificate_changes_by_arn_ignore_order_and_the_default():
    current = [CERT + "api", CERT + "shop"]
    assert elb.certificate_changes(current, [CERT + "shop", CERT + "api", CERT + "www"], True, CERT + "www") == ([], [])
    assert elb.certificate_changes(current, [CERT + "shop"], True, CERT + "www") == ([], [CERT + "api"])
    assert elb.certificate_changes(current, [], False, CERT + "www") == ([], [])
    assert elb.certificate_changes(current, None, True, CERT + "www") == ([], [])
    assert elb.certificate_changes([], [CERT + "api"], True, CERT + "www") == ([CERT + "api"], [])


def test_default_policy_applies_on_create_and_when_a_listener_becomes_tls():
    action = elb.desired_action(forward(target_group="a"), {"a": TG_A})
    assert elb.desired_listener(listener_params(), action, None)["ssl_policy"] == elb.DEFAULT_SSL_POLICY
    current = elb.listener_state(dict(https_listener([CERT + "www"]), SslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06"), SNI, {})
    assert elb.desired_listener(listener_params(), action, current)["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-3-2021-06"
    plain = elb.listener_state(dict(https_listener([]), Protocol="HTTP"), None, {})
    wanted = elb.desired_listener(listener_params(), action, plain)
    changes = elb.listener_changes(plain, wanted)
    assert changes["Protocol"] == "HTTPS"
    assert changes["SslPolicy"] == elb.DEFAULT_SSL_POLICY
    assert changes["Certificates"] == [{"CertificateArn": CERT + "www"}]
    assert "DefaultActions" not in changes


def test_no_listener_change_when_equal():
    action = elb.desired_action(forward(target_group="a"), {"a": TG_A})
    current = elb.listener_state(https_listener([CERT + "www"]), SNI, {})
    assert elb.listener_changes(current, elb.desired_listener(listener_params(), action, current)) == {}


def test_alpn_policy_none_turns_alpn_off():
    tls = dict(https_listener([CERT + "www"]), Protocol="TLS", AlpnPolicy=["HTTP2Preferred"])
    current = elb.listener_state(tls, [], {})
    assert current["alpn_policy"] == "HTTP2Preferred"
    action = elb.desired_action(forward(target_group="a"), {"a": TG_A})
    wanted = elb.desired_listener(listener_params(protocol="TLS", alpn_policy="None"), action, current)
    assert elb.listener_changes(current, wanted) == {"AlpnPolicy": ["None"]}


def test_create_listener_request_and_prediction():
    action = elb.desired_action(elb.REDIRECT_TO_HTTPS, {})
    params = listener_params(protocol="HTTP", port=80, certificate_arn=None, default_action=None, redirect_to_https=True)
    wanted = elb.desired_listener(params, action, None)
    request = elb.create_listener_request("lb-arn", 80, wanted, {"k": "v"})
    assert request["Protocol"] == "HTTP"
    assert "Certificates" not in request and "SslPolicy" not in request
    predicted = elb.predict_listener(None, wanted, 80, [], [], {"k": "v"}, True)
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
    assert expect in elb.validate_listener(listener_params(**overrides))


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
    assert expect in elb.validate_listener_for_lb(listener_params(**overrides), lb_type)


def test_gateway_listener_without_protocol_and_port_passes():
    params = listener_params(protocol=None, port=None, certificate_arn=None)
    assert elb.validate_listener(params) is None
    assert elb.validate_listener_for_lb(params, "gateway") is None


# ---------------------------------------------------------------------------
# Rule conditions
# ---------------------------------------------------------------------------


def conditions(**values):
    base = {k: None for k in elb.CONDITIONS}
    base.update(values)
    return base


def test_conditions_normalise_sorted_and_read_both_aws_shapes():
    option = conditions(
        host_header=["b.example.test", "a.example.test"],
        path_pattern=["/x/*"],
        http_header=[{"name": "X-B", "values": ["2", "1"]}, {"name": "X-A", "values": ["z"]}],
        query_string=[{"key": "v", "value": "2"}, {"key": None, "value": "debug"}],
    )
    wanted = elb.desired_conditions(option)
    assert wanted["host_header"] == ["a.example.test", "b.example.test"]
    assert [h["name"] for h in wanted["http_header"]] == ["X-A", "X-B"]
    assert wanted["http_header"][1]["values"] == ["1", "2"]
    assert wanted["query_string"] == [{"key": None, "value": "debug"}, {"key": "v", "value": "2"}]
    assert "source_ip" not in wanted
    assert elb.conditions_state(elb.conditions_request(wanted)) == wanted
    # The old shape: values at the top of the condition.
    old = [{"Field": "path-pattern", "Values": ["/x/*"]},
           {"Field": "host-header", "Values": ["b.example.test", "a.example.test"]}]
    assert elb.conditions_state(old) == {"path_pattern": ["/x/*"], "host_header": ["a.example.test", "b.example.test"]}


def test_conditions_request_leaves_out_a_missing_query_key():
    request = elb.conditions_request({"query_string": [{"key": None, "value": "debug"}]})
    assert request == [{"Field": "query-string", "QueryStringConfig": {"Values": [{"Value": "debug"}]}}]


def test_condition_counts():
    wanted = elb.desired_conditions(conditions(host_header=["*.example.test"], path_pattern=["/a?", "/b"],
                                               source_ip=["10.0.0.0/8"]))
    assert elb.condition_counts(wanted) == (4, 2)


def rule_params(**overrides):
    base = {"listener_arn": "l", "load_balancer": None, "port": None, "priority": 10, "name": None,
            "state": "present", "conditions": conditions(host_header=["a.example.test"]),
            "action": forward(target_group="a"), "tags": None, "purge_tags": True, "stack": None}
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    "overrides, expect",
    [
        ({"priority": 0}, "priority=0 is out of range"),
        ({"priority": None}, "give priority or name"),
        ({"priority": None, "name": "shop"}, "state=present needs priority"),
        ({"action": None}, "state=present needs action"),
        ({"conditions": conditions()}, "needs at least one of conditions"),
        ({"conditions": conditions(http_request_method=["get"])}, "'get' is not an HTTP method"),
        ({"conditions": conditions(source_ip=["10.0.0.0/33"])}, "is not a CIDR block"),
        ({"conditions": conditions(path_pattern=["api"])}, "must start with '/'"),
    ],
)
def test_bad_rule_input_is_named(overrides, expect):
    problem, warning = elb.validate_rule(rule_params(**overrides))
    assert expect in problem
    assert warning is None


def test_condition_quota_overrun_warns_and_fails():
    too_many = conditions(host_header=["a", "b", "c"], http_header=[{"name": "X", "values": ["1", "2", "3"]}])
    problem, warning = elb.validate_rule(rule_params(conditions=too_many))
    assert "6 values and 0 wildcards" in warning
    assert problem.startswith("conditions exceed the per-rule limits")
    wild = conditions(path_pattern=["/*/*/*", "/*/*/*"])
    problem, warning = elb.validate_rule(rule_params(conditions=wild))
    assert "6 wildcards" in warning
    assert elb.validate_rule(rule_params(conditions=conditions(host_header=["a", "b", "c", "d", "e"]))) == (None, None)


def test_absent_rule_needs_only_an_identity():
    assert elb.validate_rule(rule_params(state="absent", action=None, conditions=None)) == (None, None)


def test_rule_state():
    rule = {"RuleArn": "r", "Priority": "10", "IsDefault": False,
            "Conditions": [{"Field": "host-header", "HostHeaderConfig": {"Values": ["a"]}}],
            "Actions": [{"Type": "forward", "TargetGroupArn": TG_A}]}
    state = elb.rule_state(rule, {"Name": "shop"})
    assert state["priority"] == 10
    assert state["name"] == "shop"
    assert state["conditions"] == {"host_header": ["a"]}


# ---------------------------------------------------------------------------
# API helpers against a fake client
# ---------------------------------------------------------------------------


class FakeClient:
    def __init__(self, groups=None, load_balancers=None, policies=()):
        self.groups = groups or {}
        self.load_balancers = load_balancers or {}
        self.policies = policies
        self.calls = []

    def describe_target_groups(self, aws_retry, Names):  # pylint: disable=invalid-name,unused-argument
        self.calls.append(("describe_target_groups", tuple(Names)))
        if any(n not in self.groups for n in Names):
            raise ClientError("TargetGroupNotFound")
        return {"TargetGroups": [{"TargetGroupName": n, "TargetGroupArn": self.groups[n]} for n in Names]}

    def describe_load_balancers(self, aws_retry, Names=None, LoadBalancerArns=None):  # pylint: disable=invalid-name,unused-argument
        key = (Names or LoadBalancerArns)[0]
        if key not in self.load_balancers:
            raise ClientError("LoadBalancerNotFound")
        return {"LoadBalancers": [self.load_balancers[key]]}

    def describe_ssl_policies(self, aws_retry, Names):  # pylint: disable=invalid-name,unused-argument
        if Names[0] not in self.policies:
            raise ClientError("SSLPolicyNotFound")
        return {"SslPolicies": [{"Name": Names[0]}]}


def test_target_groups_resolve_in_one_call_when_all_exist():
    client = FakeClient(groups={"a": TG_A, "b": TG_B})
    assert elb.resolve_target_groups(client, ["b", "a", TG_A]) == {"a": TG_A, "b": TG_B, TG_A: TG_A}
    assert client.calls == [("describe_target_groups", ("a", "b"))]


def test_a_missing_target_group_is_found_one_by_one():
    client = FakeClient(groups={"a": TG_A})
    assert elb.resolve_target_groups(client, ["a", "nope"]) == {"a": TG_A, "nope": None}
    assert len(client.calls) == 3


def test_no_call_for_arns_only():
    client = FakeClient()
    assert elb.resolve_target_groups(client, [TG_A]) == {TG_A: TG_A}
    assert client.calls == []


def test_describe_load_balancer_not_found_is_none():
    client = FakeClient(load_balancers={"web": AWS_LB})
    assert elb.describe_load_balancer(client, name="web") is AWS_LB
    assert elb.describe_load_balancer(client, name="other") is None


def test_ssl_policy_exists():
    client = FakeClient(policies=(elb.DEFAULT_SSL_POLICY,))
    assert elb.ssl_policy_exists(client, elb.DEFAULT_SSL_POLICY)
    assert not elb.ssl_policy_exists(client, "ELBSecurityPolicy-Nope")


def test_a_predicted_security_group_passes_validation_for_check_mode():
    params = lb_params(
        security_groups=["predicted:security-group:web-lb"], subnets=["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
    )
    assert elb.validate_load_balancer(params, creating=True) is None


def test_placeholders_are_never_sent_to_aws():
    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError(f"{name} called with a placeholder")

    assert elb.find_load_balancer(NoCalls(), "predicted:load-balancer:web") is None
    assert elb.describe_listener(NoCalls(), "predicted:listener:web:443") is None
    assert elb.resolve_target_groups(NoCalls(), ["predicted:target-group:web"]) == {"predicted:target-group:web": None}


@pytest.mark.parametrize(
    "conditions, expect",
    [
        ({"host_header": ["a" * 125 + ".test"]}, "conditions.host_header: "),
        ({"path_pattern": ["/" + "p" * 128]}, "conditions.path_pattern: "),
        ({"http_header": [{"name": "X" * 41, "values": ["1"]}]}, "AWS takes at most 40"),
        ({"http_header": [{"name": "X-Env", "values": ["v" * 129]}]}, "conditions.http_header (X-Env)"),
        ({"query_string": [{"key": None, "value": "q" * 129}]}, "conditions.query_string: a value of 129"),
    ],
)
def test_condition_values_longer_than_aws_takes_are_refused(conditions, expect):
    assert expect in elb.condition_length_problem(elb.desired_conditions(conditions))


def test_condition_values_of_the_longest_length_pass():
    assert elb.condition_length_problem(elb.desired_conditions({"host_header": ["a" * 123 + ".test"]})) is None
