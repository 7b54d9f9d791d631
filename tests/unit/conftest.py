"""Make the collection importable as ansible_collections.webops.https_rollout for plain pytest.

`make unit` (or `make layout`) links the repository into .build/collections; the
amazon.aws collection comes from the `ansible` package in the venv.
"""

import sys
from pathlib import Path

_COLLECTIONS = Path(__file__).resolve().parents[2] / ".build" / "collections"
if not (_COLLECTIONS / "ansible_collections" / "webops" / "https_rollout").exists():
    raise RuntimeError(f"{_COLLECTIONS} has no webops.https_rollout: run `make layout` first")
if str(_COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(_COLLECTIONS))
