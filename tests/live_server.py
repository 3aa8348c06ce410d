"""A real regional server in a subprocess for tests: start, kill, restart on the same port and database."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import TracebackType

import httpx

ROOT = Path(__file__).resolve().parents[1]
HEALTH_PATH = "/api/v1/health"
START_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`python -m station_desk.server.cli serve` on 127.0.0.1; a context manager that stops it on exit."""

    def __init__(self, database_url: str, port: int | None = None, *, workers: int = 1) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server (no-op when it runs) and wait until /api/v1/health answers."""
        if self.process is not None and self.process.poll() is None:
            return
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        command = [
            sys.executable, "-m", "station_desk.server.cli", "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--database-url", self.database_url,
        ]  # fmt: skip
        # The server's output goes to a file: a pipe nobody reads fills after a few hundred access-log lines and
        # then blocks the server in the middle of a request.
        log = tempfile.NamedTemporaryFile(prefix="live-server-", suffix=".log", delete=False)  # noqa: SIM115
        self._log_path = Path(log.name)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self._log_path.read_text(errors="replace")
                self.process = None
                raise RuntimeError(f"the server exited while starting:\n{output}")
            try:
                if httpx.get(self.url + HEALTH_PATH, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the server did not answer on {self.url} within {START_TIMEOUT_SECONDS} s")

    def _wait(self, sig: int, timeout: float) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=timeout)
        if self._log_path is not None:
            self._log_path.unlink(missing_ok=True)
            self._log_path = None
        self.process = None

    def kill(self) -> None:
        """SIGKILL, like a power cut: no shutdown handlers run."""
        self._wait(signal.SIGKILL, 10.0)

    def stop(self) -> None:
        """A clean stop (SIGTERM, then SIGKILL after 10 s)."""
        self._wait(signal.SIGTERM, 10.0)

    def restart(self) -> None:
        """Stop and start again on the same port and database."""
        self.stop()
        self.start()


def enrolment_code(database_url: str, station_name: str, *, valid_hours: float = 24) -> str:
    """A fresh one-time enrolment code for the station (made if new), straight in the server's database."""
    from station_desk.server import db
    from station_desk.server.auth import create_enrolment_code

    engine = db.make_engine(database_url)
    try:
        db.migrate(engine)
        code, _expires = create_enrolment_code(engine, station_name, valid_for=timedelta(hours=valid_hours))
    finally:
        engine.dispose()
    return code
