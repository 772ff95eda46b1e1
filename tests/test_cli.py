"""The operator's CLI tells the truth: the version, the formats --help names, progress in a log,
the lines printed after a run (pasted into a shell as they are) and `gyeoljae errors`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import RAW, REPO, SEED_000, SEED_003

from pipeline.ingest import FORMATS, FormatOption
from pipeline.operator import formats_read
from pipeline.run import ingest
from pipeline.workers import WorkerSettings

GYEOLJAE = Path(sys.executable).parent / "gyeoljae"


def gyeoljae(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GYEOLJAE), *args],
        capture_output=True,  # not a terminal: what cron and CI see
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )


def test_version_is_pyproject_and_the_changelog_top():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    version = pyproject["project"]["version"]
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    top = re.search(r"^## (\S+)", changelog, re.M)
    assert top and top.group(1) == version
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    readme_top = re.search(r"^## Changelog\n+- \*\*(\S+?)[ *]", readme, re.M)
    assert readme_top and readme_top.group(1) == version
    done = gyeoljae("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"gyeoljae {version}"


def test_help_names_every_format_of_the_format_map(monkeypatch):
    said = " ".join(gyeoljae("--help").stdout.split())
    for suffix, option in FORMATS.items():
        assert f".{suffix}" in said, suffix
        assert " ".join(option.description.split()) in said
    # a reader added to the map (legacy .hwp, say) is named with no other change
    hwp = FormatOption("hwp", FORMATS["hwpx"].reader, "legacy HWP (Hangul 97–2018 binary)")
    monkeypatch.setitem(FORMATS, "hwp", hwp)
    assert ".hwp legacy HWP (Hangul 97–2018 binary)" in formats_read()


def test_a_run_off_a_terminal_prints_progress_lines_and_lines_that_paste(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_000, raw)
    shutil.copy(RAW / SEED_003, raw)
    (raw / "latin1.txt").write_bytes("café résumé naïve".encode("latin-1") * 50)
    out = tmp_path / "out"
    done = gyeoljae("ingest", str(raw), "--out", str(out), "--progress-every", "0.2", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr  # one document failed
    progress = re.findall(r"^ingesting: (\d+)/(\d+) documents", done.stderr, re.M)
    assert len(progress) >= 2, done.stderr  # a line every 0.2 s, then the last one
    assert progress[-1] == ("3", "3")
    assert all(int(d) <= int(t) == 3 for d, t in progress)
    assert "\x1b[" not in done.stderr  # no bar, no cursor movement in a log
    lines = {
        line.split(":", 1)[0]: line.split(":", 1)[1].strip()
        for line in done.stdout.splitlines()
        if ":" in line
    }
    # pasted into a shell as they are, from elsewhere
    query = subprocess.run(["bash", "-c", lines["query"]], capture_output=True, text=True, cwd="/")
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines()[0].split() == [
        "department",
        "|",
        "title",
        "|",
        "year",
        "|",
        "item",
        "|",
        "amount_krw",
    ]
    assert query.stdout.splitlines()[-1] == "(5 rows)"
    failed = subprocess.run(
        ["bash", "-c", lines["failed"]], capture_output=True, text=True, cwd="/"
    )
    assert failed.returncode == 0, failed.stderr
    head, *rows = failed.stdout.splitlines()
    assert re.fullmatch(r"run \S+ \(manual, finished .+ UTC\): 1 of 3 documents failed", head)
    (row,) = rows
    path, stage, message = row.split("\t")
    assert (path, stage) == ("latin1.txt", "decode")
    assert "neither UTF-8 nor CP949" in message


def test_errors_lists_the_last_run_or_the_one_asked_for(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_003, raw)
    (raw / "latin1.txt").write_bytes("café".encode("latin-1") * 50)
    out = tmp_path / "out"
    in_process = WorkerSettings(workers=0)
    first = ingest(raw, out, workers=in_process)
    (raw / "latin1.txt").unlink()
    second = ingest(raw, out, workers=in_process)
    assert (first.docs_failed, second.docs_failed) == (1, 0)
    last = gyeoljae("errors", "--out", str(out))
    assert last.returncode == 0
    assert last.stdout.startswith(f"run {second.run_id} (manual, finished ")
    assert last.stdout.splitlines()[0].endswith(": 0 of 1 documents failed")
    assert len(last.stdout.splitlines()) == 1
    earlier = gyeoljae("errors", "--run", first.run_id, "--out", str(out))
    assert earlier.returncode == 0
    assert earlier.stdout.splitlines()[1].split("\t")[:2] == ["latin1.txt", "decode"]
    nosuch = gyeoljae("errors", "--run", "19990101T000000Z-000000", "--out", str(out))
    assert nosuch.returncode == 2
    assert f"the last ones: {first.run_id}, {second.run_id}" in " ".join(nosuch.stderr.split())
    empty = gyeoljae("errors", "--out", str(tmp_path / "nothing"))
    assert empty.returncode == 2 and "no run recorded" in empty.stderr
