"""Run ``ansible-test sanity`` on a clean copy of the collection and write one JUnit file.

ansible-test needs the collection at a real ``ansible_collections/<namespace>/<name>``
path (it resolves symlinks in the working directory), so the repo's files are copied to
``.build/sanity/ansible_collections/<namespace>/<name>`` first. The collections named in
galaxy.yml ``dependencies`` are linked next to it, so that imports and doc fragments
from them resolve.

ansible-test bootstraps pip in each test venv with a get-pip script it downloads. That
host is not reachable offline, so a stand-in is saved to ansible-test's cache path first:
it runs ``ensurepip`` and then ``pip install`` with the given arguments.

Usage: python tests/sanity/run_sanity.py --results .build/results/sanity.xml
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
EXCLUDED_DIRS = {".venv", ".build", ".git", "tests/output", "__pycache__", ".pytest_cache"}
BIN = Path(sys.executable).parent
STANDIN_MARKER = "offline get-pip stand-in (webops.https_rollout)"

GET_PIP_STANDIN = f'''\
"""{STANDIN_MARKER}.

ansible-test runs this instead of get-pip.py to put pip into a fresh venv:
ensurepip installs the bundled pip, then pip installs the requested packages.
"""
import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = {{"--no-setuptools", "--no-wheel"}}


def main():
    """Bootstrap pip, then install the requested packages with the machine's pip settings."""
    environ = dict(os.environ)
    # ensurepip drops PIP_* variables and points PIP_CONFIG_FILE at /dev/null (which would
    # hide the machine's pip configuration), so pip runs with the saved environment.
    ensurepip.bootstrap(upgrade=True)
    environ.pop("PIP_CONFIG_FILE", None)
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args, env=environ))


if __name__ == "__main__":
    main()
'''


# -- the collection copy ------------------------------------------------------


def repo_files(repo: Path = REPO) -> list[str]:
    """Return the repo's files (tracked, and untracked but not ignored), relative to it."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard"],
            cwd=repo, check=True, capture_output=True,
        ).stdout.decode()  # fmt: skip
        names = [name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for root, dirs, files in os.walk(repo):
            dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS]
            names.extend(str((Path(root) / name).relative_to(repo)) for name in files)
    return sorted(name for name in names if not _excluded(name) and os.path.lexists(repo / name))


def _excluded(name: str) -> bool:
    """Tell whether a relative path lies in a directory that is never copied."""
    return name.startswith("tests/output/") or any(part in EXCLUDED_DIRS for part in Path(name).parts)


def galaxy(repo: Path = REPO) -> dict:
    """Return galaxy.yml as a dict."""
    return yaml.safe_load((repo / "galaxy.yml").read_text(encoding="utf-8"))


def find_collection(fqcn: str) -> Path | None:
    """Return the installed directory of a collection such as ``amazon.aws`` (None if absent)."""
    namespace, name = fqcn.split(".", 1)
    roots = [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
    roots += [str(Path.home() / ".ansible" / "collections"), *[p for p in sys.path if p]]
    for root in map(Path, roots):
        base = root if root.name == "ansible_collections" else root / "ansible_collections"
        candidate = base / namespace / name
        found = any((candidate / marker).is_file() for marker in ("MANIFEST.json", "galaxy.yml"))
        if found and candidate.resolve() != REPO.resolve():
            return candidate
    return None


def build_tree(dest_root: Path) -> Path:
    """Copy the collection into ``dest_root/ansible_collections/<ns>/<name>``; return that path.

    The copy is made a git repository of its own (see below), and the collections it depends
    on (galaxy.yml ``dependencies``) are symlinked beside it.
    """
    meta = galaxy()
    collections = dest_root / "ansible_collections"
    shutil.rmtree(dest_root, ignore_errors=True)
    dest = collections / meta["namespace"] / meta["name"]
    for name in repo_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target, follow_symlinks=False)
    # ansible-test lists content with git when it finds a .git directory at or above the working
    # directory; the repo's own .git ignores .build/, so the copy gets a repository of its own.
    if shutil.which("git"):
        subprocess.run(["git", "init", "--quiet", str(dest)], check=True)
    for fqcn in meta.get("dependencies") or {}:
        source = find_collection(fqcn)
        if source is None:
            print(f"WARNING: dependency {fqcn} not found; tests that import it will fail", flush=True)
            continue
        link = collections.joinpath(*fqcn.split(".", 1))
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(source.resolve(), target_is_directory=True)
    return dest


# -- the get-pip stand-in -------------------------------------------------------


def get_pip_cache_path(python_version: str) -> Path:
    """Return the path where ansible-test looks for its cached get-pip script.

    The pip version comes from ansible-test itself, and the file name pattern is read from
    the bootstrap code of the installed ansible-test, so both follow its upgrades.
    """
    # pylint: disable-next=import-outside-toplevel
    from ansible_test._internal.python_requirements import get_venv_packages

    pip_version = get_venv_packages(types.SimpleNamespace(version=python_version))["pip"]
    source = Path(sys.modules["ansible_test"].__file__).parent / "_util" / "target" / "setup" / "requirements.py"
    match = re.search(r"""expanduser\(\s*['"]([^'"]*get_pip_%s\.py)['"]""", source.read_text(encoding="utf-8"))
    pattern = match.group(1) if match else "~/.ansible/test/cache/get_pip_%s.py"
    return Path(os.path.expanduser(pattern % pip_version.replace(".", "_")))


def install_get_pip_standin(path: Path) -> None:
    """Write the stand-in at ``path`` unless a real get-pip script is cached there."""
    current = path.read_text(encoding="utf-8", errors="replace") if path.exists() else None
    if current is not None and STANDIN_MARKER not in current:
        print(f"Using the cached get-pip script {path}", flush=True)
    elif current != GET_PIP_STANDIN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(GET_PIP_STANDIN, encoding="utf-8")
        print(f"Wrote the offline get-pip stand-in {path}", flush=True)


# -- running ansible-test and reading its results --------------------------------


def ansible_test(args: list[str], cwd: Path, log=None) -> tuple[int, str]:
    """Run ansible-test with the venv's bin first on PATH; return its exit code and output.

    With a ``log`` file, the output is also streamed to the terminal and the log as it comes.
    """
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [str(BIN / "ansible-test"), *args], cwd=cwd, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output = []
    for line in proc.stdout:
        output.append(line)
        if log is not None:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
    return proc.wait(), "".join(output)


def list_tests(dest: Path, python: str) -> list[str]:
    """Return the sanity tests ansible-test would run for this Python version."""
    rc, output = ansible_test(["sanity", "--list-tests", "--python", python], dest)
    if rc != 0:
        raise SystemExit(f"ansible-test sanity --list-tests failed:\n{output}")
    return [line.strip() for line in output.splitlines() if re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", line.strip())]


def read_junit(junit_dir: Path) -> dict[str, dict]:
    """Return ``{test: {"status": passed|failed|skipped, "message", "text"}}`` from ansible-test's files."""
    results = {}
    for path in sorted(junit_dir.glob("*.xml")):
        for case in ET.parse(path).getroot().iter("testcase"):
            name = re.sub(r"-python-[0-9.]+$", "", case.get("name", ""))
            failure = case.find("failure")
            if failure is None:
                failure = case.find("error")
            skipped = case.find("skipped")
            if failure is not None:
                message = failure.get("message") or "failed"
                results[name] = {"status": "failed", "message": message, "text": failure.text or message}
            elif skipped is not None:
                reason = skipped.get("message") or skipped.text or "skipped"
                results.setdefault(name, {"status": "skipped", "message": reason, "text": reason})
            else:
                results.setdefault(name, {"status": "passed", "message": "", "text": ""})
    return results


def write_junit(path: Path, tests: list[str], results: dict[str, dict], seconds: float) -> dict:
    """Write one JUnit testcase per entry of ``tests``; return the counts."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    suite = ET.Element("testsuite", name="sanity", time=f"{seconds:.1f}")
    for test in tests:
        result = results[test]
        counts[result["status"]] += 1
        case = ET.SubElement(suite, "testcase", classname="sanity", name=test)
        if result["status"] == "failed":
            ET.SubElement(case, "failure", message=result["message"][:500]).text = result["text"]
        elif result["status"] == "skipped":
            ET.SubElement(case, "skipped", message=result["message"][:500])
    suite.attrib.update(tests=str(len(tests)), failures=str(counts["failed"]), skipped=str(counts["skipped"]))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return counts


def main(argv: list[str] | None = None) -> int:
    """Copy, bootstrap, run ansible-test sanity, and report; exit 1 unless all ran and passed."""
    parser = argparse.ArgumentParser(description="ansible-test sanity on a copy of the collection")
    parser.add_argument("--results", type=Path, required=True, help="JUnit XML file to write")
    parser.add_argument("--python", default=f"{sys.version_info.major}.{sys.version_info.minor}")
    parser.add_argument("--test", action="append", default=[], help="run only this sanity test (repeatable)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    dest = build_tree(REPO / ".build" / "sanity")
    install_get_pip_standin(get_pip_cache_path(args.python))
    tests = args.test or list_tests(dest, args.python)
    print(f"Sanity tests for Python {args.python}: {', '.join(tests)}", flush=True)

    command = ["sanity", "--python", args.python, "--junit", "--color", "no"]
    command += [opt for test in args.test for opt in ("--test", test)]
    log_path = args.results.with_suffix(".log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        rc, output = ansible_test(command, dest, log=log)
    seconds = time.monotonic() - started

    results = read_junit(dest / "tests" / "output" / "junit")
    tail = "\n".join(output.splitlines()[-40:])
    for test in tests:
        results.setdefault(test, {"status": "failed", "message": "ansible-test recorded no result", "text": tail})
    if rc != 0 and not any(results[test]["status"] == "failed" for test in tests):
        # ansible-test failed outside any one test (a crash, a bad option): report that too.
        tests.append("ansible-test")
        results["ansible-test"] = {"status": "failed", "message": f"ansible-test exited {rc}", "text": tail}
    counts = write_junit(args.results, tests, results, seconds)

    print(
        f"sanity: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped "
        f"of {len(tests)} tests in {seconds:.0f}s (JUnit: {args.results}, log: {log_path})",
        flush=True,
    )
    for test in tests:
        if results[test]["status"] != "passed":
            print(f"  {results[test]['status']:>7}  {test}: {results[test]['message']}", flush=True)
    return 1 if counts["failed"] or not counts["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
