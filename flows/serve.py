"""The nightly deployment: Prefect's own `serve` of the ingest flow on a cron schedule.

Prefect's temporary server cannot schedule runs, so `serve_nightly` uses a real Prefect server:
the one `PREFECT_API_URL` names (the data team's), or else a local one it starts itself
(`prefect server start`, SQLite under PREFECT_HOME, loopback only) and stops on exit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import flows  # noqa: F401  (Prefect defaults before prefect is imported)

NIGHTLY_CRON = "0 2 * * *"  # 02:00 every night


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_prefect_server(timeout: float = 90.0) -> Iterator[str]:
    """Start `prefect server start` on loopback; yield its API URL; stop it on exit."""
    port = _free_port()
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"the local Prefect server exited at start (code {proc.returncode})"
                )
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the local Prefect server did not answer within {timeout:.0f} s"
                )
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_nightly(
    raw_dir: str, out_dir: str, cron: str = NIGHTLY_CRON, name: str = "nightly"
) -> None:
    """Serve the ingest flow on ``cron`` until interrupted (Ctrl-C / SIGTERM)."""
    from flows.ingest import ingest_flow

    ingest_flow.serve(
        name=name,
        cron=cron,
        parameters={"raw_dir": raw_dir, "out_dir": out_dir, "mode": "nightly"},
        print_starting_message=True,
    )
