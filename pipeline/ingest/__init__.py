"""Find input documents and read them into text, through one format map.

Like docling's ``FormatOption``, each source format names its reader; adding a format is one
entry in :data:`FORMATS`. A reader takes the file's bytes and returns a
:class:`~pipeline.model.SourceText`: the document text that every later offset indexes into,
plus what an original knows structurally (tables, 결재 header fields, page warnings).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import (
    DocumentTooLargeError,
    TransientError,
    UnsafePathError,
    UnsupportedFormatError,
)
from pipeline.ingest.catalog import CATALOGUE_NAMES
from pipeline.ingest.html import read_html
from pipeline.ingest.hwp import read_hwp
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
    "hwp": FormatOption("hwp", read_hwp, "legacy binary HWP 5.x original (OLE2, olefile)"),
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
    if name.lower() in CATALOGUE_NAMES:
        return "a catalogue of the documents beside it: read for their metadata, not a document"
    fmt = format_of(path)
    if fmt not in FORMATS:
        known = ", ".join(sorted({f".{k}" for k in FORMATS}))
        return f"files of type '.{fmt}' are not read by gyeoljae (it reads {known})"
    return None


def is_document_path(path: Path) -> bool:
    return skip_reason(path) is None


def iter_files(root: Path, exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Every regular file under ``root`` that :func:`walk_input` finds readable (documents and
    files skipped by name alike), in a stable (sorted) order."""
    for entry in walk_input(root, exclude):
        if entry.error is None and entry.regular:
            yield entry.path


@dataclass(frozen=True, slots=True)
class InputEntry:
    """One entry under the input root: a file to read, or why it is skipped or refused.

    ``skipped`` entries are reported and counted, not failures (a ``.csv``, a FIFO, a hidden
    folder); an ``error`` (a link out of the input root) becomes an ``errors`` row."""

    path: Path
    rel: str  # relative to the root, '/'-separated, undecodable name bytes escaped (\\xb0)
    skipped: str | None = None
    error: str | None = None
    regular: bool = False  # a regular file (read, or skipped by its name only)


def display_path(rel: str) -> str:
    """A path as it is written into the tables: names that are not valid UTF-8 (a CP949 zip
    unpacked on Linux) keep their bytes, escaped (``\\xb0\\xa1.txt``), so the row is valid text."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _excluded_by(rel: str, exclude: Sequence[str]) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    for pattern in exclude:
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(name, pattern):
            return pattern
    return None


def walk_input(root: Path, exclude: Sequence[str] = ()) -> Iterator[InputEntry]:
    """Every entry under ``root``, sorted, each a file to read, a skipped entry or an error.

    The root is a boundary: a symbolic link whose target lies outside it is not followed (an
    error); a link to a file or folder inside it is reported and not followed, since its target
    is read under its own name. Only regular files are read; a FIFO, socket or device is
    skipped (reading one could block the run). Hidden folders are one skipped entry each."""
    if not root.is_dir():
        yield _file_entry(root, root.name, display_path(root.name), exclude)
        return
    yield from _walk_folder(root, "", root.resolve(), exclude)


def _walk_folder(
    folder: Path, prefix: str, real_root: Path, exclude: Sequence[str]
) -> Iterator[InputEntry]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        rel = prefix.rstrip("/") or "."
        yield InputEntry(
            folder,
            display_path(rel),
            error=f"the folder could not be listed: {exc.strerror or exc}",
        )
        return
    for e in entries:
        rel = prefix + e.name
        path = Path(e.path)
        shown = display_path(rel)
        pattern = _excluded_by(rel, exclude)
        if pattern is not None:
            yield InputEntry(path, shown, skipped=f"excluded by --exclude {pattern!r}")
            continue
        if e.is_symlink():
            yield _link_entry(path, shown, real_root)
            continue
        try:
            is_dir = e.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if e.name.startswith("."):
                yield InputEntry(
                    path, shown, skipped="a hidden folder: the files in it are not read"
                )
            else:
                yield from _walk_folder(path, rel + "/", real_root, exclude)
            continue
        yield _file_entry(path, rel, shown, exclude)


def _link_entry(path: Path, shown: str, real_root: Path) -> InputEntry:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        try:
            to = os.readlink(path)
        except OSError:
            to = "?"
        return InputEntry(
            path, shown, error=f"it is a symbolic link to {display_path(to)}, which does not exist"
        )
    if not target.is_relative_to(real_root):
        return InputEntry(
            path,
            shown,
            error=(
                f"it is a symbolic link to {display_path(str(target))}, outside the input folder; "
                "files outside the input folder are not read"
            ),
        )
    kind = "folder" if target.is_dir() else "file"
    inside = display_path(target.relative_to(real_root).as_posix())
    return InputEntry(
        path,
        shown,
        skipped=f"a symbolic link to the {kind} {inside}, which is read under its own name",
    )


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _file_entry(path: Path, rel: str, shown: str, exclude: Sequence[str]) -> InputEntry:
    pattern = _excluded_by(rel, exclude)
    if pattern is not None:
        return InputEntry(path, shown, skipped=f"excluded by --exclude {pattern!r}")
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return InputEntry(
            path, shown, error=f"the file could not be examined: {exc.strerror or exc}"
        )
    if not stat.S_ISREG(mode):
        what = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
        return InputEntry(
            path, shown, skipped=f"{what}, not a regular file: only regular files are read"
        )
    return InputEntry(path, shown, skipped=skip_reason(path), regular=True)


def iter_source_paths(root: Path) -> Iterator[Path]:
    """Every document under ``root`` that a reader reads, in a stable (sorted) order."""
    for path in iter_files(root):
        if is_document_path(path):
            yield path


def format_of(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "(none)"


def _open_regular(path: Path, max_bytes: int) -> tuple[int, int]:
    """An open descriptor of ``path`` and its size, after ``stat`` said it is a regular file no
    larger than ``max_bytes`` (O_NONBLOCK: a FIFO put in its place cannot block the run)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as exc:
        raise TransientError(
            f"the file disappeared before it could be read ({exc.strerror})"
        ) from None
    except OSError as exc:
        raise TransientError(f"the file could not be read: {exc.strerror or exc}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise UnsafePathError(
            "it is not a regular file (a pipe, socket or device): only regular files are read"
        )
    if st.st_size > max_bytes:
        os.close(fd)
        raise DocumentTooLargeError(too_large_message(st.st_size, max_bytes))
    return fd, st.st_size


def too_large_message(size: int, max_bytes: int) -> str:
    return (
        f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one document"
    )


def read_bytes(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The file's bytes; its size is checked with ``stat`` before anything is read."""
    fd, _ = _open_regular(path, max_bytes)
    try:
        with os.fdopen(fd, "rb", closefd=True) as f:
            return f.read(max_bytes + 1)
    except OSError as exc:
        raise TransientError(f"the file could not be read: {exc.strerror or exc}") from None


def file_sha256(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """sha256 of the file, streamed (never the whole file in memory), after the size check."""
    fd, _ = _open_regular(path, max_bytes)
    try:
        with os.fdopen(fd, "rb", closefd=True) as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:
        raise TransientError(f"the file could not be read: {exc.strerror or exc}") from None


def source_file(path: Path, root: Path, data: bytes) -> SourceFile:
    rel = path.name if root.is_file() else path.relative_to(root).as_posix()
    return SourceFile(
        path=str(path),
        rel_path=display_path(rel),
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
