"""The rulings' metadata against Hancom's own preview of each file.

    python scripts/hwp_rulings_check.py [FOLDER] [--sample N] [--out DIR] [--show 10]

Runs the real ingest (``pipeline.run.ingest``, default workers) over the HWP 5 rulings in FOLDER
(default ``../shared/corpus/hwp5/nts_tax_rulings``; ``--sample N``: N of them, spread over the
sub-folders) and compares each ``documents`` row's ``doc_number``, ``produced_on`` and ``title``
with the header table as the file's ``PrvText`` stream shows it. That stream is Hancom Office's
plain-text preview of the first part of the document, each cell written as ``<…>``; it is read
here, independently of the pipeline, as the reference — never as a source of rows.

A field is counted for a file whose preview states it; it matches when the row gives the same
value (a document that failed counts as a miss). The reference is read as the contract words it:
the number is the 문서번호 / 사건번호 cell without the date in its parentheses (whitespace
collapsed, none around its hyphens, a leading bullet and a trailing comma dropped), the date is
that in the parentheses, the title the 제목 cell's text with its whitespace collapsed.
Prints the match rate per field; exits 1 when one is under ``--min-rate`` (default 0.99).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RULINGS = REPO.parent / "shared" / "corpus" / "hwp5" / "nts_tax_rulings"
FIELDS = ("doc_number", "produced_on", "title")
MIN_RATE = 0.99

_CELL = re.compile(r"<([^<>]*)>")
_LABEL_CELL = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*")
_NUMBER_AND_DATE = re.compile(r"^(.*?)[\s,]*\(([^()]*)\)")
_DOTTED = re.compile(r"\s*(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\s*\.?\s*")
_COMPACT = re.compile(r"\s*(\d{4})(\d{2})(\d{2})\s*")


def preview_text(path: Path) -> str | None:
    """The file's ``PrvText`` stream (UTF-16LE), or ``None`` when it has none or is no OLE2 file."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("PrvText"):
                return None
            return ole.openstream("PrvText").read().decode("utf-16le", "replace")
    except (OSError, ValueError):  # not an OLE2 compound file, or a damaged one
        return None


def _date(text: str) -> dt.date | None:
    m = _DOTTED.fullmatch(text) or _COMPACT.fullmatch(text)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def reference_header(preview: str) -> dict[str, object]:
    """doc_number, produced_on and title as the preview's header table shows them (a field the
    preview does not show is absent)."""
    cells = _CELL.findall(preview)
    out: dict[str, object] = {}
    for i, cell in enumerate(cells[:-1]):
        m = _LABEL_CELL.fullmatch(cell)
        if m is None:
            continue
        label = re.sub(r"\s+", "", m.group(1))
        value = " ".join(cells[i + 1].split())
        if not value or _LABEL_CELL.fullmatch(cells[i + 1]):
            continue
        if label in ("문서번호", "사건번호") and "doc_number" not in out:
            nd = _NUMBER_AND_DATE.match(value)
            number = nd.group(1) if nd else value
            number = re.sub(r"\s*-\s*", "-", re.sub(r"^[^\w(]+", "", number)).rstrip(" ,")
            if re.search(r"\d", number):
                out["doc_number"] = number
                if nd and (date := _date(nd.group(2))) is not None:
                    out["produced_on"] = date
        elif label == "제목" and "title" not in out:
            out["title"] = value
    return out


def sample_files(folder: Path, n: int | None) -> list[Path]:
    """Every ``.hwp`` under ``folder`` (sorted), or ``n`` of them: from each sub-folder its share
    of ``n`` (at least 3), evenly spaced, so the rare layouts (심판 결정, 판결) are in the sample."""
    files = sorted(folder.rglob("*.hwp"))
    if n is None or n >= len(files):
        return files
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for f in files:
        by_folder[f.parent].append(f)
    picked: list[Path] = []
    for group in by_folder.values():
        want = min(len(group), max(3, math.ceil(n * len(group) / len(files))))
        step = len(group) / want
        picked += [group[int(k * step)] for k in range(want)]
    return sorted(picked)


@dataclass
class CheckResult:
    files: int
    failed: int
    counted: dict[str, int] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=dict)
    misses: list[tuple[str, str, object, object]] = field(default_factory=list)

    def rate(self, name: str) -> float:
        return self.matched[name] / self.counted[name] if self.counted[name] else 1.0


def check(folder: Path, n: int | None = None, out: Path | None = None) -> CheckResult:
    """Ingest (a sample of) the rulings and compare the documents rows with the previews."""
    from pipeline.run import ingest
    from pipeline.store import OutputStore

    files = sample_files(folder, n)
    work = Path(tempfile.mkdtemp(prefix="gyeoljae-rulings-"))
    try:
        raw = work / "raw"
        for f in files:  # the sample as its own input folder (relative paths kept)
            dest = raw / f.relative_to(folder)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        out_dir = out or work / "out"
        summary = ingest(raw, out_dir, force=True)
        rows = {
            r["source_path"]: r
            for r in OutputStore(out_dir)
            .read("documents", columns=["source_path", "doc_kind", *FIELDS])
            .to_pylist()
        }
    finally:
        shutil.rmtree(work / "raw", ignore_errors=True)
        if out is None:
            shutil.rmtree(work, ignore_errors=True)
    result = CheckResult(files=len(files), failed=summary.docs_failed)
    result.counted = dict.fromkeys(FIELDS, 0)
    result.matched = dict.fromkeys(FIELDS, 0)
    for f in files:
        preview = preview_text(f)
        if preview is None:
            continue
        rel = f.relative_to(folder).as_posix()
        row = rows.get(rel, {})
        for name, want in reference_header(preview).items():
            result.counted[name] += 1
            got = row.get(name)
            if got == want:
                result.matched[name] += 1
            else:
                result.misses.append((rel, name, want, got))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("folder", nargs="?", type=Path, default=RULINGS)
    ap.add_argument("--sample", type=int, default=None, help="check N files, not all")
    ap.add_argument("--out", type=Path, default=None, help="keep the output tables here")
    ap.add_argument("--show", type=int, default=10, help="mismatches to print")
    ap.add_argument("--min-rate", type=float, default=MIN_RATE)
    args = ap.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} is not there: nothing to check", file=sys.stderr)
        return 2
    r = check(args.folder, args.sample, args.out)
    print(f"{r.files} rulings ingested, {r.failed} failed")
    for name in FIELDS:
        print(
            f"  {name:12s} {r.rate(name):7.2%}  ({r.matched[name]} of {r.counted[name]} files"
            f" whose preview states it)   [>= {args.min_rate:.0%}]"
        )
    for rel, name, want, got in r.misses[: args.show]:
        print(f"  miss {rel} {name}: preview {want!r}, row {got!r}")
    return 0 if all(r.rate(name) >= args.min_rate for name in FIELDS) else 1


if __name__ == "__main__":
    sys.exit(main())
