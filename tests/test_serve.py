"""`gyeoljae serve`: a local Prefect server whose UI answers on the address the command prints,
the nightly deployment, a run started with the printed trigger line pasted into a shell that
lands in `runs`, and a clean stop that takes the server down too."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
from conftest import RAW, SEED_000

from flows.serve import free_port


def _wait_for(pattern: str, log: Path, proc: subprocess.Popen, deadline: float) -> re.Match:
    rx = re.compile(pattern, re.M)
    while time.monotonic() < deadline and proc.poll() is None:
        m = rx.search(log.read_text())
        if m:
            return m
        time.sleep(0.3)
    raise AssertionError(f"no {pattern!r} in the output of gyeoljae serve:\n{log.read_text()}")


def test_serve_ui_answers_and_the_printed_trigger_lands_a_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_000, raw)  # one document: the run is quick
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PYTHONUNBUFFERED": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # Prefect's setting: the runner looks every second
    }
    env.pop("PREFECT_API_URL", None)
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    gyeoljae = Path(sys.executable).parent / "gyeoljae"
    # a schedule that does not fire during the test: the run comes from the printed trigger
    cmd = [str(gyeoljae), "serve", str(raw), "--out", str(out), "--cron", "0 2 * * *"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(free_port())],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 120
        ui = _wait_for(r"^Prefect UI: (http://\S+)$", log_path, proc, deadline).group(1)
        with urllib.request.urlopen(ui, timeout=10) as r:
            assert r.status == 200
            assert "html" in r.headers["Content-Type"]
            assert b"<html" in r.read().lower()
        trigger = _wait_for(
            r"^  (PREFECT_API_URL=\S+ .*deployment run .*)$", log_path, proc, deadline
        )
        # pasted as printed, into a shell with none of the serve process's environment
        shell_env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        shell_env["HOME"] = str(tmp_path / "home")
        done = subprocess.run(
            ["bash", "-c", trigger.group(1)],
            env=shell_env,
            cwd="/",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        runs: list = []
        while time.monotonic() < deadline and proc.poll() is None and not runs:
            if (out / "runs").exists():
                runs = duckdb.sql(
                    f"select mode, docs_processed from read_parquet('{out}/runs/**/*.parquet')"
                ).fetchall()
            time.sleep(0.5)
        assert runs == [("nightly", 1)], log_path.read_text()
        # stop once the run has finished (stopping mid-run cancels it, as Prefect's runner does)
        _wait_for(r"Flow run '[^']+' - Finished in state", log_path, proc, deadline)
        time.sleep(1)  # let the runner report the run's end to the server
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=90)
        log.close()
    text = log_path.read_text()
    assert code == 0, text
    assert "Traceback" not in text
    assert "ephemeral" not in text  # the deployment is on the real server, which can schedule
    api = re.search(r"local Prefect server at (http://\S+/api)", text).group(1)
    assert ui == api.removesuffix("/api")
    try:  # the server the command started is gone
        urllib.request.urlopen(f"{api}/health", timeout=2)
        alive = True
    except OSError:
        alive = False
    assert not alive


def test_serve_says_plainly_when_the_port_is_taken(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = subprocess.run(
            [str(Path(sys.executable).parent / "gyeoljae"), "serve", str(RAW), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={
                **{k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
                "PREFECT_HOME": str(tmp_path / "prefect"),
            },
        )
    assert done.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in " ".join(done.stderr.split())
