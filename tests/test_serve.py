"""`gyeoljae serve`: a local Prefect server, the nightly deployment on a cron schedule, a run that
fires by itself and lands in `runs`, and a clean stop that takes the server down too."""

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
from conftest import RAW


def test_serve_runs_the_nightly_schedule_and_stops_cleanly(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PYTHONUNBUFFERED": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }
    env.pop("PREFECT_API_URL", None)
    log = (tmp_path / "serve.log").open("w")
    gyeoljae = Path(sys.executable).parent / "gyeoljae"
    proc = subprocess.Popen(
        [str(gyeoljae), "serve", str(raw), "--out", str(out), "--cron", "* * * * *"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 240
        runs: list = []
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "runs").exists():
                runs = duckdb.sql(
                    f"select mode, docs_processed from read_parquet('{out}/runs/**/*.parquet')"
                ).fetchall()
                if runs:
                    break
            time.sleep(2)
        assert runs and runs[0] == ("nightly", 5), (tmp_path / "serve.log").read_text()
        # stop once the run has finished (stopping mid-run cancels it, as Prefect's runner does)
        flow_done = re.compile(r"Flow run '[^']+' - Finished in state")
        while time.monotonic() < deadline and not flow_done.search(
            (tmp_path / "serve.log").read_text()
        ):
            time.sleep(1)
        time.sleep(2)  # let the runner report the run's end to the server
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=90)
        log.close()
    text = (tmp_path / "serve.log").read_text()
    assert code == 0, text
    assert "Traceback" not in text
    url = re.search(r"local Prefect server at (http://\S+/api)", text).group(1)
    try:  # the server the command started is gone
        urllib.request.urlopen(f"{url}/health", timeout=2)
        alive = True
    except OSError:
        alive = False
    assert not alive
