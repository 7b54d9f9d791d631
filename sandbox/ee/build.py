"""Build the collection's execution environment (EE) image here, offline, from meta/execution-environment.yml.

meta/execution-environment.yml stays the definition AWX / Automation Platform users build from. This script builds
from it unchanged, adding only build-time overrides that a machine without Galaxy and without a package index in its
containers needs, in a derived definition under the build folder (never in the shipped file):

- pip gets a wheelhouse instead of an index: every wheel the image installs (ansible-core, ansible-runner, the
  collections' Python requirements, the builder's own tools) is fetched on the host with ``pip download`` for the
  image's Python (Debian bookworm's 3.11, manylinux x86_64), pinned to the versions of this venv, and copied into the
  build context (``additional_build_files``); the base stage sets ``PIP_NO_INDEX`` and ``PIP_FIND_LINKS``.
- ansible-galaxy gets local collections instead of Galaxy: this collection's artifact as ``ansible-galaxy collection
  build`` makes it (``type: file``), and a copy of the amazon.aws this venv has installed (``type: dir``: ansible-galaxy
  installs an installed collection's folder, MANIFEST.json and all); it runs with ``--offline``.

The image is tagged ``webops/https-rollout-ee:<key>``, the key being a hash of every input (the shipped and derived
definitions, the files they name, both collections' FILES.json, the pip requirements and the venv's versions they are
pinned to, the base image's ID, the versions of ansible-builder and of this script), and reused when an image with that tag exists.

Usage: build.py [--workdir DIR] [--rebuild] [--no-cache]
Prints ``image: <tag> built in N s`` or ``image: <tag> exists, reused``; the last line of stdout is the tag.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFINITION = REPO / "meta" / "execution-environment.yml"
SITE_COLLECTIONS = Path(yaml.__file__).resolve().parents[1] / "ansible_collections"
IMAGE = "webops/https-rollout-ee"
# The image's Python: Debian bookworm's python3 on x86_64 (the wheels must fit it, not the host).
PYTHON_VERSION = "3.11"
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64", "linux_x86_64")
# What ansible-builder's stages install with pip besides the requirements: the builder stage's tools and the final
# stage's init (the versions its Containerfile pins).
BUILDER_TOOLS = ("bindep", "pyyaml", "packaging", "dumb-init==1.2.5")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command; stop with its output when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"ee: {' '.join(command)} failed ({done.returncode}):\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
    return done


def build_collection(out: Path) -> Path:
    """This collection's artifact, as `make build` makes it."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("webops-https_rollout-*.tar.gz"):
        old.unlink()
    run([str(BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(out)], cwd=REPO)
    (artifact,) = out.glob("webops-https_rollout-*.tar.gz")
    return artifact


def copy_installed(collection: Path, out: Path) -> Path:
    """Copy an installed collection (MANIFEST.json at its root) for a ``type: dir`` requirement.

    ansible-galaxy installs such a folder as it is (it rebuilds the file list from what is there), which suits the
    copies a Python package such as ``ansible`` installs: they lack files their FILES.json lists (.github, tests),
    so a tarball of them would not be a valid artifact.
    """
    manifest = json.loads((collection / "MANIFEST.json").read_text(encoding="utf-8"))["collection_info"]
    target = out / f"{manifest['namespace']}-{manifest['name']}-{manifest['version']}"
    shutil.copytree(collection, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def collection_digest(collection: Path) -> str:
    """The hash of a collection's MANIFEST.json and FILES.json (which hold every file's checksum).

    ``collection`` is an artifact (tarball) or a folder of an installed collection.
    """
    digest = hashlib.sha256()
    if collection.is_dir():
        for name in ("MANIFEST.json", "FILES.json"):
            digest.update((collection / name).read_bytes())
        return digest.hexdigest()
    with tarfile.open(collection) as tar:
        for name in ("MANIFEST.json", "FILES.json"):
            digest.update(tar.extractfile(name).read())
    return digest.hexdigest()


def requirement_lines(definition: dict, collections: list[Path]) -> list[str]:
    """Every Python requirement the image installs: ansible-core/runner, the collections', the builder's tools."""
    deps = definition["dependencies"]
    lines = [deps["ansible_core"]["package_pip"], deps["ansible_runner"]["package_pip"], *BUILDER_TOOLS]
    for path in [REPO / deps["python"], *collections]:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        lines += [line.split("#", 1)[0].strip() for line in text.splitlines()]
    excluded = {canonicalize_name(name) for name in deps.get("exclude", {}).get("python", [])}
    return [line for line in lines if line and canonicalize_name(Requirement(line).name) not in excluded]


def pip_inputs(lines: list[str], scratch: Path) -> tuple[Path, Path]:
    """Write the requirements and the constraints (this venv's versions) of the wheelhouse; return both paths."""
    requirements = scratch / "ee-requirements.txt"
    requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frozen = run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"]).stdout.splitlines()
    constraints = scratch / "ee-constraints.txt"
    constraints.write_text("\n".join(line for line in frozen if "==" in line and " @ " not in line) + "\n",
                           encoding="utf-8")
    return requirements, constraints


def download_wheels(requirements: Path, constraints: Path, wheelhouse: Path) -> None:
    """pip download every requirement as wheels for the image's Python (pip's cache makes a repeat cheap)."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--dest", str(wheelhouse), "--only-binary=:all:", "--python-version", PYTHON_VERSION,
               "--implementation", "cp", "-r", str(requirements), "-c", str(constraints)]
    for platform in PLATFORMS:
        command += ["--platform", platform]
    run(command)


def derived_definition(shipped: dict, tag: str, collections: list[Path]) -> dict:
    """The shipped definition with the offline build's overrides (wheelhouse, local collection artifacts)."""
    definition = json.loads(json.dumps(shipped))
    definition["dependencies"]["galaxy"] = {
        "collections": [{"name": f"/build/collections/{path.name}", "type": "dir" if path.is_dir() else "file"}
                        for path in collections],
    }
    definition["additional_build_files"] = [
        {"src": "wheelhouse", "dest": "wheelhouse"},
        {"src": "collections", "dest": "collections"},
    ]
    definition.setdefault("build_arg_defaults", {})["ANSIBLE_GALAXY_CLI_COLLECTION_OPTS"] = "--offline"
    steps = definition.setdefault("additional_build_steps", {})
    steps["prepend_base"] = [
        *steps.get("prepend_base", []),
        "COPY _build/wheelhouse /wheelhouse",
        "ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheelhouse PIP_DISABLE_PIP_VERSION_CHECK=1",
    ]
    definition["options"]["tags"] = [tag]
    return definition


def image_exists(tag: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", tag], capture_output=True, check=False).returncode == 0


def remove_older(tag: str) -> None:
    """Remove the images of this name built from older inputs (those no container uses: docker refuses the others)."""
    listed = subprocess.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", IMAGE],
                            capture_output=True, text=True, check=False).stdout.split()
    for old in listed:
        if old != tag:
            subprocess.run(["docker", "image", "rm", old], capture_output=True, check=False)


def remove_stage_images(log: Path) -> None:
    """Remove the untagged images the galaxy and builder stages left (the legacy builder keeps every stage's image).

    Each is the last image the log names before the next stage's ``FROM``; the final image and the base stage's
    (its parent) stay. docker refuses to remove an image that is still in use, and that is fine.
    """
    last = None
    stage_images = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(" ---> ") and " " not in line[6:].strip():
            last = line[6:].strip()
        elif " : FROM " in line and last:
            stage_images.append(last)
    # The first FROM of a stage after "base" follows the base stage's image, which the final image builds on.
    for image in stage_images[1:]:
        subprocess.run(["docker", "image", "rm", image], capture_output=True, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workdir", type=Path, default=REPO / ".build" / "ee")
    parser.add_argument("--rebuild", action="store_true", help="build even when the image exists")
    parser.add_argument("--no-cache", action="store_true", help="build without the engine's layer cache (as on a fresh machine)")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    started = time.monotonic()

    shipped = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    base = shipped["images"]["base_image"]["name"]
    base_id = subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", base],
                             capture_output=True, text=True, check=False)
    if base_id.returncode != 0:
        raise SystemExit(f"ee: the base image {base} is missing: run `make image` first (sandbox/image/build.sh)")

    stage = workdir / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "collections").mkdir(parents=True)
    ours = build_collection(stage / "collections")
    amazon = copy_installed(SITE_COLLECTIONS / "amazon" / "aws", stage / "collections")
    collections = [ours, amazon]
    lines = requirement_lines(shipped, [SITE_COLLECTIONS / "amazon" / "aws" / "requirements.txt"])
    requirements, constraints = pip_inputs(lines, stage)
    for key in ("python", "system"):
        shutil.copy(REPO / shipped["dependencies"][key], stage / shipped["dependencies"][key])

    key = hashlib.sha256()
    for part in (DEFINITION.read_bytes(), Path(__file__).read_bytes(), base_id.stdout.strip().encode(),
                 run([str(BIN / "ansible-builder"), "--version"]).stdout.encode(),
                 *(path.read_bytes() for path in sorted(stage.glob("*.txt"))),
                 *(collection_digest(path).encode() for path in collections)):
        key.update(hashlib.sha256(part).digest())
    tag = f"{IMAGE}:{key.hexdigest()[:16]}"
    if image_exists(tag) and not args.rebuild:
        print(f"image: {tag} exists, reused")
        print(tag)
        return 0

    # The wheels are fetched only for a build: a reuse needs no index.
    download_wheels(requirements, constraints, stage / "wheelhouse")
    definition = derived_definition(shipped, tag, collections)
    (stage / "execution-environment.yml").write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    log = workdir / "build.log"
    print(f"image: ansible-builder build -> {tag} (log: {log})", flush=True)
    env = dict(os.environ, DOCKER_BUILDKIT="0")
    with open(log, "w", encoding="utf-8") as handle:
        done = subprocess.run(
            [str(BIN / "ansible-builder"), "build", "-f", "execution-environment.yml", "-c", "context",
             "--container-runtime", "docker", "--tag", tag, "-v3", *(["--no-cache"] if args.no_cache else [])],
            cwd=stage, env=env, stdout=handle, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        print(log.read_text(encoding="utf-8", errors="replace")[-6000:], file=sys.stderr)
        raise SystemExit(f"ee: ansible-builder build failed ({done.returncode}); see {log}")
    remove_older(tag)
    remove_stage_images(log)
    seconds = time.monotonic() - started
    (workdir / "build-seconds").write_text(f"{seconds:.0f}\n", encoding="utf-8")
    print(f"image: {tag} built in {seconds:.0f} s")
    print(tag)
    return 0


if __name__ == "__main__":
    sys.exit(main())
