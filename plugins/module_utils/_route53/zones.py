# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route 53 hosted zones: which zone holds a name (the most specific, public or private), and the calls that
list and read zones.
"""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import fqdn
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_name

# ---------------------------------------------------------------------------
# Pure: zones
# ---------------------------------------------------------------------------

_ZONE_ID = re.compile(r"^(?:/hostedzone/)?[A-Z0-9]+$")


def in_zone(name, zone_name):
    """Whether the normalised ``name`` lies in the zone named ``zone_name`` (the apex included)."""
    name, zone_name = normalise_name(name), normalise_name(zone_name)
    return name == zone_name or name.endswith("." + zone_name)


def is_zone_id(value):
    """Whether ``zone`` is a hosted zone ID (``Z0123ABC`` or ``/hostedzone/Z0123ABC``) rather than a name."""
    return bool(_ZONE_ID.match(value or ""))


def bare_zone_id(zone_id):
    """``/hostedzone/Z0123ABC`` -> ``Z0123ABC``."""
    return (zone_id or "").rsplit("/", 1)[-1]


def zone_error(index, record, zone):
    """Why ``record`` cannot go into ``zone`` (a name outside it, a CNAME at its apex), or None."""
    name = normalise_name(record["name"])
    zone_name = normalise_name(zone["name"])
    if not in_zone(name, zone_name):
        return (
            f"records[{index}].name={name!r} is outside the hosted zone {zone_name} ({zone['id']}): "
            f"use a name ending in .{zone_name}, or another zone"
        )
    if record["type"] == "CNAME" and name == zone_name and not record.get("alias"):
        return (
            f"records[{index}] is a CNAME at the apex of zone {zone_name}: DNS allows no CNAME beside the zone's "
            "SOA and NS records. Use an alias A/AAAA record at the apex"
        )
    return None


def zone_summary(zone):
    """``{id, name, private, record_count}`` of a boto3 HostedZone (``record_count``: ResourceRecordSetCount, which
    tells whether listing the zone whole costs fewer reads than reading name by name)."""
    return {
        "id": bare_zone_id(zone["Id"]),
        "name": normalise_name(zone["Name"]),
        "private": bool((zone.get("Config") or {}).get("PrivateZone")),
        "record_count": zone.get("ResourceRecordSetCount"),
    }


def pick_zone(name, zones, private, vpc_zone_ids=None):
    """The most specific zone of ``zones`` (summaries) containing ``name``, or None.

    Only zones of the wanted kind (public or private) count; with ``vpc_zone_ids`` only those private
    zones. Raises ValueError when two zones of the same name are equally good (give ``vpc_id`` or ``zone``).
    """
    best = []
    best_len = -1
    for zone in zones:
        if zone["private"] != bool(private) or not in_zone(name, zone["name"]):
            continue
        if vpc_zone_ids is not None and zone["id"] not in vpc_zone_ids:
            continue
        length = len(zone["name"].split("."))
        if length > best_len:
            best, best_len = [zone], length
        elif length == best_len:
            best.append(zone)
    if len(best) > 1:
        ids = ", ".join(sorted(z["id"] for z in best))
        kind = "private" if private else "public"
        raise ValueError(
            f"several {kind} hosted zones named {best[0]['name']} contain {normalise_name(name)} ({ids}): "
            "give zone as an ID" + (", or vpc_id" if private else "")
        )
    return best[0] if best else None


# ---------------------------------------------------------------------------
# API calls
# ---------------------------------------------------------------------------


def list_zones(client):
    """Summaries of every hosted zone of the account (one call per 100 zones)."""
    result = paginated_query_with_retries(client, "list_hosted_zones", retry_decorator=aws_retry())
    return [zone_summary(z) for z in result.get("HostedZones", [])]


def zones_named(client, name):
    """Summaries of the hosted zones called ``name`` (public and private), read by name only.

    botocore has no paginator for ListHostedZonesByName, and the read stops at the first zone of another name.
    """
    wanted = normalise_name(name)
    zones = []
    kwargs = {"DNSName": fqdn(wanted), "MaxItems": "10"}
    while True:
        page = client.list_hosted_zones_by_name(aws_retry=True, **kwargs)
        for zone in page.get("HostedZones", []):
            summary = zone_summary(zone)
            if summary["name"] != wanted:
                return zones
            zones.append(summary)
        if not page.get("IsTruncated"):
            return zones
        kwargs = {"DNSName": page["NextDNSName"], "HostedZoneId": page["NextHostedZoneId"], "MaxItems": "10"}


def get_zone(client, zone_id):
    """``(summary, vpc_ids)`` of a hosted zone by ID, or ``(None, [])`` when there is none."""
    try:
        response = client.get_hosted_zone(aws_retry=True, Id=bare_zone_id(zone_id))
    except is_boto3_error_code("NoSuchHostedZone"):
        return None, []
    return zone_summary(response["HostedZone"]), [v["VPCId"] for v in response.get("VPCs", [])]


def zone_ids_of_vpc(client, vpc_id, region):
    """IDs of the private hosted zones associated with a VPC (botocore has no paginator for ListHostedZonesByVPC)."""
    ids = set()
    kwargs = {"VPCId": vpc_id, "VPCRegion": region}
    while True:
        page = client.list_hosted_zones_by_vpc(aws_retry=True, **kwargs)
        ids.update(bare_zone_id(z["HostedZoneId"]) for z in page.get("HostedZoneSummaries", []))
        if not page.get("NextToken"):
            return ids
        kwargs["NextToken"] = page["NextToken"]
