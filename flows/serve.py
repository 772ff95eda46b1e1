"""The nightly deployment: Prefect's own `serve` of the ingest flow on a cron schedule.

Prefect's temporary server cannot schedule runs, so `serve_nightly` uses a real Prefect server:
the one `PREFECT_API_URL` names (the data team's), or else a local one it starts itself
(`prefect server start`, SQLite under PREFECT_HOME, loopback only, with Prefect's UI on the
same port) and stops on exit.

The deployment is ``gyeoljae-ingest/nightly``; :func:`trigger_command` is the shell line that
starts a run of it now, and :func:`wait_for_deployment` says when that line will work.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import flows  # noqa: F401  (Prefect defaults before prefect is imported)

NIGHTLY_CRON = "0 2 * * *"  # 02:00 every night
FLOW_NAME = "gyeoljae-ingest"  # flows.ingest.ingest_flow's name
DEPLOYMENT_NAME = "nightly"
DEFAULT_PORT = 4200  # Prefect's own default: its docs and `prefect config` examples use it


@dataclass(frozen=True)
class LocalServer:
    api_url: str  # http://127.0.0.1:PORT/api
    ui_url: str | None  # http://127.0.0.1:PORT when the UI answered, else None
    ui_off_reason: str = ""  # why there is no UI, in words, when ui_url is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def ui_files() -> Path | None:
    """The Prefect UI's built files in the installed wheel (``prefect/server/ui``), if any.
    Found without importing prefect: it reads PREFECT_API_URL once, when first imported."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        return None
    index = Path(spec.origin).parent / "server" / "ui" / "index.html"
    return index.parent if index.is_file() else None


def _get(url: str, timeout: float = 2.0) -> tuple[int, str, bytes]:
    """Status, content type and body of a GET (status 0 when nothing answers)."""
    req = urllib.request.Request(url, headers={"Accept": "text/html,application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), b""
    except OSError:
        return 0, "", b""


@contextmanager
def local_prefect_server(
    port: int = DEFAULT_PORT, ui: bool = True, timeout: float = 90.0
) -> Iterator[LocalServer]:
    """Start `prefect server start` on 127.0.0.1:``port`` (with its UI unless ``ui`` is False);
    yield its addresses once it answers; stop it on exit."""
    if port_taken(port):
        raise RuntimeError(
            f"port {port} on 127.0.0.1 is already in use (another Prefect server?): pass --port, "
            "or set PREFECT_API_URL to use the server that is running"
        )
    ui_dir = ui_files() if ui else None
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "true" if ui_dir else "false",
    }
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_UI_API_URL", None)  # the UI talks to this server's API
    cmd = [sys.executable, "-m", "prefect", "server", "start"]
    proc = subprocess.Popen(
        [*cmd, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while _get(f"{base}/api/health")[0] != 200:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"the local Prefect server exited at start (code {proc.returncode})"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the local Prefect server did not answer within {timeout:.0f} s"
                )
            time.sleep(0.5)
        if not ui:
            yield LocalServer(f"{base}/api", None, "the Prefect UI is off (--no-ui)")
        elif ui_dir is None:
            yield LocalServer(
                f"{base}/api",
                None,
                "the Prefect UI is off: the installed prefect has no UI files "
                "(prefect/server/ui/index.html); reinstall prefect from its wheel to get them",
            )
        else:
            status, ctype, _ = _get(base + "/", timeout=10)
            ok = status == 200 and "html" in ctype
            why = "" if ok else f"the Prefect UI did not answer on {base}/ (HTTP {status})"
            yield LocalServer(f"{base}/api", base if ok else None, why)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def trigger_command(api_url: str, deployment: str = f"{FLOW_NAME}/{DEPLOYMENT_NAME}") -> str:
    """The shell line that starts a run of the deployment now, pasteable as it is: Prefect's
    own CLI from this environment, told which server to ask."""
    prefect_cli = Path(sys.executable).parent / "prefect"
    cli = shlex.quote(str(prefect_cli)) if prefect_cli.is_file() else "prefect"
    return f"PREFECT_API_URL={shlex.quote(api_url)} {cli} deployment run {shlex.quote(deployment)}"


def wait_for_deployment(
    api_url: str,
    deployment: str = f"{FLOW_NAME}/{DEPLOYMENT_NAME}",
    timeout: float = 120.0,
) -> bool:
    """Whether the server knows the deployment within ``timeout`` (serve registers it)."""
    url = f"{api_url}/deployments/name/{deployment}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = _get(url)
        if status == 200 and json.loads(body or b"{}").get("name") == deployment.split("/")[1]:
            return True
        time.sleep(0.5)
    return False


def serve_nightly(
    raw_dir: str, out_dir: str, cron: str = NIGHTLY_CRON, name: str = DEPLOYMENT_NAME
) -> None:
    """Serve the ingest flow on ``cron`` until interrupted (Ctrl-C / SIGTERM). The CLI prints
    the addresses and the trigger line itself (Prefect's own message names a `prefect` that
    may not be on PATH, without the server it must ask)."""
    from flows.ingest import ingest_flow

    ingest_flow.serve(
        name=name,
        cron=cron,
        parameters={"raw_dir": raw_dir, "out_dir": out_dir, "mode": "nightly"},
        print_starting_message=False,
    )
