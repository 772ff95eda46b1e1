"""The auditor's flow: re-run one document, log the diff, write it in place (unless dry_run)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

import flows  # noqa: F401  (Prefect defaults before prefect is imported)
from flows.ingest import ingest_flow
from pipeline.rerun import diff_document, render, resolve
from pipeline.store import OutputStore


@flow(name="gyeoljae-rerun", log_prints=True)
def rerun_flow(
    doc: str,
    raw_dir: str = "data/raw",
    out_dir: str = "data/processed",
    dry_run: bool = False,
    wait_seconds: float = 0.0,
) -> bool:
    """Same parameters as `gyeoljae rerun`. Returns whether anything changed. Writing takes
    the output's lock like any ingest (waiting up to ``wait_seconds`` for another writer)."""
    logger = get_run_logger()
    store = OutputStore(out_dir)
    diff = diff_document(store, Path(raw_dir), doc)
    text = "\n".join(render(diff))
    logger.info("%s", text)
    create_markdown_artifact(
        markdown=f"```\n{text}\n```", key="gyeoljae-rerun-diff", description=f"re-run of {doc}"
    )
    if not dry_run and not diff.empty:
        _, rel = resolve(store, Path(raw_dir), doc)
        ingest_flow(
            raw_dir=raw_dir,
            out_dir=out_dir,
            only=[rel],
            force=True,
            mode="single",
            wait_seconds=wait_seconds,
        )
    return not diff.empty
