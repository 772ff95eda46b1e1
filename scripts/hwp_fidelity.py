"""How faithfully the HWP 5 reader reads text, against Hancom Office's own preview.

Every real HWP 5 file carries ``PrvText``: the plain text Hancom Office wrote of the
document's first part when it saved it (table cells wrapped in ``<…>``, cut at 1,023
characters). For every file with a preview, the preview's words (cell markers dropped) are
matched in order against the words of the reader's text (the longest common subsequence,
``difflib``); word recall is the share of preview words found. A preview cut at its limit
means the document goes on: its text must then hold more words than the preview.

    .venv/bin/python scripts/hwp_fidelity.py [FOLDER] [--every N] [--worst K]

Prints the corpus's word recall and the count of documents longer than their preview that
are longer in the text; exits 1 when recall is under the floor (0.99).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BadInputError
from pipeline.ingest.hwp import read_hwp, read_preview

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hwp5" / "nts_tax_rulings"
RECALL_FLOOR = 0.99
PREVIEW_CAP = 1023  # characters: Hancom cuts the preview here
CUT_AT = PREVIEW_CAP - 3  # a preview this long was cut (a cut can drop a last surrogate or space)


def words(text: str) -> list[str]:
    return text.replace("<", " ").replace(">", " ").split()


@dataclass(frozen=True, slots=True)
class Fidelity:
    path: str
    preview_words: int
    matched: int
    cut_preview: bool  # the preview stopped at its limit: the document is longer
    longer_in_text: bool  # ... and the text goes on past it


def compare(preview: str, text: str) -> tuple[int, int, bool]:
    """(preview words, of them found in order in ``text``, text longer than the preview)."""
    want = words(preview)
    if len(preview) >= CUT_AT and want:
        want = want[:-1]  # the cut may fall inside the last word
    got = words(text)
    # the preview is the document's first part: compare against the text's first part
    window = got[: 4 * len(want) + 200]
    sm = difflib.SequenceMatcher(None, want, window, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    return len(want), matched, len(got) > len(words(preview))


def check_file(path: Path) -> Fidelity | None:
    """The file's fidelity, or ``None`` when it has no preview or the reader refuses it."""
    data = path.read_bytes()
    preview = read_preview(data)
    if not preview or not words(preview):
        return None
    try:
        text = read_hwp(data).text
    except BadInputError:
        return None
    n, matched, longer = compare(preview, text)
    return Fidelity(str(path), n, matched, len(preview) >= CUT_AT, longer)


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    preview_words: int
    matched: int
    cut_previews: int
    longer_in_text: int
    worst: list[Fidelity]

    @property
    def recall(self) -> float:
        return self.matched / self.preview_words if self.preview_words else 1.0


def measure(paths: list[Path], worst: int = 5) -> Summary:
    results = [f for p in paths if (f := check_file(p)) is not None]
    cut = [f for f in results if f.cut_preview]
    ranked = sorted(results, key=lambda f: f.matched / max(1, f.preview_words))
    return Summary(
        files=len(results),
        preview_words=sum(f.preview_words for f in results),
        matched=sum(f.matched for f in results),
        cut_previews=len(cut),
        longer_in_text=sum(f.longer_in_text for f in cut),
        worst=ranked[:worst],
    )


def corpus_files(folder: Path, every: int = 1) -> list[Path]:
    return sorted(folder.rglob("*.hwp"))[::every]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    ap.add_argument("--every", type=int, default=1, help="read every N-th file only")
    ap.add_argument("--worst", type=int, default=5, help="list the K files of lowest recall")
    args = ap.parse_args(argv)
    files = corpus_files(args.folder, args.every)
    s = measure(files, args.worst)
    print(f"files read with a preview: {s.files} of {len(files)}")
    print(f"word recall against PrvText: {s.recall:.4f} ({s.matched} of {s.preview_words} words)")
    print(
        f"previews cut at {PREVIEW_CAP} characters: {s.cut_previews}; "
        f"of them longer in the text: {s.longer_in_text}"
    )
    for f in s.worst:
        print(f"  {f.matched / max(1, f.preview_words):.3f}  {f.path}")
    return 0 if s.recall >= RECALL_FLOOR and s.longer_in_text == s.cut_previews else 1


if __name__ == "__main__":
    sys.exit(main())
