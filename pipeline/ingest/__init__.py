"""Find input documents and read them into text, through one format map.

Like docling's ``FormatOption``, each source format names its reader; adding a format is one
entry in :data:`FORMATS`. A reader takes the file's bytes and returns the document text that
every later offset indexes into.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DocumentTooLargeError, TransientError, UnsupportedFormatError
from pipeline.ingest.html import read_html
from pipeline.ingest.text import read_text
from pipeline.model import SourceFile

Reader = Callable[[bytes], str]


@dataclass(frozen=True)
class FormatOption:
    name: str
    reader: Reader
    description: str


FORMATS: dict[str, FormatOption] = {
    "txt": FormatOption("txt", read_text, "converted text (UTF-8, CP949 or EUC-KR)"),
    "md": FormatOption("md", read_text, "markdown text"),
    "html": FormatOption("html", read_html, "HTML page"),
    "htm": FormatOption("html", read_html, "HTML page"),
}

# Files beside the documents that describe them rather than being documents (exact stems:
# 'notice_reference.txt' is a document, 'NOTICE' and 'README.md' are not).
NOT_DOCUMENTS = frozenset(
    {"readme", "sources", "license", "licence", "notice", "copying", "changelog"}
)

# A converted document above this size is almost certainly not one document.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def is_document_path(path: Path) -> bool:
    name = path.name
    if name.startswith(".") or name.startswith("~$"):
        return False
    return path.stem.lower() not in NOT_DOCUMENTS


def iter_source_paths(root: Path) -> Iterator[Path]:
    """Every candidate document under ``root``, in a stable (sorted) order."""
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
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


def read_document_text(source: SourceFile, data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
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
