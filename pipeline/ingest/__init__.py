"""Find input documents and read them into text, through one format map.

Like docling's ``FormatOption``, each source format names its reader; adding a format is one
entry in :data:`FORMATS`. A reader takes the file's bytes and returns a
:class:`~pipeline.model.SourceText`: the document text that every later offset indexes into,
plus what an original knows structurally (tables, 결재 header fields, page warnings).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DocumentTooLargeError, TransientError, UnsupportedFormatError
from pipeline.ingest.html import read_html
from pipeline.ingest.hwpx import read_hwpx
from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.text import read_text
from pipeline.model import SourceFile, SourceText

Reader = Callable[[bytes], SourceText]


def _text_only(read: Callable[[bytes], str]) -> Reader:
    """A converted-text reader gives only text: no structure beyond it."""

    def reader(data: bytes) -> SourceText:
        return SourceText(text=read(data))

    reader.__name__ = read.__name__
    return reader


@dataclass(frozen=True)
class FormatOption:
    name: str
    reader: Reader
    description: str


FORMATS: dict[str, FormatOption] = {
    "txt": FormatOption("txt", _text_only(read_text), "converted text (UTF-8, CP949 or EUC-KR)"),
    "md": FormatOption("md", _text_only(read_text), "markdown text"),
    "html": FormatOption("html", _text_only(read_html), "HTML page"),
    "htm": FormatOption("html", _text_only(read_html), "HTML page"),
    "pdf": FormatOption("pdf", read_pdf, "PDF original with a text layer (pdfplumber)"),
    "hwpx": FormatOption("hwpx", read_hwpx, "HWPX original (Hangul's OWPML zip)"),
}

# Files beside the documents that describe them rather than being documents (exact stems:
# 'notice_reference.txt' is a document, 'NOTICE' and 'README.md' are not).
NOT_DOCUMENTS = frozenset(
    {"readme", "sources", "license", "licence", "notice", "copying", "changelog"}
)

# A converted document above this size is almost certainly not one document.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def skip_reason(path: Path) -> str | None:
    """Why a file under the input root is not a document to read, or ``None`` when it is one.

    Skipped files are counted and reported (``runs.docs_skipped``), never silently dropped
    and never failures: a ``.csv`` beside the documents is not an error."""
    name = path.name
    if name.startswith(".") or name.startswith("~$"):
        return "a hidden or temporary file"
    if path.stem.lower() in NOT_DOCUMENTS:
        return "it describes the documents (README, SOURCES, LICENSE …), it is not one"
    fmt = format_of(path)
    if fmt not in FORMATS:
        known = ", ".join(sorted({f".{k}" for k in FORMATS}))
        return f"files of type '.{fmt}' are not read by gyeoljae (it reads {known})"
    return None


def is_document_path(path: Path) -> bool:
    return skip_reason(path) is None


def iter_files(root: Path) -> Iterator[Path]:
    """Every file under ``root`` (hidden folders aside), in a stable (sorted) order."""
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            yield Path(dirpath) / name


def iter_source_paths(root: Path) -> Iterator[Path]:
    """Every document under ``root`` that a reader reads, in a stable (sorted) order."""
    for path in iter_files(root):
        if is_document_path(path):
            yield path


def format_of(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "(none)"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise TransientError(
            f"the file disappeared before it could be read ({exc.strerror})"
        ) from None
    except OSError as exc:
        raise TransientError(f"the file could not be read: {exc.strerror or exc}") from None


def source_file(path: Path, root: Path, data: bytes) -> SourceFile:
    rel = path.name if root.is_file() else path.relative_to(root).as_posix()
    return SourceFile(
        path=str(path),
        rel_path=rel,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        format=format_of(path),
    )


def read_source(source: SourceFile, data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> SourceText:
    """Run the reader that :data:`FORMATS` names for this file."""
    option = FORMATS.get(source.format)
    if option is None:
        known = ", ".join(sorted({f".{k}" for k in FORMATS}))
        raise UnsupportedFormatError(
            f"files of type '.{source.format}' are not read by gyeoljae (it reads {known})"
        )
    if len(data) > max_bytes:
        raise DocumentTooLargeError(
            f"the file is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one document"
        )
    return option.reader(data)
