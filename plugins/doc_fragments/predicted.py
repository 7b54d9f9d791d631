# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # How check mode carries on from resources that an earlier check-mode task only predicted.
    DOCUMENTATION = r"""
options: {}
notes:
  - In check mode, the ARN, ID or DNS name of a resource the module would create is not known yet. The result
    then carries a placeholder of the form C(predicted:<kind>:<name>) (for example
    C(predicted:load-balancer:web)), so that later tasks can be chained to it as in a real run.
  - The modules of this collection accept such placeholders, and references by name to resources that do not
    exist yet, in check mode only. They warn, and predict their own change. A real run refuses both, naming the
    option.
  - In check mode, a change that another resource still blocks (a target group still used by a listener, say) is
    a warning, not an error, since an earlier check-mode task of the play may have predicted that resource away.
"""
