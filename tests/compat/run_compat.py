"""Run the integration targets against a newer amazon.aws than the venv's ``ansible`` bundle carries.

``make test-compat`` calls this. The venv's ``ansible`` 12.x bundle (Python 3.11) carries amazon.aws 10.x, which
``make integration`` tests. The ``ansible`` release named by ``--ansible`` carries the newer amazon.aws but needs a
newer Python, so its wheel is only downloaded (pip, the configured index, no dependencies) and its
``ansible_collections/amazon/aws`` folder is unpacked into ``WORKDIR/collections``. That folder goes first on
``ANSIBLE_COLLECTIONS_PATH``, so ansible-core 2.19 loads that amazon.aws (modules and module_utils); everything else
(community.*, ansible.*) still comes from the venv's bundle.

The targets run on a snapshot (``WORKDIR/tree``) of the working tree, or of a git commit with ``--ref``, so their
logs and API call counts stay apart from those of ``make integration``, which may run at the same time.

``--ansible venv`` runs the same way against the venv's own amazon.aws (nothing fetched), for a side-by-side run.

Usage: python tests/compat/run_compat.py [--ansible 14.5.0|venv] [--expect-major 11] [--workdir .build/compat]
                                         [--results .build/results/compat.xml] [--ref REF] [-- PYTEST ARGS]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COLLECTION_PREFIX = "ansible_collections/amazon/aws/"
# Where the venv's `ansible` bundle keeps its collections (found by ANSIBLE_COLLECTIONS_SCAN_SYS_PATH).
VENV_COLLECTIONS = Path(sysconfig.get_paths()["purelib"])
SNAPSHOT_EXCLUDED = {".venv", ".build", ".git", "tests/output", "__pycache__", ".pytest_cache"}
# The bundles that carry amazon.aws 11 need Python >= 3.12; the wheel itself is pure Python.
WHEEL_PYTHON = "3.13"


def log(message: str) -> None:
    """Print a progress line of this script."""
    print(f"test-compat: {message}", flush=True)


def installed_version(collection_dir: Path) -> str | None:
    """Return the version in a collection folder's MANIFEST.json, or None when there is none."""
    manifest = collection_dir / "MANIFEST.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))["collection_info"]["version"]


def fetch_amazon_aws(ansible_version: str, workdir: Path) -> tuple[Path, str]:
    """Put the amazon.aws of ``ansible==ansible_version`` under WORKDIR/collections; return (path, version).

    Reused when the stamp says it came from the same ``ansible`` release.
    """
    collections = workdir / "collections"
    target = collections / COLLECTION_PREFIX
    stamp = workdir / "source.txt"
    version = installed_version(target)
    if version and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == f"ansible=={ansible_version}":
        log(f"amazon.aws {version} from ansible {ansible_version} already in {target}, reused")
        return collections, version

    wheels = workdir / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    wheels.mkdir(parents=True)
    log(f"downloading the ansible {ansible_version} wheel (no dependencies, for Python {WHEEL_PYTHON})")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--python-version", WHEEL_PYTHON, "--dest", str(wheels), f"ansible=={ansible_version}"],
        check=True,
    )  # fmt: skip
    wheel = next(wheels.glob("ansible-*.whl"))
    shutil.rmtree(collections, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        members = [name for name in archive.namelist() if name.startswith(COLLECTION_PREFIX)]
        if not members:
            raise SystemExit(f"test-compat: {wheel.name} holds no {COLLECTION_PREFIX}")
        archive.extractall(collections, members=members)
    shutil.rmtree(wheels)
    version = installed_version(target)
    stamp.write_text(f"ansible=={ansible_version}\n", encoding="utf-8")
    log(f"amazon.aws {version} unpacked into {target} ({time.monotonic() - started:.0f} s)")
    return collections, version


def snapshot(workdir: Path, ref: str | None) -> Path:
    """Copy the working tree (or the commit ``ref``) to WORKDIR/tree, in the ansible_collections layout."""
    tree = workdir / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    if ref:
        tree.mkdir()
        archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=REPO, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    else:

        def ignore(directory: str, names: list[str]) -> set[str]:
            relative = Path(directory).relative_to(REPO)
            return {name for name in names if name in SNAPSHOT_EXCLUDED or str(relative / name) in SNAPSHOT_EXCLUDED}

        shutil.copytree(REPO, tree, ignore=ignore, symlinks=True)
    link = tree / ".build" / "collections" / "ansible_collections" / "webops" / "https_rollout"
    link.parent.mkdir(parents=True)
    link.symlink_to(tree, target_is_directory=True)
    return tree


def check_resolution(env: dict[str, str], collections: Path, version: str) -> None:
    """Fail unless Ansible loads amazon.aws from ``collections`` (not from the venv's bundle)."""
    out = subprocess.run(
        [str(BIN / "ansible-doc"), "--json", "amazon.aws.ec2_vpc_net"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    filename = json.loads(out)["amazon.aws.ec2_vpc_net"]["doc"]["filename"]
    if not filename.startswith(str(collections)):
        raise SystemExit(f"test-compat: amazon.aws resolves to {filename}, not to {collections}")
    log(f"Ansible loads amazon.aws {version} from {collections}")


def warnings_in_logs(log_dir: Path) -> list[str]:
    """Return the distinct warning lines (deprecations included) of the targets' ansible-playbook logs."""
    seen: dict[str, None] = {}
    for path in sorted(log_dir.glob("*.log")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(("[WARNING]", "[DEPRECATION WARNING]")):
                seen.setdefault(f"{path.stem}: {line.strip()}")
    return list(seen)


def main() -> int:
    """Fetch, snapshot, check which amazon.aws loads, run the targets; return pytest's exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ansible", default="14.5.0", help="the ansible release whose amazon.aws is tested, or venv")
    parser.add_argument("--expect-major", type=int, default=11, help="the amazon.aws major version it must carry")
    parser.add_argument("--workdir", type=Path, default=REPO / ".build" / "compat")
    parser.add_argument("--results", type=Path, default=REPO / ".build" / "results" / "compat.xml")
    parser.add_argument("--ref", help="test this git commit (git archive) instead of the working tree")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --), e.g. -k route53")
    args = parser.parse_args()

    started = time.monotonic()
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    if args.ansible == "venv":
        collections, version = VENV_COLLECTIONS, installed_version(VENV_COLLECTIONS / COLLECTION_PREFIX)
    else:
        collections, version = fetch_amazon_aws(args.ansible, workdir)
    if int(version.split(".")[0]) != args.expect_major:
        raise SystemExit(f"test-compat: ansible {args.ansible} carries amazon.aws {version}, not {args.expect_major}.x")

    tree = snapshot(workdir, args.ref)
    paths = [str(tree / ".build" / "collections")]
    if collections != VENV_COLLECTIONS:
        paths.insert(0, str(collections))
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(paths),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="true",
        ANSIBLE_NOCOLOR="true",
    )
    check_resolution(env, collections, version)

    results = args.results.resolve()
    results.parent.mkdir(parents=True, exist_ok=True)
    log(f"running the integration targets on a snapshot of {args.ref or 'the working tree'} in {tree}")
    rc = subprocess.call(
        [sys.executable, "-m", "pytest", "tests/integration/test_targets.py", "-p", "no:cacheprovider",
         f"--basetemp={workdir / 'tmp'}", f"--junitxml={results}", *args.pytest_args],
        cwd=tree, env=env,
    )  # fmt: skip

    log_dir = tree / ".build" / "results" / "integration"
    warnings = warnings_in_logs(log_dir)
    if warnings:
        log(f"{len(warnings)} distinct warning lines in the playbook logs:")
        for line in warnings:
            print(f"  {line}")
    log(f"amazon.aws {version}: pytest exit {rc}, {time.monotonic() - started:.0f} s; logs in {log_dir}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
