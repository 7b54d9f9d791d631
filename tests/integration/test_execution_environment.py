"""The execution environment definition (meta/execution-environment.yml) renders offline, as intended.

``ansible-builder create`` turns the definition into a build context (a Containerfile and the files it copies),
without a container engine or a network. The definition's paths are relative to the collection root, as
ansible-builder's introspection of an installed collection reads them, so it is rendered from a copy at the root of
a staging folder next to the files it names (the way its header comment tells users to build it).

The test then runs the context's own introspection script, as the image build's builder stage would, over the
collections that the Galaxy stage would install (this collection and amazon.aws): that is what merges the
collections' Python and system requirements into the image.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFINITION = REPO / "meta" / "execution-environment.yml"
SITE_PACKAGES_COLLECTIONS = Path(yaml.__file__).resolve().parents[1] / "ansible_collections"
# Connections through these fail at once: a proxy-aware client that tried the network would error.
DEAD_PROXY = "http://127.0.0.1:9"


def offline_prefix() -> list[str]:
    """A command prefix that runs a command without a network (a fresh network namespace), or [] if none works."""
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        if shutil.which(prefix[0]) and subprocess.run([*prefix, "true"], capture_output=True, check=False).returncode == 0:
            return prefix
    return []


def offline_env() -> dict[str, str]:
    """The environment for the offline runs: every proxy variable points nowhere, pip may use no index."""
    env = dict(os.environ, PIP_NO_INDEX="1")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[name] = DEAD_PROXY
    for name in ("NO_PROXY", "no_proxy"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def definition():
    """The definition as ansible-builder reads it."""
    return yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, definition):
    """Stage the definition with the files it names, run ``ansible-builder create`` offline; return the context."""
    stage = tmp_path_factory.mktemp("ee")
    shutil.copy(DEFINITION, stage / "execution-environment.yml")
    for key in ("galaxy", "python", "system"):
        name = definition["dependencies"][key]
        assert not Path(name).is_absolute() and ".." not in Path(name).parts, (
            f"dependencies.{key} must be relative to the collection root (introspection reads it so): {name}"
        )
        shutil.copy(REPO / name, stage / name)
    prefix = offline_prefix()
    started = time.monotonic()
    run = subprocess.run(
        [*prefix, str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", "context",
         "--output-filename", "Containerfile", "-v3"],
        cwd=stage, env=offline_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    context = stage / "context"
    print(f"ansible-builder create: {seconds:.1f} s, network namespace: {'yes' if prefix else 'no (dead proxies)'}")
    return {"context": context, "containerfile": (context / "Containerfile").read_text(encoding="utf-8")}


def arg_value(containerfile: str, name: str) -> str:
    """The default value of ``ARG name="..."`` at the top of the Containerfile."""
    match = re.search(rf'^ARG {name}="([^"]*)"$', containerfile, re.MULTILINE)
    assert match, f"no ARG {name} with a value in the Containerfile"
    return match.group(1)


def test_base_image_is_the_local_debian_base_of_the_sandbox(rendered):
    build_script = (REPO / "sandbox" / "image" / "build.sh").read_text(encoding="utf-8")
    sandbox_base = re.search(r'^base="([^"]+)"$', build_script, re.MULTILINE).group(1)
    assert arg_value(rendered["containerfile"], "EE_BASE_IMAGE") == sandbox_base
    assert "FROM $EE_BASE_IMAGE AS base" in rendered["containerfile"]
    # A Debian base: apt-get installs Python and pip, and the apt lists are fetched before that.
    assert arg_value(rendered["containerfile"], "PKGMGR") == "/usr/bin/apt-get"
    assert set(arg_value(rendered["containerfile"], "PYPKG").split()) >= {"python3", "python3-pip", "python3-venv"}
    lines = rendered["containerfile"].splitlines()
    update = next(i for i, line in enumerate(lines) if "apt-get update" in line)
    assert update < lines.index("RUN $PKGMGR install $PYPKG -y ; if [ -z $PKGMGR_PRESERVE_CACHE ]; then $PKGMGR clean all; fi")


def test_ansible_core_and_runner_are_installed_in_the_supported_range(rendered):
    refs = arg_value(rendered["containerfile"], "ANSIBLE_INSTALL_REFS").split()
    core = next(ref for ref in refs if ref.startswith("ansible-core"))
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    assert runtime["requires_ansible"] in core, f"{core} does not start at requires_ansible {runtime['requires_ansible']}"
    assert any(ref.startswith("ansible-runner") for ref in refs), refs
    assert "RUN /output/scripts/check_ansible $PYCMD" in rendered["containerfile"]


def test_collection_requirements_are_copied_and_introspected(rendered):
    build = rendered["context"] / "_build"
    assert (build / "requirements.txt").read_text(encoding="utf-8") == (REPO / "requirements.txt").read_text(encoding="utf-8")
    assert (build / "bindep.txt").read_text(encoding="utf-8") == (REPO / "bindep.txt").read_text(encoding="utf-8")
    assert (build / "exclude-requirements.txt").read_text(encoding="utf-8").split() == ["aiobotocore"]
    introspect = next(line for line in rendered["containerfile"].splitlines() if "introspect.py introspect" in line)
    for option in ("--user-pip=requirements.txt", "--user-bindep=bindep.txt", "--exclude-pip-reqs=exclude-requirements.txt"):
        assert option in introspect
    assert "RUN /output/scripts/assemble" in rendered["containerfile"]
    assert "RUN /output/scripts/install-from-bindep && rm -rf /output/wheels" in rendered["containerfile"]


def test_galaxy_requirements_are_the_collections_own(rendered):
    copied = yaml.safe_load((rendered["context"] / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert copied == yaml.safe_load((REPO / "requirements.yml").read_text(encoding="utf-8"))
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))
    wanted = {name: str(spec) for name, spec in galaxy["dependencies"].items()}
    assert {entry["name"]: entry["version"] for entry in copied["collections"]} == wanted
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in rendered["containerfile"]


def test_introspection_merges_the_installed_collections_requirements(rendered, tmp_path):
    """The builder stage's introspection, over this collection (as installed) and the bundle's amazon.aws."""
    namespaces = tmp_path / "collections" / "ansible_collections"
    (namespaces / "webops").mkdir(parents=True)
    (namespaces / "amazon").mkdir()
    (namespaces / "webops" / "https_rollout").symlink_to(REPO, target_is_directory=True)
    (namespaces / "amazon" / "aws").symlink_to(SITE_PACKAGES_COLLECTIONS / "amazon" / "aws", target_is_directory=True)
    build = rendered["context"] / "_build"
    run = subprocess.run(
        [*offline_prefix(), sys.executable, str(build / "scripts" / "introspect.py"), "introspect",
         str(tmp_path / "collections"), "--user-pip", str(build / "requirements.txt"),
         "--user-bindep", str(build / "bindep.txt"), "--exclude-pip-reqs", str(build / "exclude-requirements.txt"),
         "--write-pip", str(tmp_path / "pip.txt"), "--write-bindep", str(tmp_path / "bindep.txt")],
        env=offline_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    pip_lines = (tmp_path / "pip.txt").read_text(encoding="utf-8").splitlines()
    bindep_lines = (tmp_path / "bindep.txt").read_text(encoding="utf-8").splitlines()
    ours = [line for line in pip_lines if "from collection webops.https_rollout" in line]
    wanted = [line.strip() for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    assert sorted(line.split()[0] for line in ours) == sorted(line for line in wanted if line and not line.startswith("#"))
    assert any("from collection amazon.aws" in line for line in pip_lines), pip_lines
    assert not any(line.startswith("aiobotocore") for line in pip_lines), pip_lines
    assert any(line.startswith("openssh-client [platform:dpkg]") for line in bindep_lines), bindep_lines
    assert any(line.startswith("ca-certificates") for line in bindep_lines), bindep_lines


def test_offline_build_overrides_leave_the_shipped_definition_as_it_is(definition, tmp_path):
    """sandbox/ee/build.py's derived definition: the shipped one plus the offline feeding, and it renders offline."""
    sys.path.insert(0, str(REPO / "sandbox" / "ee"))
    try:
        import build as ee_build  # pylint: disable=import-outside-toplevel,import-error
    finally:
        sys.path.remove(str(REPO / "sandbox" / "ee"))
    ours = tmp_path / "collections" / "webops-https_rollout-0.1.0.tar.gz"
    amazon = tmp_path / "collections" / "amazon-aws-10.1.2"
    amazon.mkdir(parents=True)
    ours.write_bytes(b"")
    derived = ee_build.derived_definition(definition, "webops/https-rollout-ee:test", [ours, amazon])
    assert derived["images"] == definition["images"]
    for key in ("python_interpreter", "ansible_core", "ansible_runner", "python", "system", "exclude"):
        assert derived["dependencies"][key] == definition["dependencies"][key], key
    assert derived["dependencies"]["galaxy"] == {"collections": [
        {"name": "/build/collections/webops-https_rollout-0.1.0.tar.gz", "type": "file"},
        {"name": "/build/collections/amazon-aws-10.1.2", "type": "dir"},
    ]}
    steps = derived["additional_build_steps"]["prepend_base"]
    assert steps[: len(definition["additional_build_steps"]["prepend_base"])] == definition["additional_build_steps"]["prepend_base"]
    assert "COPY _build/wheelhouse /wheelhouse" in steps
    assert any(step.startswith("ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheelhouse") for step in steps)
    # The shipped definition is not touched by the derivation.
    assert yaml.safe_load(DEFINITION.read_text(encoding="utf-8")) == definition

    # The derived definition renders offline, the wheelhouse and the collections in the context.
    (tmp_path / "wheelhouse").mkdir()
    for name in ("requirements.txt", "bindep.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "execution-environment.yml").write_text(yaml.safe_dump(derived, sort_keys=False), encoding="utf-8")
    run = subprocess.run(
        [*offline_prefix(), str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", "context",
         "--output-filename", "Containerfile"],
        cwd=tmp_path, env=offline_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    containerfile = (tmp_path / "context" / "Containerfile").read_text(encoding="utf-8")
    assert arg_value(containerfile, "ANSIBLE_GALAXY_CLI_COLLECTION_OPTS") == "--offline"
    assert (tmp_path / "context" / "_build" / "collections" / "amazon-aws-10.1.2").is_dir()
    assert (tmp_path / "context" / "_build" / "wheelhouse").is_dir()
    lines = containerfile.splitlines()
    assert lines.index("COPY _build/wheelhouse /wheelhouse") < next(
        i for i, line in enumerate(lines) if "pip install --no-cache-dir $ANSIBLE_INSTALL_REFS" in line)
