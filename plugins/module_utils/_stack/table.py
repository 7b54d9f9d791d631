# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan as rows and as one readable table, and the diff per resource."""

from __future__ import annotations

#: Keys of a state that are bookkeeping, not fields a user changes.
IGNORED_FIELDS = frozenset(("waited", "retired_arns", "deleted_arns", "created_at", "dns_name", "state", "health"))


def changed_fields(before, after):
    """The top-level fields whose value differs between two states (all of ``after`` for a create)."""
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return [k for k in keys if k not in IGNORED_FIELDS and before.get(k) != after.get(k) and k != "arn"]


def action_of(changed, before, after, deleted=False):
    """create / update / replace / delete / none."""
    if deleted:
        return "delete" if changed else "none"
    if not changed:
        return "none"
    if not before:
        return "create"
    if after and before.get("arn") and after.get("arn") and before["arn"] != after["arn"]:
        return "replace"
    return "update"


def row(resource, changed, before, after, deleted=False):
    """One plan row: ``{resource, action, fields}``."""
    action = action_of(changed, before, after, deleted)
    fields = [] if action in ("none", "delete") else changed_fields(before, after)
    if action == "create":
        fields = [f for f in fields if (after or {}).get(f) not in (None, [], {})]
    return {"resource": resource, "action": action, "fields": fields}


def render(rows):
    """The plan as lines of a table: resource, action, the fields that change."""
    if not rows:
        return ["(nothing to do)"]
    head = ("resource", "action", "fields that change")
    cells = [(r["resource"], r["action"], ", ".join(r["fields"]) or "-") for r in rows]
    widths = [max(len(c[i]) for c in cells + [head]) for i in range(2)]
    lines = [f"{head[0]:<{widths[0]}}  {head[1]:<{widths[1]}}  {head[2]}"]
    lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(head[2])}")
    lines += [f"{c[0]:<{widths[0]}}  {c[1]:<{widths[1]}}  {c[2]}" for c in cells]
    return lines


def diff(resource, before, after):
    """One entry of the module's ``diff`` list (Ansible shows each with its headers)."""
    strip = {k: v for k, v in (after or {}).items() if k not in ("waited", "retired_arns", "deleted_arns")}
    return {"before_header": resource, "after_header": resource, "before": before or {}, "after": strip}
