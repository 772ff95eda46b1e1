"""The pipeline version: it changes with the code that decides rows, and only with it."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.process import NOT_ROW_DECIDING, PIPELINE_VERSION, ROW_DECIDING, code_fingerprint

REPO = Path(__file__).resolve().parents[1]


def _covered(path: str, entries: tuple[str, ...]) -> bool:
    return any(path == e or path.startswith(e.rstrip("/") + "/") for e in entries)


def test_every_module_is_either_row_deciding_or_not():
    modules = [
        p.relative_to(REPO).as_posix()
        for folder in ("pipeline", "schemas")
        for p in (REPO / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    ]
    for m in modules:
        assert _covered(m, ROW_DECIDING) != _covered(m, NOT_ROW_DECIDING), m


def test_the_version_follows_the_rules_not_the_help_text(tmp_path):
    for folder in ("pipeline", "schemas"):
        shutil.copytree(
            REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    before = code_fingerprint(tmp_path)
    assert PIPELINE_VERSION.endswith("+" + code_fingerprint(REPO))

    cli = tmp_path / "pipeline" / "cli.py"
    cli.write_text(cli.read_text(encoding="utf-8") + "\n# a help-text fix\n", encoding="utf-8")
    evaluator = tmp_path / "pipeline" / "evaluate.py"
    evaluator.write_text(evaluator.read_text(encoding="utf-8") + "\n# x\n", encoding="utf-8")
    assert code_fingerprint(tmp_path) == before

    vocab = tmp_path / "pipeline" / "vocab.py"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n# a new word\n", encoding="utf-8")
    assert code_fingerprint(tmp_path) != before

    vocab.write_text((REPO / "pipeline" / "vocab.py").read_text(encoding="utf-8"), encoding="utf-8")
    schema = tmp_path / "schemas" / "__init__.py"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n# a column\n", encoding="utf-8")
    assert code_fingerprint(tmp_path) != before
