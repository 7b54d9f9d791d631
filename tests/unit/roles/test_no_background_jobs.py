"""Nothing of a rollout runs in the background: no task of the roles or playbooks is an async job.

An async job (``async`` with ``poll: 0``) is a daemon of its own: a playbook interrupted with Ctrl-C, or killed with
its process group, leaves it running, still calling AWS. The waits run in the foreground instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
TASK_FILES = sorted(
    [*REPO.glob("roles/*/tasks/*.yml"), *REPO.glob("roles/*/handlers/*.yml"), *REPO.glob("playbooks/*.yml")]
)


def tasks_of(node):
    """Every task (a mapping with a module or block) in a parsed task file or playbook, nested blocks included."""
    if isinstance(node, list):
        for item in node:
            yield from tasks_of(item)
    elif isinstance(node, dict):
        yield node
        for key in ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always"):
            if key in node:
                yield from tasks_of(node[key])


def test_task_files_are_found():
    assert any(path.name == "finish.yml" for path in TASK_FILES)


@pytest.mark.parametrize("path", TASK_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_task_is_an_async_job(path):
    background = [task.get("name", "?") for task in tasks_of(yaml.safe_load(path.read_text(encoding="utf-8")))
                  if "async" in task or str(task.get("poll", "")) == "0"]
    assert background == [], f"{path.name}: async tasks outlive an interrupted playbook: {background}"
