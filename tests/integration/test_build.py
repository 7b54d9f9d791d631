"""The collection tarball: it builds, holds only what users need, installs, and its modules run.

The installed copy is used alone (the repository link is not on the collections path),
so this catches files missing from the build as well as broken metadata.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from moto_server import MotoServer
from test_targets import play_header, playbook_command

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

TASKS = """\
  tasks:
    - name: Seed a VPC
      amazon.aws.ec2_vpc_net:
        name: build-check
        cidr_block: 10.77.0.0/16
      register: vpc
    - name: Create a target group with the installed module
      webops.https_rollout.elb_target_group:
        name: build-check
        protocol: HTTP
        port: 80
        vpc_id: "{{ vpc.vpc.id }}"
      register: created
    - name: Read it back with the installed info module
      webops.https_rollout.elb_target_group_info:
        names: [build-check]
      register: found
    - name: Save what the modules returned
      ansible.builtin.copy:
        content: "{{ {'created': created, 'found': found} | to_json }}"
        dest: "{{ result_file }}"
        mode: "0644"
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the tarball and install it into a fresh collections directory."""
    work = tmp_path_factory.mktemp("build")
    collections = work / "collections"
    # Only the fresh directory is on the collections path: the repository link that `make`
    # puts there would make ansible-galaxy report the collection as already installed.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="true")
    env["ANSIBLE_LOCAL_TEMP"] = str(work / "ansible-tmp")
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(work), str(REPO)],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    tarballs = list(work.glob("webops-https_rollout-*.tar.gz"))
    assert len(tarballs) == 1, tarballs
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "-p", str(collections), str(tarballs[0])],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert (collections / "ansible_collections" / "webops" / "https_rollout" / "MANIFEST.json").is_file()
    return {"tarball": tarballs[0], "collections": collections, "env": env, "work": work}


def test_tarball_holds_the_collection_and_nothing_of_the_workspace(installed):
    with tarfile.open(installed["tarball"]) as tar:
        names = tar.getnames()
    for wanted in ("MANIFEST.json", "FILES.json", "meta/runtime.yml", "README.md", "plugins/modules/elb_target_group.py"):
        assert wanted in names, f"{wanted} missing from the tarball"
    for name in names:
        assert not name.startswith((".venv", ".build", ".git", "tests/output")), f"{name} should not ship"
        assert "__pycache__" not in name, f"{name} should not ship"


def test_installed_module_documents_itself(installed):
    out = subprocess.run(
        [str(BIN / "ansible-doc"), "--json", "webops.https_rollout.elb_target_group"],
        env=installed["env"], check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    doc = json.loads(out)["webops.https_rollout.elb_target_group"]["doc"]
    assert str(installed["collections"]) in doc["filename"], "ansible-doc did not use the installed copy"
    assert doc["attributes"]["check_mode"]["support"] == "full"
    assert {"health_check", "targets", "wait_timeout", "stack", "tags"} <= set(doc["options"])


def test_installed_modules_run(installed):
    result_file = installed["work"] / "result.json"
    playbook = installed["work"] / "playbook.yml"
    with MotoServer() as moto:
        playbook.write_text(play_header(moto.endpoint) + TASKS, encoding="utf-8")
        run = subprocess.run(
            playbook_command(playbook, "-e", f"result_file={result_file}"),
            env=installed["env"], capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["created"]["changed"] is True
    assert result["created"]["arn"].startswith("arn:aws:elasticloadbalancing:us-east-1:")
    assert [g["arn"] for g in result["found"]["target_groups"]] == [result["created"]["arn"]]
