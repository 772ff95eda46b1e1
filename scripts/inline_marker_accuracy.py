"""How often an inline marker in the flattened 결재문서 is classified correctly.

    python scripts/inline_marker_accuracy.py

Reads the hand-labelled candidates in tests/gold/inline_markers.tsv (a token such as '-', '○',
'2.', '■' inside a document whose body is one long line), runs the real segmenter on the seed,
and counts a candidate as classified 'marker' when a section starts at it. Prints accuracy,
precision and recall of 'marker', and every wrong call with its context.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "gold" / "inline_markers.tsv"
SEEDS = {p.name[:3]: p for p in (REPO / "data" / "raw").glob("*.txt")}


def measure() -> dict:
    from pipeline.process import process_path

    rows = [
        r
        for r in csv.DictReader(
            (ln for ln in LABELS.open(encoding="utf-8") if not ln.startswith("#")), delimiter="\t"
        )
    ]
    starts: dict[str, set[int]] = {}
    for doc in sorted({r["doc"] for r in rows}):
        d = process_path(SEEDS[doc], SEEDS[doc].parent)
        starts[doc] = {s.char_start for s in d.sections}
    tp = fp = fn = tn = 0
    wrong = []
    for r in rows:
        gold = r["marker"] == "yes"
        got = int(r["offset"]) in starts[r["doc"]]
        tp += gold and got
        tn += not gold and not got
        fp += got and not gold
        fn += gold and not got
        if gold != got:
            wrong.append(
                f"{r['doc']} {r['offset']:>6} {r['token']:4} gold={r['marker']:3} got={'yes' if got else 'no'}  {r['context']}"
            )
    n = len(rows)
    return {
        "candidates": n,
        "accuracy": (tp + tn) / n,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "wrong": wrong,
    }


def main() -> int:
    m = measure()
    print(f"inline markers in flattened 결재문서: {m['candidates']} hand-labelled candidates")
    print(f"  accuracy  {m['accuracy']:.3f}")
    print(f"  precision {m['precision']:.3f}   recall {m['recall']:.3f}   (of 'starts an item')")
    print(f"  confusion {m['confusion']}")
    for w in m["wrong"]:
        print("  wrong:", w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
