# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Private: Route 53 by resource (normalise, zones, records, alias_targets). Modules import module_utils/route53.py.
