"""`python -m desk` for the browser tests: on a free port of 127.0.0.1, on the bank the test
names (its environment), stopped with SIGTERM at the end."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.servers import PYTHON, REPO, free_port

START_SECONDS = 30.0


@contextmanager
def running_desk(env: Mapping[str, str], log_path: Path) -> Iterator[str]:
    """Start the desk with `env` (DATABASE_URL, BANK_SECRET_KEY...) and yield its URL."""
    port = free_port()
    desk_env = {**env, "DESK_PORT": str(port), "DESK_INSECURE_COOKIES": "1"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(PYTHON), "-m", "desk"],
            cwd=REPO,
            env=desk_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    if httpx.get(f"{url}/entrar", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the desk did not start"
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
