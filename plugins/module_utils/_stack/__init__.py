# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The stack engine, by step. Private: the module imports ``module_utils.stack``, which re-exports what it uses."""
