# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A security group on the primary network interface of instances, keeping the interfaces' other groups.

One DescribeInstances read (through the paginator) finds every instance's primary interface (device index 0) and
its groups; only interfaces that need a change get a ModifyNetworkInterfaceAttribute call.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import paginate
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted


def primary_interfaces(client, instance_ids, option="instance_ids"):
    """``[{instance_id, network_interface_id, vpc_id, groups}]``, the primary interface of each instance, in the
    order of ``instance_ids``: ONE DescribeInstances call. An instance that does not exist is a RolloutError
    naming ``option``."""
    ids = list(dict.fromkeys(instance_ids))
    if not ids:
        return []
    try:
        result = paginate(client, "describe_instances", InstanceIds=ids)
    except is_boto3_error_code("InvalidInstanceID.NotFound") as exc:
        raise RolloutError(f"{option}: {exc.response['Error'].get('Message', exc)}; every instance must exist.") from exc
    except is_boto3_error_code("InvalidInstanceID.Malformed") as exc:
        raise RolloutError(f"{option}: {exc.response['Error'].get('Message', exc)} (an instance ID is i-...).") from exc
    found = {}
    for reservation in result.get("Reservations", []):
        for instance in reservation.get("Instances", []):
            for eni in instance.get("NetworkInterfaces", []):
                if int(eni.get("Attachment", {}).get("DeviceIndex", 0)) == 0:
                    found[instance["InstanceId"]] = {
                        "instance_id": instance["InstanceId"],
                        "network_interface_id": eni["NetworkInterfaceId"],
                        "vpc_id": eni.get("VpcId") or instance.get("VpcId"),
                        "groups": [g["GroupId"] for g in eni.get("Groups", [])],
                    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise RolloutError(f"{option}: {', '.join(missing)} not found, or without a network interface in a VPC.")
    return [found[i] for i in ids]


def ensure_instance_security_group(client, instance_ids, group_id, check_mode, attach=True, vpc_id=None,
                                   option="instance_ids", interfaces=None):
    """Put ``group_id`` on (``attach``) or take it off (not ``attach``) the primary interface of each instance,
    keeping the interface's other groups. Returns ``(changed, state)``.

    ``state`` is ``{"interfaces": [{instance_id, network_interface_id, vpc_id, groups}], "changed_instances": [...]}``
    with the groups after the change. Every instance must exist (and be in ``vpc_id`` when given), checked before
    any change. In check mode ``group_id`` may be a placeholder ``predicted:security-group:<name>``; outside check
    mode it is refused. Taking off a group an interface cannot lose (its only group) is refused.

    ``interfaces`` (from :func:`primary_interfaces`, read earlier so that a missing instance is refused before any
    change) saves the read; they are updated in place with the groups after the change.
    """
    if is_predicted(group_id) and not check_mode:
        raise RolloutError(f"{option}: {group_id} is a check-mode prediction; create the group without --check first.")
    if interfaces is None:
        interfaces = primary_interfaces(client, instance_ids, option)
    if vpc_id:
        elsewhere = [f"{eni['instance_id']} in {eni['vpc_id']}" for eni in interfaces if eni["vpc_id"] != vpc_id]
        if elsewhere:
            raise RolloutError(f"{option}: every instance must be in {vpc_id}; found {', '.join(elsewhere)}.")
    changes = []
    for eni in interfaces:
        if attach and group_id not in eni["groups"]:
            changes.append((eni, eni["groups"] + [group_id]))
        elif not attach and group_id in eni["groups"]:
            remaining = [g for g in eni["groups"] if g != group_id]
            if not remaining:
                raise RolloutError(
                    f"{option}: {eni['instance_id']} ({eni['network_interface_id']}) has no group but {group_id}, "
                    "and a network interface needs at least one. Give it another group first, then run again."
                )
            changes.append((eni, remaining))
    for eni, groups in changes:
        if not check_mode:
            client.modify_network_interface_attribute(
                aws_retry=True, NetworkInterfaceId=eni["network_interface_id"], Groups=groups
            )
        eni["groups"] = groups
    return bool(changes), {
        "interfaces": interfaces,
        "changed_instances": [eni["instance_id"] for eni, _groups in changes],
    }
