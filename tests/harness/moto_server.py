"""Run moto in server mode as a subprocess: the offline AWS account for tests.

Use it as a context manager (from pytest fixtures or scripts)::

    with MotoServer() as moto:
        boto3.client("acm", endpoint_url=moto.endpoint, ...)
        lines = moto.recording_lines()

or run one in the foreground from a shell::

    python tests/harness/moto_server.py --port 5000

Every request moto serves is appended to ``recording_path`` (JSON lines), which
``api_calls.py`` turns into per-phase API call counts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def moto_command(host: str, port: int) -> list[str]:
    """Return the command line that runs moto's server with this interpreter."""
    script = Path(sys.executable).parent / "moto_server"
    if script.exists():
        return [str(script), "-H", host, "-p", str(port)]
    return [sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)]


class MotoServerError(RuntimeError):
    """moto did not start, or stopped answering."""


class MotoServer:
    """A moto server subprocess on a free local port, with request recording on.

    :param port: TCP port; a free one is picked when omitted.
    :param acm_validation_wait: seconds until a requested ACM certificate turns ISSUED.
    :param startup_timeout: seconds to wait for the server to answer HTTP.
    :param extra_env: more environment variables for moto (read by moto at import).
    """

    def __init__(
        self,
        port: int | None = None,
        acm_validation_wait: int = 2,
        startup_timeout: float = 15.0,
        extra_env: dict[str, str] | None = None,
        host: str = HOST,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.acm_validation_wait = acm_validation_wait
        self.startup_timeout = startup_timeout
        self.extra_env = dict(extra_env or {})
        self._workdir = Path(tempfile.mkdtemp(prefix="moto-server-"))
        self.recording_path = self._workdir / "recording.jsonl"
        self.log_path = self._workdir / "moto.log"
        self._proc: subprocess.Popen | None = None
        self._log = None

    @property
    def endpoint(self) -> str:
        """The URL to give boto3 / Ansible as ``endpoint_url``."""
        return f"http://{self.host}:{self.port}"

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "MotoServer":
        """Start moto and wait until it answers; raise MotoServerError if it does not."""
        env = dict(os.environ)
        env.update(
            MOTO_ENABLE_RECORDING="True",
            MOTO_RECORDER_FILEPATH=str(self.recording_path),
            MOTO_ACM_VALIDATION_WAIT=str(self.acm_validation_wait),
        )
        env.update(self.extra_env)
        self._log = open(self.log_path, "wb")  # pylint: disable=consider-using-with
        self._proc = subprocess.Popen(  # pylint: disable=consider-using-with
            moto_command(self.host, self.port),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_up()
            # The readiness probes were recorded too: start from an empty recording.
            self._post("/moto-api/recorder/reset-recording")
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self) -> None:
        """Poll moto until it answers HTTP, it exits, or the startup timeout passes."""
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._proc.poll() is not None:
                raise MotoServerError(f"moto exited with code {self._proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # any HTTP answer means the server is up
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise MotoServerError(
                    f"moto did not answer on {self.endpoint} within {self.startup_timeout}s:\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop moto (terminate, then kill after ``timeout``) and remove its files."""
        if self._proc is not None and self._proc.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._proc.wait()
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self._workdir, ignore_errors=True)

    def _signal(self, sig: int) -> None:
        """Send ``sig`` to moto's process group (its own session), or to moto alone."""
        try:
            os.killpg(self._proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            self._proc.send_signal(sig)

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- helpers -----------------------------------------------------------

    def _post(self, path: str) -> None:
        """POST an empty body to one of moto's own endpoints."""
        request = urllib.request.Request(f"{self.endpoint}{path}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def reset(self) -> None:
        """Wipe all of moto's state (the recording keeps growing)."""
        self._post("/moto-api/reset")

    def recording_lines(self) -> list[str]:
        """Return the recorded requests so far, one JSON document per line."""
        if not self.recording_path.exists():
            return []
        return self.recording_path.read_text(encoding="utf-8").splitlines()

    def log_tail(self, lines: int = 40) -> str:
        """Return the last lines of moto's own output (stdout and stderr)."""
        if self._log is not None:
            self._log.flush()
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    """Run one moto server in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=None, help="TCP port (default: a free one)")
    parser.add_argument("--acm-validation-wait", type=int, default=2, help="seconds until ACM issues (moto reads an int)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))  # stop moto on `kill` too
    with MotoServer(port=args.port, acm_validation_wait=args.acm_validation_wait) as moto:
        print(f"moto listening on {moto.endpoint}; recording to {moto.recording_path}", flush=True)
        try:
            while moto._proc.poll() is None:  # pylint: disable=protected-access
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
