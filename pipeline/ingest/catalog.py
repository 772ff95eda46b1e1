"""A publisher's catalogue beside the documents: what it records about each file.

Bulk exports of public documents (정보소통광장's, a records office's) ship a catalogue, a
``metadata.csv`` listing every file with its date, 부서 and 문서번호. Much of that is printed
nowhere in the file itself: a letter approved by its own 담당관 (전결) never names the bureau
above it, yet the city records it as ``미래청년기획관 청년사업담당관``. The catalogue is read
once per folder (again only when it changes) and looked up by file name; the document's own
statements come first and the catalogue fills what it leaves out.

A catalogue that changes while its documents do not is not a reason to re-process them: its
values reach a document's rows the next time the document itself is processed.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

# The file names a catalogue goes by, and the most of it that is read (a bigger one is not a
# catalogue of one folder).
CATALOGUE_NAMES = ("metadata.csv", "catalogue.csv", "catalog.csv", "목록.csv")
MAX_CATALOGUE_BYTES = 5 * 1024 * 1024

# Column headers, as exports write them (case and spacing aside) → the field they hold.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "file": (
        "original_file_path",
        "file",
        "filename",
        "file_name",
        "path",
        "파일",
        "파일명",
        "첨부파일",
    ),
    "title": ("document_name", "title", "제목", "문서명", "문서제목"),
    "produced_on": ("date", "생산일자", "작성일자", "등록일자", "일자"),
    "department": ("department", "부서", "부서명", "담당부서", "생산부서"),
    "doc_number": ("doc_number", "document_number", "문서번호"),
}

# Suffixes of a text dump made from a catalogued original ('1_original.hwpx.txt').
_DUMP_SUFFIXES = (".txt", ".md")

_DATE = re.compile(r"^\s*((?:19|20)\d\d)\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})")


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """What a catalogue says about one file."""

    title: str | None = None
    produced_on: dt.date | None = None
    department: str | None = None
    doc_number: str | None = None


def _field_of(header: str) -> str | None:
    key = re.sub(r"[\s_]+", "_", header.strip().lower())
    for name, spellings in _COLUMNS.items():
        if key in spellings:
            return name
    return None


def _date(value: str) -> dt.date | None:
    m = _DATE.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_catalogue(text: str) -> dict[str, CatalogueEntry]:
    """File name → entry. A file listed twice is left out: which row is its own is unknown."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return {}
    columns = {i: f for i, h in enumerate(header) if (f := _field_of(h)) is not None}
    if "file" not in columns.values():
        return {}
    entries: dict[str, CatalogueEntry] = {}
    repeated: set[str] = set()
    for row in reader:
        cells = {f: row[i].strip() for i, f in columns.items() if i < len(row) and row[i].strip()}
        raw = cells.get("file")
        if not raw:
            continue
        name = (PureWindowsPath(raw).name if "\\" in raw else PurePosixPath(raw).name).lower()
        if name in entries:
            repeated.add(name)
            continue
        entries[name] = CatalogueEntry(
            title=cells.get("title"),
            produced_on=_date(cells.get("produced_on", "")),
            department=cells.get("department"),
            doc_number=cells.get("doc_number"),
        )
    for name in repeated:
        del entries[name]
    return entries


@functools.lru_cache(maxsize=256)
def _folder_catalogue(
    folder: str, stamp: tuple[tuple[str, int, int], ...]
) -> dict[str, CatalogueEntry]:
    """The catalogue of one folder, read once per (folder, files' size and mtime)."""
    entries: dict[str, CatalogueEntry] = {}
    for name, size, _ in stamp:
        if size > MAX_CATALOGUE_BYTES:
            continue
        try:
            text = _decode((Path(folder) / name).read_bytes())
        except OSError:
            continue
        if text is not None:
            entries = parse_catalogue(text) | entries
    return entries


def catalogue_entry(path: Path) -> CatalogueEntry | None:
    """What the catalogue in ``path``'s folder records about it (or about the original it is
    a text dump of), if the folder has one that lists it."""
    folder = path.parent
    stamp = []
    for name in CATALOGUE_NAMES:
        try:
            st = (folder / name).stat()
        except OSError:
            continue
        stamp.append((name, st.st_size, st.st_mtime_ns))
    if not stamp:
        return None
    entries = _folder_catalogue(str(folder), tuple(stamp))
    name = path.name.lower()
    found = entries.get(name)
    if found is None and name.endswith(_DUMP_SUFFIXES):
        found = entries.get(name.rsplit(".", 1)[0])
    return found
