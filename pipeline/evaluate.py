"""Evaluation against hand-checked gold: precision, recall and F1 per table and document kind.

    python -m pipeline.evaluate [--gold tests/gold] [--json build/eval.json] [--show 20]

Each gold file (``tests/gold/*.yaml``, format in ``tests/gold/README.md``) names a document and
what a person found in it. The real pipeline runs on that document and its rows are matched:

* **metadata** — exact equality, field by field (a field the gold leaves out is not scored);
* **outline** — the top two levels: same depth and the same title once spaces are ignored;
* **budgets** — same ``amount_krw`` and ``fiscal_year``, and the spans overlap;
* **schedules** — same ``start_date``, ``end_date`` and ``precision``, and the spans overlap;
* **projects** — the same name once spaces and punctuation are ignored.

A gold span is found from a context string ``at`` (unique in the document) and the value as
written inside it. Where a gold file annotates only part of a long document (``region``),
predictions outside that region are not counted as false hits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.metadata import METADATA_FIELDS
from pipeline.model import Document
from pipeline.process import process_path

REPO = Path(__file__).resolve().parents[1]
SOURCES = {
    "seeds": REPO / "data" / "raw",
    "external": REPO.parent / "shared" / "corpus" / "external",
}
TABLES = ("metadata", "outline", "budgets", "schedules", "projects")
RULES = {
    "metadata": "exact equality per field",
    "outline": "depth-1/2 sections: same depth and same title ignoring spaces",
    "budgets": "same amount_krw and fiscal_year, spans overlap",
    "schedules": "same start_date, end_date and precision, spans overlap",
    "projects": "same name ignoring spaces and punctuation",
}
META_FIELDS = ("doc_id", *METADATA_FIELDS)


class GoldError(ValueError):
    pass


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def _norm(s: str | None) -> str:
    return re.sub(r"[\s\W_]+", "", s or "")


def _span(text: str, at: str, value: str, where: str, nth: int = 1) -> tuple[int, int]:
    i = text.find(at)
    if i < 0:
        raise GoldError(f"{where}: context {at!r} is not in the document")
    if text.find(at, i + 1) >= 0:
        raise GoldError(f"{where}: context {at!r} occurs more than once; make it longer")
    j = -1
    for _ in range(nth):
        j = at.find(value, j + 1)
        if j < 0:
            raise GoldError(
                f"{where}: value {value!r} is not inside its context {at!r} {nth} time(s)"
            )
    return i + j, i + j + len(value)


def _date(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


Row = tuple[tuple[int, int] | None, Any, str]  # (span, key, label)


def _match(gold: Sequence[Row], pred: Sequence[Row], same: Callable[[Any, Any], bool]) -> Score:
    """One-to-one greedy matching: (span, key, label) triples; spans must overlap when both have one."""
    score = Score()
    used: set[int] = set()
    for gspan, gkey, glabel in gold:
        hit = next(
            (
                i
                for i, (pspan, pkey, _) in enumerate(pred)
                if i not in used
                and same(gkey, pkey)
                and (gspan is None or pspan is None or _overlaps(gspan, pspan))
            ),
            None,
        )
        if hit is None:
            score.fn += 1
            score.misses.append(glabel)
        else:
            used.add(hit)
            score.tp += 1
    for i, (_, _, plabel) in enumerate(pred):
        if i not in used:
            score.fp += 1
            score.false_hits.append(plabel)
    return score


def _in_region(doc: Document, gold: dict[str, Any], table: str) -> Callable[[int], bool]:
    region = (gold.get("region") or {}).get(table)
    if not region:
        return lambda pos: True
    start = doc.text.find(region["from"])
    end = doc.text.find(region["to"], start + 1) if region.get("to") else len(doc.text)
    if start < 0 or end < 0:
        raise GoldError(f"{table}: region markers not found")
    return lambda pos: start <= pos < end


def score_document(doc: Document, gold: dict[str, Any]) -> dict[str, Score]:
    text = doc.text
    out: dict[str, Score] = {}
    name = gold["source"]

    if "metadata" in gold:
        s = Score()
        for key, want in gold["metadata"].items():
            if key not in META_FIELDS:
                raise GoldError(f"{name}: unknown metadata field {key!r}")
            got = doc.doc_id if key == "doc_id" else getattr(doc.meta, key)
            want = _date(want) if key in ("approved_on", "produced_on") else want
            if got == want:
                s.tp += 1
            else:
                if want is not None:
                    s.fn += 1
                    s.misses.append(f"{key} = {want!r}")
                if got is not None:
                    s.fp += 1
                    s.false_hits.append(f"{key} = {got!r}")
        out["metadata"] = s

    if "outline" in gold:
        gold_rows: list[Row] = []
        for line in gold["outline"]:
            depth = 2 if line.startswith("  ") else 1
            parts = line.strip().split(" ", 1)
            title = parts[1] if len(parts) > 1 else parts[0]
            gold_rows.append((None, (depth, _norm(title)), f"{'  ' * (depth - 1)}{line.strip()}"))
        inside = _in_region(doc, gold, "outline")
        pred_rows = [
            (None, (s.depth, _norm(s.title)), f"{'  ' * (s.depth - 1)}{s.marker} {s.title}")
            for s in doc.sections
            if s.depth <= 2 and inside(s.char_start)
        ]
        out["outline"] = _match(gold_rows, pred_rows, lambda g, p: g == p)

    if "budgets" in gold:
        inside = _in_region(doc, gold, "budgets")
        gb: list[Row] = []
        for b in gold["budgets"] or []:
            span = _span(text, b["at"], b["text"], f"{name} budget {b['text']}", b.get("nth", 1))
            gb.append(
                (
                    span,
                    (b["amount_krw"], b.get("fiscal_year")),
                    f"{b['amount_krw']:,} {b.get('fiscal_year')} {b.get('item', '')!s} [{b['at']}]",
                )
            )
        pb: list[Row] = [
            (
                (r.char_start, r.char_end),
                (r.amount_krw, r.fiscal_year),
                f"{r.amount_krw:,} {r.fiscal_year} {r.item} [{text[max(0, r.char_start - 20) : r.char_end + 5]!r}]",
            )
            for r in doc.budgets
            if inside(r.char_start)
        ]
        out["budgets"] = _match(gb, pb, lambda a, b: a == b)

    if "schedules" in gold:
        inside = _in_region(doc, gold, "schedules")
        gs: list[Row] = []
        for r in gold["schedules"] or []:
            span = _span(text, r["at"], r["when"], f"{name} schedule {r['when']}", r.get("nth", 1))
            gs.append(
                (
                    span,
                    (_date(r["start"]), _date(r.get("end")), r["precision"]),
                    f"{r.get('task', '')} {r['start']}..{r.get('end')} {r['precision']} [{r['when']}]",
                )
            )
        ps: list[Row] = [
            (
                (r.char_start, r.char_end),
                (r.start_date, r.end_date, r.precision),
                f"{r.task} {r.start_date}..{r.end_date} {r.precision} [{r.when_text}]",
            )
            for r in doc.schedules
            if inside(r.char_start)
        ]
        out["schedules"] = _match(gs, ps, lambda a, b: a == b)

    if "projects" in gold:
        gp: list[Row] = [(None, _norm(p["name"]), p["name"]) for p in gold["projects"] or []]
        pr: list[Row] = [(None, _norm(p.name), p.name) for p in doc.projects]
        out["projects"] = _match(gp, pr, lambda a, b: a == b)
    return out


_ENTRY_KEYS = {
    "budgets": {"at", "text", "nth", "amount_krw", "fiscal_year", "category", "item", "basis"},
    "schedules": {"at", "when", "nth", "start", "end", "precision", "task"},
    "projects": {"name", "parent"},
}


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    files = sorted(gold_dir.glob("*.yaml"))
    if not files:
        raise GoldError(f"no gold files in {gold_dir}")
    golds = []
    for f in files:
        gold = {**yaml.safe_load(f.read_text(encoding="utf-8")), "_file": f.name}
        for table, keys in _ENTRY_KEYS.items():
            for entry in gold.get(table) or []:
                extra = set(entry) - keys
                if extra:  # an unquoted comma in a flow mapping splits a value into bogus keys
                    raise GoldError(
                        f"{f.name}: {table} entry {entry} has unknown keys {sorted(extra)}; quote values with commas"
                    )
        golds.append(gold)
    return golds


def source_path(gold: dict[str, Any]) -> Path:
    where, _, rel = gold["source"].partition("/")
    if where not in SOURCES:
        raise GoldError(f"{gold['_file']}: source must start with seeds/ or external/")
    return SOURCES[where] / rel


def evaluate(gold_dir: Path, sources: tuple[str, ...] = ("seeds", "external")) -> dict[str, Any]:
    per_doc: dict[str, dict[str, Score]] = {}
    skipped: list[str] = []
    kinds: dict[str, str] = {}
    for gold in load_gold(gold_dir):
        if gold["source"].split("/", 1)[0] not in sources:
            continue
        path = source_path(gold)
        if not path.exists():
            skipped.append(f"{gold['source']} (not beside this checkout)")
            continue
        doc = process_path(path, path.parent)
        per_doc[gold["source"]] = score_document(doc, gold)
        kinds[gold["source"]] = gold["kind"]
    by_table: dict[str, Score] = defaultdict(Score)
    by_kind: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    for src, scores in per_doc.items():
        for table, s in scores.items():
            by_table[table].add(s)
            by_kind[kinds[src]][table].add(s)
    return {
        "rules": RULES,
        "documents": {
            src: {
                t: {**s.figures(), "misses": s.misses, "false_hits": s.false_hits}
                for t, s in sc.items()
            }
            for src, sc in per_doc.items()
        },
        "by_table": {t: s.figures() for t, s in by_table.items()},
        "by_kind": {k: {t: s.figures() for t, s in v.items()} for k, v in by_kind.items()},
        "skipped": skipped,
    }


def print_report(report: dict[str, Any], show: int, out: Any = sys.stdout) -> None:
    def line(label: str, f: dict[str, Any]) -> str:
        return (
            f"  {label:34s} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}"
            f"   (tp {f['tp']}, fp {f['fp']}, fn {f['fn']})"
        )

    print("matching rules:", file=out)
    for t, rule in report["rules"].items():
        print(f"  {t:10s} {rule}", file=out)
    print("\nper table, all documents:", file=out)
    for t in TABLES:
        if t in report["by_table"]:
            print(line(t, report["by_table"][t]), file=out)
    print("\nper document kind:", file=out)
    for kind, tables in sorted(report["by_kind"].items()):
        for t in TABLES:
            if t in tables:
                print(line(f"{kind} / {t}", tables[t]), file=out)
    print(
        "\nper document (misses = gold not found; false hits = extracted but not in gold):",
        file=out,
    )
    for src, tables in report["documents"].items():
        print(f"\n{src}", file=out)
        for t in TABLES:
            if t not in tables:
                continue
            f = tables[t]
            print(line(t, f), file=out)
            for m in f["misses"][:show]:
                print(f"      miss:  {m}", file=out)
            for m in f["false_hits"][:show]:
                print(f"      false: {m}", file=out)
            hidden = max(0, len(f["misses"]) - show) + max(0, len(f["false_hits"]) - show)
            if hidden:
                print(f"      … {hidden} more (see the JSON)", file=out)
    for s in report["skipped"]:
        print(f"\nskipped: {s}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--gold", type=Path, default=REPO / "tests" / "gold")
    ap.add_argument("--json", type=Path, default=REPO / "build" / "eval.json")
    ap.add_argument(
        "--show", type=int, default=15, help="misses and false hits listed per table and document"
    )
    args = ap.parse_args(argv)
    report = evaluate(args.gold)
    print_report(report, args.show)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
