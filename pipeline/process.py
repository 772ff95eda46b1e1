"""One document through every stage: read → decode → metadata → tables → segment → extract.

``process_path(path, root) -> Document`` raises :class:`~pipeline.errors.StageFailed` naming
the stage that failed; ``process_batch`` turns those into :class:`ErrorRecord` so one bad
document never stops the others.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path, PurePosixPath

from pipeline import __version__
from pipeline.errors import StageFailed, describe
from pipeline.extract import extract
from pipeline.flat_grids import heading_lines
from pipeline.ingest import display_path, is_document_path, read_bytes, read_source, source_file
from pipeline.ingest.catalog import catalogue_entry
from pipeline.metadata import complete, read_metadata, with_catalogue
from pipeline.model import (
    Document,
    DocumentMeta,
    ErrorRecord,
    SourceFile,
    SourceText,
    Span,
    Table,
)
from pipeline.segment import segment
from pipeline.tables import find_tables
from pipeline.workers import WorkerSettings, run_documents

# The code that decides a document's rows: a change to any of it is a new pipeline version, so
# the next run re-processes every document. Paths under the repository root; a folder counts
# with every module in it. The CLI, the evaluator and the run machinery (how rows are written,
# not what they are) are left out, so a help-text fix re-processes nothing.
ROW_DECIDING = (
    "schemas",
    "pipeline/__init__.py",
    "pipeline/ingest",
    "pipeline/extract",
    "pipeline/date_patterns.py",
    "pipeline/dates.py",
    "pipeline/errors.py",
    "pipeline/flat_grids.py",
    "pipeline/grid_order.py",
    "pipeline/html_tables.py",
    "pipeline/limits.py",
    "pipeline/metadata.py",
    "pipeline/metadata_rulings.py",
    "pipeline/model.py",
    "pipeline/money.py",
    "pipeline/nlp.py",
    "pipeline/process.py",
    "pipeline/rows.py",
    "pipeline/segment.py",
    "pipeline/settings.py",
    "pipeline/spans.py",
    "pipeline/tables.py",
    "pipeline/vocab.py",
)
# ... and the modules that do not decide rows.
NOT_ROW_DECIDING = (
    "pipeline/audit.py",
    "pipeline/audit_html.py",
    "pipeline/checks.py",
    "pipeline/cli.py",
    "pipeline/cli_read.py",
    "pipeline/evaluate.py",
    "pipeline/operator.py",
    "pipeline/rerun.py",
    "pipeline/run.py",
    "pipeline/sql.py",
    "pipeline/store.py",
    "pipeline/workers.py",
)
_REPO = Path(__file__).resolve().parents[1]


def row_deciding_files(root: Path = _REPO) -> list[Path]:
    out: list[Path] = []
    for entry in ROW_DECIDING:
        path = root / entry
        out.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return out


def code_fingerprint(root: Path = _REPO) -> str:
    """A short hash of the code that decides rows (:data:`ROW_DECIDING`), so that any change
    to a rule or a schema counts as a new pipeline version, not only a bumped release number."""
    h = hashlib.sha256()
    for f in row_deciding_files(root):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


PIPELINE_VERSION = f"{__version__}+{code_fingerprint()}"


# Seconds spent per stage in this process (read by the benchmark; cheap enough to keep on).
STAGE_SECONDS: dict[str, float] = defaultdict(float)


@contextmanager
def stage_timer(name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS[name] += time.perf_counter() - t0


@contextmanager
def stage(name: str, source_path: str) -> Iterator[None]:
    """Run a block as the named stage: any exception leaves as ``StageFailed(stage=name)``."""
    try:
        with stage_timer(name):
            yield
    except StageFailed:
        raise
    except Exception as exc:  # noqa: BLE001 — every failure is recorded, with its stage
        raise StageFailed(name, source_path, exc) from exc


def doc_id_for(meta_management_number: str | None, source: SourceFile) -> str:
    """The 관리번호 where the document has one; else its path relative to the input root
    without the final suffix, ``/`` kept (``부서A/주요업무계획``). Two files never share an id:
    ``a.hwpx`` and ``a.hwpx.txt`` are ``a`` and ``a.hwpx``; where two documents in one folder
    differ only by their suffix (``계획.txt``, ``계획.md``), each keeps its suffix."""
    if meta_management_number:
        return meta_management_number
    rel = PurePosixPath(source.rel_path)
    if not rel.suffix or _has_suffix_twin(Path(source.path)):
        return str(rel)
    return str(rel.with_suffix(""))


def _has_suffix_twin(path: Path) -> bool:
    try:
        mtime = path.parent.stat().st_mtime_ns
    except OSError:
        return False
    others = _document_stems(str(path.parent), mtime)[path.stem] - int(is_document_path(path))
    return others > 0


@functools.lru_cache(maxsize=1024)
def _document_stems(folder: str, mtime_ns: int) -> Counter[str]:
    """How many documents of a folder share each stem — listed once per folder (and again
    only when the folder changes), not once per document: a folder of thousands stays linear."""
    try:
        return Counter(p.stem for p in Path(folder).iterdir() if is_document_path(p))
    except OSError:
        return Counter()


def _merge_meta(found: DocumentMeta, structural: DocumentMeta | None) -> DocumentMeta:
    """Fields an original's layout states (its 결재 header table) win over those read from text."""
    if structural is None:
        return found
    for f in fields(DocumentMeta):
        name = f.name
        value = getattr(structural, name)
        if value is not None and not (name == "doc_kind" and value == "other"):
            setattr(found, name, value)
    return found


def _table_spans(text: str, tables: list[Table]) -> list[Span]:
    """The spans the section tree leaves out: each table's, less the part titles a converter
    wrote inside a flat grid (they still head their parts)."""
    out: list[Span] = []
    for t in tables:
        start = t.char_start
        if t.layout == "flat":
            cells = [(c.char_start, c.char_end) for c in t.cells]
            for ls, le in heading_lines(text, t.char_start, t.char_end, cells):
                out.append(Span(start, ls))
                start = le
        out.append(Span(start, t.char_end))
    return out


def analyse(source: SourceFile, read: SourceText | str) -> Document:
    """Every stage after decoding, on text already read (with an original's structure)."""
    if isinstance(read, str):
        read = SourceText(text=read)
    text = read.text
    with stage("metadata", source.rel_path):
        meta = complete(_merge_meta(read_metadata(text), read.meta), text)
        meta = with_catalogue(meta, catalogue_entry(Path(source.path)))
    doc = Document(
        doc_id=doc_id_for(meta.management_number, source),
        source=source,
        text=text,
        meta=meta,
        pages=read.pages,
        warnings=list(read.warnings),
        page_starts=list(read.page_starts),
    )
    end = meta.body_end if meta.body_end is not None else len(text)
    with stage("tables", source.rel_path):
        doc.tables = find_tables(text, 0, end, read.tables)
    with stage("segment", source.rel_path):
        doc.sections = segment(text, 0, end, _table_spans(text, doc.tables))
        for t in doc.tables:
            sec = doc.section_at(t.char_start)
            t.section_id = sec.section_id if sec else None
    with stage("extract", source.rel_path):
        extract(doc)
    return doc


def process_path(path: Path, root: Path) -> Document:
    rel = display_path(path.name if root.is_file() else path.relative_to(root).as_posix())
    with stage("read", rel):
        data = read_bytes(path)
    source = source_file(path, root, data)
    with stage("decode", rel):
        read = read_source(source, data)
    return analyse(source, read)


def error_record(exc: StageFailed, sha256: str | None) -> ErrorRecord:
    message = describe(exc.cause)
    if isinstance(exc.cause, MemoryError):  # the machine (or a limit) had no more to give
        message = "ran out of memory while being processed (the machine had no more to give)"
    return ErrorRecord(
        source_path=exc.source_path,
        source_sha256=sha256,
        stage=exc.stage,
        error_type=exc.error_type,
        message=message,
    )


def process_one(path: Path, root: Path, sha256: str | None = None) -> Document | ErrorRecord:
    """One document, or the record of why it failed."""
    try:
        return process_path(path, root)
    except StageFailed as exc:
        return error_record(exc, sha256)


def process_batch(
    paths: list[str],
    root: str,
    sha256s: list[str | None] | None = None,
    settings: WorkerSettings | None = None,
) -> list[Document | ErrorRecord]:
    """A batch of documents, in supervised worker processes (:mod:`pipeline.workers`): results
    in the order given; failures, time-outs and crashed workers are records, never raised."""
    shas = sha256s or [None] * len(paths)
    return run_documents(paths, root, shas, settings or WorkerSettings())
