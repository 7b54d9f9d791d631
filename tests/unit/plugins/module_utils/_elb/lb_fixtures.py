"""Fixtures shared by the _elb unit tests: a load balancer, and boto3's paginators over a fake's one-page methods."""

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


class Paginated:
    """boto3's get_paginator(...).paginate(...).build_full_result() over the fake's one-page methods."""

    def get_paginator(self, operation):
        method = getattr(self, operation)

        class Paginator:
            @staticmethod
            def paginate(**params):
                return type("Pages", (), {"build_full_result": staticmethod(lambda: method(aws_retry=False, **params))})

        return Paginator()
