# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Listener rules: conditions (canonical form, AWS's two shapes, requests, AWS's quotas), state and validation."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import action_state
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.actions import validate_action
from ansible_collections.webops.https_rollout.plugins.module_utils.common import int_or_none

# Listener rule conditions: snake_case name -> (AWS field, config key).
CONDITIONS = {
    "host_header": ("host-header", "HostHeaderConfig"),
    "path_pattern": ("path-pattern", "PathPatternConfig"),
    "http_header": ("http-header", "HttpHeaderConfig"),
    "http_request_method": ("http-request-method", "HttpRequestMethodConfig"),
    "query_string": ("query-string", "QueryStringConfig"),
    "source_ip": ("source-ip", "SourceIpConfig"),
}
_FIELD_TO_CONDITION = {field: name for name, (field, _config) in CONDITIONS.items()}
#: AWS quotas per listener rule.
MAX_CONDITION_VALUES = 5
MAX_WILDCARDS = 5
_METHOD = re.compile(r"^[A-Z_-]{1,40}$")
#: AWS's longest value of a rule condition (host, path, header and query string values), and header name.
MAX_CONDITION_TEXT = 128
MAX_HEADER_NAME = 40


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


def desired_conditions(conditions):
    """The canonical form of the ``conditions`` option: only what is set, values sorted."""
    conditions = conditions or {}
    result = {}
    for name in ("host_header", "path_pattern", "http_request_method", "source_ip"):
        if conditions.get(name):
            result[name] = sorted(conditions[name])
    if conditions.get("http_header"):
        result["http_header"] = sorted(
            ({"name": h["name"], "values": sorted(h["values"])} for h in conditions["http_header"]),
            key=lambda h: (h["name"].lower(), h["values"]),
        )
    if conditions.get("query_string"):
        result["query_string"] = sorted(
            ({"key": q.get("key"), "value": q["value"]} for q in conditions["query_string"]),
            key=lambda q: (q["key"] or "", q["value"]),
        )
    return result


def conditions_state(boto_conditions):
    """AWS's rule conditions in the canonical form (both the old ``Values`` and the ``*Config`` shapes)."""
    result = {}
    for condition in boto_conditions or []:
        name = _FIELD_TO_CONDITION.get(condition.get("Field"))
        if name is None:
            continue
        config = condition.get(CONDITIONS[name][1]) or {}
        if name == "http_header":
            result.setdefault(name, []).append(
                {"name": config.get("HttpHeaderName"), "values": sorted(config.get("Values") or [])}
            )
        elif name == "query_string":
            result.setdefault(name, []).extend(
                {"key": v.get("Key"), "value": v.get("Value")} for v in config.get("Values") or []
            )
        else:
            values = config.get("Values") or condition.get("Values") or []
            result[name] = sorted(set(result.get(name, [])) | set(values))
    if "http_header" in result:
        result["http_header"] = sorted(result["http_header"], key=lambda h: (h["name"].lower(), h["values"]))
    if "query_string" in result:
        result["query_string"] = sorted(result["query_string"], key=lambda q: (q["key"] or "", q["value"]))
    return result


def conditions_request(conditions):
    """The boto3 condition list for canonical conditions."""
    request = []
    for name, (field, config_key) in CONDITIONS.items():
        value = conditions.get(name)
        if not value:
            continue
        if name == "http_header":
            for header in value:
                request.append({"Field": field, config_key: {"HttpHeaderName": header["name"], "Values": header["values"]}})
        elif name == "query_string":
            pairs = []
            for pair in value:
                item = {"Value": pair["value"]}
                if pair.get("key") is not None:
                    item["Key"] = pair["key"]
                pairs.append(item)
            request.append({"Field": field, config_key: {"Values": pairs}})
        else:
            request.append({"Field": field, config_key: {"Values": list(value)}})
    return request


def condition_length_problem(conditions):
    """The first condition value longer than AWS accepts (canonical conditions), or None."""
    for name in ("host_header", "path_pattern"):
        for value in conditions.get(name, []):
            if len(value) > MAX_CONDITION_TEXT:
                return f"conditions.{name}: {value[:40]!r}... has {len(value)} characters; AWS takes at most {MAX_CONDITION_TEXT}"
    for header in conditions.get("http_header", []):
        if len(header["name"]) > MAX_HEADER_NAME:
            return f"conditions.http_header: the name {header['name']!r} has {len(header['name'])} characters; AWS takes at most {MAX_HEADER_NAME}"
        for value in header["values"]:
            if len(value) > MAX_CONDITION_TEXT:
                return (
                    f"conditions.http_header ({header['name']}): a value of {len(value)} characters; "
                    f"AWS takes at most {MAX_CONDITION_TEXT}"
                )
    for pair in conditions.get("query_string", []):
        for part in ("key", "value"):
            if len(pair.get(part) or "") > MAX_CONDITION_TEXT:
                return f"conditions.query_string: a {part} of {len(pair[part])} characters; AWS takes at most {MAX_CONDITION_TEXT}"
    return None


def condition_counts(conditions):
    """``(values, wildcards)`` of canonical conditions, as AWS counts them against a rule's quotas."""
    values = wildcards = 0
    for name, value in conditions.items():
        if name == "http_header":
            texts = [v for header in value for v in header["values"]]
        elif name == "query_string":
            texts = [(p.get("key") or "") + p["value"] for p in value]
        else:
            texts = list(value)
        values += len(texts)
        if name != "source_ip":
            wildcards += sum(text.count("*") + text.count("?") for text in texts)
    return values, wildcards


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


def rule_state(rule, tags):
    """The snake_case state of a listener rule."""
    priority = rule.get("Priority")
    return {
        "arn": rule.get("RuleArn"),
        "listener_arn": None,
        "priority": int_or_none(priority),
        "name": (tags or {}).get("Name"),
        "conditions": conditions_state(rule.get("Conditions")),
        "action": action_state(rule.get("Actions")),
        "tags": tags,
    }


def validate_rule(params):
    """Problems the options show on their own, before any call; None when there is none.

    Returns ``(problem, warning)``: a condition quota overrun gives both.
    """
    priority = params.get("priority")
    if priority is not None and not 1 <= priority <= 50000:
        return f"priority={priority} is out of range: use 1 to 50000", None
    if params.get("name") is None and priority is None:
        return "give priority or name (the rule's Name tag) to identify the rule", None
    if params.get("state") == "absent":
        return None, None
    if priority is None:
        return "state=present needs priority (where the rule goes in the listener's order)", None
    if not params.get("action"):
        return "state=present needs action", None
    problem = validate_action(params["action"], "action")
    if problem:
        return problem, None
    conditions = desired_conditions(params.get("conditions"))
    if not conditions:
        return "state=present needs at least one of conditions.host_header, path_pattern, http_header, " \
               "http_request_method, query_string or source_ip", None
    for method in conditions.get("http_request_method", []):
        if not _METHOD.match(method):
            return f"conditions.http_request_method: {method!r} is not an HTTP method: use upper case, like GET", None
    for cidr in conditions.get("source_ip", []):
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            return f"conditions.source_ip: {cidr!r} is not a CIDR block like 203.0.113.0/24", None
    for path in conditions.get("path_pattern", []):
        if not path.startswith("/") and not path.startswith("*"):
            return f"conditions.path_pattern: {path!r} must start with '/' (or a wildcard)", None
    problem = condition_length_problem(conditions)
    if problem:
        return problem, None
    values, wildcards = condition_counts(conditions)
    if values > MAX_CONDITION_VALUES or wildcards > MAX_WILDCARDS:
        warning = (
            f"the rule's conditions have {values} values and {wildcards} wildcards; AWS allows at most "
            f"{MAX_CONDITION_VALUES} values and {MAX_WILDCARDS} wildcards per rule"
        )
        return f"conditions exceed the per-rule limits: {warning}. Split them over several rules", warning
    return None, None
