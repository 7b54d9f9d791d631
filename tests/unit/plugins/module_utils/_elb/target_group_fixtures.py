"""Target group fixtures shared by the unit tests of _elb/target_groups.py and _elb/target_group_validation.py."""

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_groups


VPC = "vpc-0123456789abcdef0"


def params(**overrides):
    """Module params as AnsibleModule fills them: every option present, None when not given."""
    base = {
        "name": "web",
        "state": "present",
        "protocol": "HTTP",
        "protocol_version": None,
        "port": 8080,
        "vpc_id": VPC,
        "target_type": None,
        "ip_address_type": None,
        "health_check": None,
        "deregistration_delay": None,
        "slow_start": None,
        "load_balancing_algorithm": None,
        "preserve_client_ip": None,
        "proxy_protocol_v2": None,
        "stickiness": None,
        "targets": None,
        "purge_targets": True,
        "wait_healthy": False,
        "wait_healthy_count": None,
        "wait_timeout": 300,
        "tags": None,
        "purge_tags": True,
        "stack": None,
    }
    base.update(overrides)
    return base


def hc(**values):
    keys = ("enabled", "protocol", "port", "path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold")
    result = {k: None for k in keys}
    result["matcher"] = None
    result.update(values)
    return result


AWS_GROUP = {
    "TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc",
    "TargetGroupName": "web",
    "Protocol": "HTTP",
    "ProtocolVersion": "HTTP1",
    "Port": 8080,
    "VpcId": VPC,
    "HealthCheckEnabled": True,
    "HealthCheckProtocol": "HTTP",
    "HealthCheckPort": "traffic-port",
    "HealthCheckPath": "/healthz",
    "HealthCheckIntervalSeconds": 15,
    "HealthCheckTimeoutSeconds": 5,
    "HealthyThresholdCount": 2,
    "UnhealthyThresholdCount": 3,
    "Matcher": {"HttpCode": "200"},
    "LoadBalancerArns": [],
    "TargetType": "instance",
    "IpAddressType": "ipv4",
}


AWS_ATTRIBUTES = {
    "deregistration_delay.timeout_seconds": "300",
    "stickiness.enabled": "false",
    "stickiness.type": "lb_cookie",
    "stickiness.lb_cookie.duration_seconds": "86400",
}


AWS_HEALTH = [
    {"Target": {"Id": "i-0bbbbbbbbbbbbbbb2", "Port": 8080}, "TargetHealth": {"State": "healthy"}},
    {
        "Target": {"Id": "i-0aaaaaaaaaaaaaaa1", "Port": 8080},
        "TargetHealth": {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"},
    },
]


def current_state():
    return target_groups.target_group_state(AWS_GROUP, AWS_ATTRIBUTES, {"team": "web"}, AWS_HEALTH)
