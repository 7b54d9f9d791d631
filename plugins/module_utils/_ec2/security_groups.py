# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Security groups: read, reconcile (ingress rules, tags, ownership) and delete, without amazon.aws's fixed sleep.

Functions of a boto3 ``ec2`` client wrapped with ``common.aws_retry`` and explicit arguments. The groups of a stack
are read in ONE DescribeSecurityGroups call (filters vpc-id and group-name) through boto3's paginator. A group is
created with its tags in one call, then its ingress rules are authorised in one call; rules not wanted are revoked
in one call. The after-state is computed from what was sent, so a change costs no second read.

``desired`` (for :func:`ensure_security_group`) is a dict:

- ``name``, ``description``, ``vpc_id``;
- ``rules``: ``[{proto, from_port, to_port, cidr_ip, cidr_ipv6, group_id, prefix_list_id, description}]`` where
  each source key is a string or a list; ``group_id`` may be ``predicted:security-group:<name>`` in check mode;
- ``purge_rules`` (default True): revoke the ingress rules that are not in ``rules``; egress is left alone;
- ``tags``, ``purge_tags`` (default True), ``stack`` (the ownership tag ``https-rollout:stack``);
- ``option`` (default ``name``): the option or role variable named in errors about the group's name.
"""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import paginate
from ansible_collections.webops.https_rollout.plugins.module_utils._ec2 import rules as sg_rules
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import desired_tags
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes

#: The egress rule AWS gives every new group of a VPC.
DEFAULT_EGRESS = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]


# ---------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------


def group_state(group):
    """Our snake_case state of a boto3 security group: ``group_id``, ``group_name``, ``description``, ``vpc_id``,
    ``owner_id``, ``tags``, ``ip_permissions`` / ``ip_permissions_egress`` (AWS's shape, snake_case) and ``rules``
    (flat, one per source)."""
    atoms = sg_rules.permission_atoms(group.get("IpPermissions"))
    return {
        "group_id": group["GroupId"],
        "group_name": group["GroupName"],
        "description": group.get("Description"),
        "vpc_id": group.get("VpcId"),
        "owner_id": group.get("OwnerId"),
        "tags": boto3_tag_list_to_ansible_dict(group.get("Tags", [])),
        "ip_permissions": _snake_permissions(sg_rules.ip_permissions(atoms)),
        "ip_permissions_egress": _snake_permissions(
            sg_rules.ip_permissions(sg_rules.permission_atoms(group.get("IpPermissionsEgress")))
        ),
        "rules": sg_rules.rules_state(atoms),
    }


def _snake_permissions(permissions):
    return [camel_dict_to_snake_dict(perm) for perm in permissions or []]


def _current_atoms(current):
    if not current:
        return {}
    return sg_rules.desired_atoms(current["rules"])


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def find_security_groups(client, vpc_id, names):
    """Every group named one of ``names`` (in ``vpc_id``, or in any VPC when it is empty), as states: ONE
    DescribeSecurityGroups call (filters vpc-id and group-name) through the paginator."""
    names = sorted(set(names))
    if not names:
        return []
    filters = [{"Name": "group-name", "Values": names}]
    if vpc_id:
        filters.append({"Name": "vpc-id", "Values": [vpc_id]})
    groups = paginate(client, "describe_security_groups", Filters=filters).get("SecurityGroups", [])
    return [group_state(group) for group in groups]


def read_security_groups(client, vpc_id, names):
    """``{name: state or None}`` of the named groups of ``vpc_id`` (names are unique in a VPC), in one call."""
    found = {name: None for name in names}
    for state in find_security_groups(client, vpc_id, names):
        if found.get(state["group_name"]) is not None:
            raise RolloutError(
                f"security group {state['group_name']!r} exists in more than one VPC "
                f"({found[state['group_name']]['vpc_id']}, {state['vpc_id']}); give vpc_id to pick one."
            )
        found[state["group_name"]] = state
    return found


# ---------------------------------------------------------------------------
# Ownership
# ---------------------------------------------------------------------------


def foreign_error(current, stack, option="name"):
    """Why the stack may not manage the existing group ``current``, or None.

    Unlike other resources, a group without the ownership tag is not adopted: its inbound rules would be replaced.
    """
    if not stack or current is None:
        return None
    owner = (current.get("tags") or {}).get(STACK_TAG_KEY)
    if owner == stack:
        return None
    held = f"carries {STACK_TAG_KEY}={owner}" if owner else f"does not carry the tag {STACK_TAG_KEY}={stack}"
    return (
        f"{option}: security group {current['group_name']!r} ({current['group_id']}, {current['vpc_id']}) exists "
        f"and {held}; this stack changes nothing in a group it does not own. Set {option} to a name that is free, "
        f"or, if this stack should own the group (its inbound rules will be replaced), tag it "
        f"{STACK_TAG_KEY}={stack}."
    )


# ---------------------------------------------------------------------------
# Reconciliation
# ---------------------------------------------------------------------------


def validate_security_group(desired, creating):
    """The first problem with ``desired`` (naming the option), before any AWS call; None when fine."""
    option = desired.get("option") or "name"
    name = desired.get("name") or ""
    if not name or len(name) > 255 or name.lower().startswith("sg-"):
        return f"{option}: {name!r} is refused; a group name has 1 to 255 characters and does not start with sg-."
    if creating and not desired.get("vpc_id"):
        return f"vpc_id: security group {name!r} does not exist; give the VPC (vpc-...) to create it in."
    if creating and not desired.get("description"):
        return f"description: security group {name!r} does not exist; give a description to create it."
    return sg_rules.validate_rules(desired.get("rules"))


def security_group_changes(current, desired):
    """What turns ``current`` (a state, or None) into ``desired``: a dict of ``authorize``, ``revoke``,
    ``describe`` (atoms to description) and ``tags`` ``(to_set, to_remove)``; all empty when nothing changes."""
    wanted_tags = desired_tags(desired.get("tags"), desired.get("stack"))
    purge_tags = desired.get("purge_tags", True)
    if current is None:
        to_set, to_remove = (wanted_tags or {}), []
    else:
        to_set, to_remove = tag_changes(current["tags"], wanted_tags, purge_tags)
    if desired.get("rules") is None:
        authorize, revoke, describe = {}, {}, {}
    else:
        authorize, revoke, describe = sg_rules.atom_changes(
            _current_atoms(current), sg_rules.desired_atoms(desired["rules"]), desired.get("purge_rules", True)
        )
    return {"authorize": authorize, "revoke": revoke, "describe": describe, "tags": (to_set, to_remove)}


def _predict(current, desired, changes, group_id):
    atoms = _current_atoms(current)
    for atom in changes["revoke"]:
        atoms.pop(atom, None)
    atoms.update(changes["authorize"])
    atoms.update(changes["describe"])
    to_set, to_remove = changes["tags"]
    return {
        "group_id": group_id,
        "group_name": desired["name"],
        "description": current["description"] if current else desired.get("description"),
        "vpc_id": current["vpc_id"] if current else desired.get("vpc_id"),
        "owner_id": current["owner_id"] if current else None,
        "tags": apply_tag_changes(current["tags"] if current else {}, to_set, to_remove),
        "ip_permissions": _snake_permissions(sg_rules.ip_permissions(atoms)),
        "ip_permissions_egress": current["ip_permissions_egress"] if current else _snake_permissions(
            sg_rules.ip_permissions(sg_rules.permission_atoms(DEFAULT_EGRESS))
        ),
        "rules": sg_rules.rules_state(atoms),
    }


def _refuse_predicted_sources(atoms, check_mode):
    if check_mode:
        return
    predicted = sorted(atom[4] for atom in atoms if atom[3] == "group_id" and is_predicted(atom[4]))
    if predicted:
        raise RolloutError(
            f"rules: {', '.join(predicted)} is a check-mode prediction, not a security group ID. Create the group "
            "without --check first, and pass its real ID."
        )


def _resolve_self(atoms, name, group_id):
    """A rule from the group itself, given as its predicted placeholder, points at its real ID once created."""
    own = predicted_ref("security-group", name)
    return {(a[0], a[1], a[2], a[3], group_id if a[4] == own else a[4]): d for a, d in atoms.items()}


def ensure_security_group(client, current, desired, check_mode):
    """Create or update one group: ingress rules (purging the others), tags and the ownership tag.

    ``current`` is the group's state from :func:`read_security_groups` (None when it does not exist); ``desired``
    is described in the module docstring. Refuses a group of that name that the stack does not own. In check mode
    a group that would be created gets the ID ``predicted:security-group:<name>``.

    Returns ``(changed, state)``; ``state`` also carries ``authorized`` and ``revoked``, the rules as a person
    reads them (``tcp 80 from 0.0.0.0/0``), and ``description_differs`` when AWS cannot take the new description.
    """
    option = desired.get("option") or "name"
    problem = validate_security_group(desired, creating=current is None)
    problem = problem or foreign_error(current, desired.get("stack"), option)
    if problem:
        raise RolloutError(problem)
    changes = security_group_changes(current, desired)
    _refuse_predicted_sources(changes["authorize"], check_mode)
    to_set, to_remove = changes["tags"]
    changed = current is None or any(changes[key] for key in ("authorize", "revoke", "describe")) or bool(
        to_set or to_remove
    )
    group_id = current["group_id"] if current else predicted_ref("security-group", desired["name"])

    if not check_mode and changed:
        if current is None:
            response = client.create_security_group(
                aws_retry=True,
                GroupName=desired["name"],
                Description=desired["description"],
                VpcId=desired["vpc_id"],
                **({"TagSpecifications": [{"ResourceType": "security-group",
                                           "Tags": ansible_dict_to_boto3_tag_list(to_set)}]} if to_set else {}),
            )
            group_id = response["GroupId"]
            changes["authorize"] = _resolve_self(changes["authorize"], desired["name"], group_id)
        else:
            _update_tags(client, group_id, to_set, to_remove)
        if changes["revoke"]:
            client.revoke_security_group_ingress(
                aws_retry=True, GroupId=group_id, IpPermissions=sg_rules.ip_permissions(changes["revoke"])
            )
        if changes["authorize"]:
            client.authorize_security_group_ingress(
                aws_retry=True, GroupId=group_id, IpPermissions=sg_rules.ip_permissions(changes["authorize"])
            )
        if changes["describe"]:
            client.update_security_group_rule_descriptions_ingress(
                aws_retry=True, GroupId=group_id, IpPermissions=sg_rules.ip_permissions(changes["describe"])
            )

    state = _predict(current, desired, changes, group_id)
    state["authorized"] = [sg_rules.describe_atom(a) for a in sorted(changes["authorize"], key=sg_rules.sort_key)]
    state["revoked"] = [sg_rules.describe_atom(a) for a in sorted(changes["revoke"], key=sg_rules.sort_key)]
    if current and desired.get("description") and desired["description"] != current["description"]:
        state["description_differs"] = (
            f"description: security group {desired['name']!r} keeps its description {current['description']!r}; "
            "AWS cannot change it (delete the group and create it again to change it)."
        )
    return changed, state


def _update_tags(client, group_id, to_set, to_remove):
    if to_remove:
        client.delete_tags(aws_retry=True, Resources=[group_id], Tags=[{"Key": key} for key in to_remove])
    if to_set:
        client.create_tags(aws_retry=True, Resources=[group_id], Tags=ansible_dict_to_boto3_tag_list(to_set))


def ensure_security_group_absent(client, current, stack, check_mode, option="name", skip_foreign=False):
    """Delete the group ``current`` (a state, or None) when the stack owns it. Returns ``(changed, state)``.

    A group this stack does not own (``stack`` given, tag missing or other) is never deleted: a RolloutError
    naming ``option``, or with ``skip_foreign`` ``(False, {"not_owned": why})``. Take the group off the instances
    first (:func:`ensure_instance_security_group` with ``attach=False``); a group still in use is refused by AWS
    (DependencyViolation), reported naming what to do.
    """
    if current is None:
        return False, {}
    problem = foreign_error(current, stack, option)
    if problem:
        if skip_foreign:
            return False, {"not_owned": problem.replace("; this stack changes nothing", "; not deleting it, as this "
                                                        "stack changes nothing")}
        raise RolloutError(problem)
    if not check_mode:
        try:
            client.delete_security_group(aws_retry=True, GroupId=current["group_id"])
        except is_boto3_error_code("InvalidGroup.NotFound"):
            pass
        except is_boto3_error_code("DependencyViolation") as exc:
            raise RolloutError(
                f"security group {current['group_name']!r} ({current['group_id']}) is still in use "
                f"({exc}); take it off the network interfaces and out of other groups' rules first."
            ) from exc
    return True, {}
