"""Separate processes for robustness tests: the app under gunicorn, the provider fake server,
Dramatiq workers. Each one is started on a free loopback port with its own log file, and stopped
by its own pid (never by name)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

BIN = Path(sys.executable).parent
ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s") from None
            time.sleep(0.1)


def test_database_url() -> str:
    """The URL of the database this pytest process (or xdist worker) uses, for child processes."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def app_env(*, fake_url: str | None, media_root: Path, **extra: str) -> dict[str, str]:
    """Environment of a child Django process: the test database, no throttling or quota in the way
    of a fuzzer (their own tests cover them), providers pointed at the fake server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DATABASE_URL=test_database_url(),
        LANGLEARN_TESTING="1",
        DJANGO_ENV="development",
        DEBUG="0",
        CONN_MAX_AGE="60",
        MEDIA_ROOT=str(media_root),
        BROKER_URL="",
        THROTTLE_ANON="1000000/min",
        THROTTLE_USER="1000000/min",
        THROTTLE_LOGIN="1000000/min",
        THROTTLE_REGISTER="1000000/min",
        THROTTLE_GENERATION="1000000/min",
        THROTTLE_UPLOADS="1000000/min",
        THROTTLE_PASSWORD="1000000/min",
        GENERATION_DAILY_QUOTA="1000000",
        PROVIDER_TIMEOUT_SECONDS="10",
        PROVIDER_SDK_MAX_RETRIES="0",
        PYTHONUNBUFFERED="1",
    )
    if fake_url:
        env.update(
            ANTHROPIC_API_KEY="fake-anthropic-key",
            GEMINI_API_KEY="fake-gemini-key",
            DEEPL_API_KEY="fake-deepl-key:fx",
            DEEPGRAM_API_KEY="fake-deepgram-key",
            ANTHROPIC_BASE_URL=fake_url,
            GEMINI_BASE_URL=fake_url,
            DEEPL_SERVER_URL=fake_url,
            DEEPGRAM_BASE_URL=fake_url,
        )
    env.update(extra)
    return env


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole process group (a worker's forked children too): a crash, not a shutdown."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def start(name: str, cmd: list[str], *, env: dict[str, str], log_dir: Path, port: int | None = None) -> Proc:
    log = log_dir / f"{name}.log"
    handle = log.open("ab")
    # A new session: the process and its children form one group we can signal by pid.
    popen = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    proc = Proc(name, popen, log, port)
    if port is not None:
        try:
            wait_port(port, popen)
        except RuntimeError as exc:
            proc.stop()
            raise RuntimeError(f"{name}: {exc}\n{proc.log_tail()}") from None
    return proc


def start_fake_providers(log_dir: Path, *, extra_args: list[str] | None = None) -> Proc:
    port = free_port()
    cmd = [sys.executable, "-m", "langlearn.clients.fakes", "--port", str(port), *(extra_args or [])]
    return start("fake-providers", cmd, env=dict(os.environ), log_dir=log_dir, port=port)


def start_gunicorn(env: dict[str, str], log_dir: Path, *, workers: int = 3) -> Proc:
    port = free_port()
    cmd = [
        sys.executable,  # not the venv's console script: its shebang may name another interpreter
        "-m",
        "gunicorn",
        "langlearn.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]
    return start("gunicorn", cmd, env=env, log_dir=log_dir, port=port)
