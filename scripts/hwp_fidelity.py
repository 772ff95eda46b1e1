"""How faithfully the HWP 5 reader reads text, against Hancom Office's own preview.

Every real HWP 5 file carries ``PrvText``: the plain text Hancom Office wrote of the
document's first part when it saved it (table cells wrapped in ``<…>``, cut at 1,023
characters). For every file with a preview, the preview's words (cell markers dropped) are
matched in order against the words of the reader's text (the longest common subsequence,
``difflib``); word recall is the share of preview words found.

Whether the text is cut where the preview stops: a document is *longer than its preview* when
the raw text of every ``PARA_TEXT`` record in its sections (counted record by record, apart
from the reader's walk through paragraphs, tables and notes) holds more characters than the
preview (whitespace and ``<``/``>`` not counted in either); its ``documents.text`` must then
hold more characters than the preview too.

    .venv/bin/python scripts/hwp_fidelity.py [FOLDER] [--every N] [--worst K]

Prints the corpus's word recall and the count of documents longer than their preview that
are longer in the text; exits 1 when recall is under the floor (0.99).
"""

from __future__ import annotations

import argparse
import difflib
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BadInputError
from pipeline.ingest.hwp import read_hwp, read_preview, read_sections
from pipeline.ingest.hwp_records import PARA_TEXT, para_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hwp5" / "nts_tax_rulings"
RECALL_FLOOR = 0.99
PREVIEW_CAP = 1023  # characters: Hancom cuts the preview here
CUT_AT = PREVIEW_CAP - 3  # a preview this long was cut (a cut can drop a last surrogate or space)


def words(text: str) -> list[str]:
    """Words, cell markers dropped; NFC as the reader writes its text (the preview keeps CJK
    compatibility ideographs such as 曆 U+F98E that NFC maps to their unified form)."""
    return unicodedata.normalize("NFC", text).replace("<", " ").replace(">", " ").split()


def char_count(text: str) -> int:
    """Characters that are not whitespace nor a cell marker."""
    return sum(len(w) for w in words(text))


def raw_text_chars(data: bytes) -> int:
    """The characters of every PARA_TEXT record in the body, headers and notes included."""
    n = 0
    for paragraphs in read_sections(data):
        stack = list(paragraphs)
        while stack:
            rec = stack.pop()
            if rec.tag == PARA_TEXT:
                n += sum(char_count(p) for p in para_text(rec.data) if isinstance(p, str))
            stack.extend(rec.children)
    return n


@dataclass(frozen=True, slots=True)
class Fidelity:
    path: str
    preview_words: int
    matched: int
    longer_than_preview: bool  # the body's raw text holds more than the preview
    longer_in_text: bool  # the reader's text holds more than the preview


def compare(preview: str, text: str) -> tuple[int, int]:
    """(preview words, of them found in order in ``text``)."""
    want = words(preview)
    if len(preview) >= CUT_AT and want:
        want = want[:-1]  # the cut may fall inside the last word
    got = words(text)
    # the preview is the document's first part: compare against the text's first part
    window = got[: 4 * len(want) + 200]
    sm = difflib.SequenceMatcher(None, want, window, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    return len(want), matched


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
    n, matched = compare(preview, text)
    shown = char_count(preview)
    return Fidelity(str(path), n, matched, raw_text_chars(data) > shown, char_count(text) > shown)


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    preview_words: int
    matched: int
    longer_than_preview: int
    longer_in_text: int
    worst: list[Fidelity]

    @property
    def recall(self) -> float:
        return self.matched / self.preview_words if self.preview_words else 1.0


def measure(paths: list[Path], worst: int = 5) -> Summary:
    results = [f for p in paths if (f := check_file(p)) is not None]
    longer = [f for f in results if f.longer_than_preview]
    ranked = sorted(results, key=lambda f: f.matched / max(1, f.preview_words))
    return Summary(
        files=len(results),
        preview_words=sum(f.preview_words for f in results),
        matched=sum(f.matched for f in results),
        longer_than_preview=len(longer),
        longer_in_text=sum(f.longer_in_text for f in longer),
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
    print(f"word recall against PrvText: {s.recall:.5f} ({s.matched} of {s.preview_words} words)")
    print(
        f"documents longer than their preview: {s.longer_than_preview}; "
        f"of them longer in the text: {s.longer_in_text}"
    )
    for f in s.worst:
        print(f"  {f.matched / max(1, f.preview_words):.3f}  {f.path}")
    return 0 if s.recall >= RECALL_FLOOR and s.longer_in_text == s.longer_than_preview else 1


if __name__ == "__main__":
    sys.exit(main())
