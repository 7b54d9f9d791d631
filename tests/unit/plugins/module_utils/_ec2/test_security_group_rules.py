"""Unit tests for _ec2/rules.py: validation, normalisation and comparison of security group rules."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._ec2 import rules


@pytest.mark.parametrize(
    "given, fragment",
    [
        ([{"proto": "tcp", "cidr_ip": "10.0.0.0/8"}], "rules[0].from_port: a tcp rule needs a port"),
        ([{"proto": "tcp", "from_port": 0, "cidr_ip": "10.0.0.0/8"}], "rules[0]: ports 0-0 are refused"),
        ([{"proto": "tcp", "from_port": 90, "to_port": 80, "cidr_ip": "10.0.0.0/8"}], "ports 90-80 are refused"),
        ([{"proto": "gre", "from_port": 1, "cidr_ip": "10.0.0.0/8"}], "rules[0].proto: 'gre' is not one of"),
        ([{"proto": "tcp", "from_port": 80}], "rules[0]: give at least one source"),
        ([{"proto": "tcp", "from_port": 80, "cidr_ip": "::/0"}], "rules[0].cidr_ip: '::/0' is not an IPv4 network"),
        ([{"proto": "tcp", "from_port": 80, "cidr_ip": "10.0.0.1/8"}], "is not an IPv4 network with its prefix"),
        ([{"proto": "tcp", "from_port": 80, "cidr_ip": "10.0.0.1"}], "is not an IPv4 network with its prefix"),
        ([{"proto": "tcp", "from_port": 80, "cidr_ipv6": "0.0.0.0/0"}], "rules[0].cidr_ipv6: '0.0.0.0/0' is not an IPv6"),
        ([{"proto": "tcp", "from_port": 80, "group_id": "web"}], "rules[0].group_id: 'web' is not a security group ID"),
    ],
)
def test_validate_rules_names_the_option(given, fragment):
    assert fragment in rules.validate_rules(given)


def test_validate_rules_accepts_all_sources_and_placeholders():
    assert rules.validate_rules([
        {"proto": "tcp", "from_port": 80, "cidr_ip": ["0.0.0.0/0"], "cidr_ipv6": "::/0"},
        {"proto": "tcp", "from_port": 8080, "group_id": "predicted:security-group:web-lb"},
        {"proto": "all", "prefix_list_id": "pl-12345678"},
        {"proto": "icmp", "from_port": 8, "to_port": -1, "cidr_ip": "10.0.0.0/8"},
    ]) is None


def test_desired_atoms_one_per_source_and_v6_normalised():
    atoms = rules.desired_atoms([
        {"proto": "tcp", "from_port": 443, "cidr_ip": ["0.0.0.0/0"], "cidr_ipv6": ["2001:DB8::/32"], "description": "x"},
        {"proto": "all", "group_id": "sg-1"},
    ])
    assert atoms == {
        ("tcp", 443, 443, "cidr_ip", "0.0.0.0/0"): "x",
        ("tcp", 443, 443, "cidr_ipv6", "2001:db8::/32"): "x",
        ("all", None, None, "group_id", "sg-1"): None,
    }


def test_permission_atoms_read_aws_shape_with_protocol_numbers():
    perms = [
        {"IpProtocol": "6", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTP"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "123"}],
         "PrefixListIds": []},
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ]
    assert rules.permission_atoms(perms) == {
        ("tcp", 80, 80, "cidr_ip", "0.0.0.0/0"): "HTTP",
        ("tcp", 80, 80, "cidr_ipv6", "::/0"): None,
        ("tcp", 80, 80, "group_id", "sg-2"): None,
        ("all", None, None, "cidr_ip", "10.0.0.0/8"): None,
    }


def test_atom_changes_authorize_revoke_and_describe():
    current = {("tcp", 80, 80, "cidr_ip", "0.0.0.0/0"): "old", ("tcp", 22, 22, "cidr_ip", "0.0.0.0/0"): None}
    desired = {("tcp", 80, 80, "cidr_ip", "0.0.0.0/0"): "new", ("tcp", 443, 443, "cidr_ip", "0.0.0.0/0"): None}
    authorize, revoke, describe = rules.atom_changes(current, desired, purge=True)
    assert authorize == {("tcp", 443, 443, "cidr_ip", "0.0.0.0/0"): None}
    assert revoke == {("tcp", 22, 22, "cidr_ip", "0.0.0.0/0"): None}
    assert describe == {("tcp", 80, 80, "cidr_ip", "0.0.0.0/0"): "new"}
    assert rules.atom_changes(current, desired, purge=False)[1] == {}
    assert rules.atom_changes(desired, desired, purge=True) == ({}, {}, {})


def test_ip_permissions_groups_by_port_and_round_trips():
    atoms = {
        ("tcp", 80, 80, "cidr_ip", "0.0.0.0/0"): "HTTP",
        ("tcp", 80, 80, "cidr_ipv6", "::/0"): "HTTP",
        ("tcp", 8080, 8080, "group_id", "sg-1"): None,
        ("all", None, None, "cidr_ip", "10.0.0.0/8"): None,
    }
    perms = rules.ip_permissions(atoms)
    assert perms == [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTP"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "HTTP"}]},
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": "sg-1"}]},
    ]
    assert rules.permission_atoms(perms) == atoms
    assert rules.desired_atoms(rules.rules_state(atoms)) == atoms


def test_port_intruders_everything_but_the_allowed_group():
    atoms = {
        ("tcp", 8080, 8080, "group_id", "sg-lb"): None,
        ("tcp", 8000, 9000, "cidr_ip", "0.0.0.0/0"): None,
        ("tcp", 8080, 8080, "cidr_ipv6", "::/0"): None,
        ("all", None, None, "group_id", "sg-other"): None,
        ("tcp", 22, 22, "cidr_ip", "198.51.100.0/24"): None,
        ("udp", 8080, 8080, "cidr_ip", "0.0.0.0/0"): None,
    }
    assert rules.port_intruders(atoms, 8080, ["sg-lb"]) == [
        "all all ports from sg-other",
        "tcp 8000-9000 from 0.0.0.0/0",
        "tcp 8080 from ::/0",
    ]
