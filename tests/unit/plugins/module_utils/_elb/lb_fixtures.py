"""Load balancer fixtures shared by the unit tests of _elb/api.py, _elb/listeners.py and _elb/load_balancers.py."""

ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012"

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
