# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Elastic Load Balancing v2, by resource. Private: modules import ``module_utils.elb``, which re-exports what they use."""
