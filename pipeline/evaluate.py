"""Evaluation against hand-checked gold, on a dev split and a held-out test split.

    python -m pipeline.evaluate [--gold tests/gold] [--json build/eval.json] [--show 20]
                                [--split dev|test] [--show-test]

Each gold file (``tests/gold/*.yaml``, format in ``tests/gold/README.md``) names a document and
what a person found in it; ``tests/gold/splits.yaml`` puts every file in ``dev`` (rules are
written looking at it) or ``test`` (held out: its figures are printed, its misses are not,
unless ``--show-test`` asks for them to audit the gold). The real pipeline runs on each
document and its rows are matched one to one:

* **metadata** — exact equality, field by field (a field the gold leaves out is not scored);
* **outline** — the top two levels: same depth and the same title once spaces are ignored;
* **budgets** — same ``amount_krw`` and ``fiscal_year``, and the spans overlap;
* **schedules** — same ``start_date``, ``end_date`` and ``precision``, and the spans overlap;
* **projects** — the same name once spaces and punctuation are ignored.

Beside these, a **strict** figure for budgets and schedules also asks for the meaning around
the number: a budget's ``item`` must share a word with the gold item, a schedule's ``task``
with the gold task (words of two or more letters; one may contain the other).

A gold span is found from a context string ``at`` (unique in the document, whitespace ignored)
and the value as written inside it. Where a gold file annotates only part of a document
(``region``, or ``pages`` of a PDF), predictions outside it are not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
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
SPLITS = ("dev", "test")
TABLES = ("metadata", "outline", "budgets", "schedules", "projects")
STRICT_TABLES = ("budgets", "schedules")
RULES = {
    "metadata": "exact equality per field",
    "outline": "depth-1/2 sections: same depth and same title ignoring spaces",
    "budgets": "same amount_krw and fiscal_year, spans overlap",
    "schedules": "same start_date, end_date and precision, spans overlap",
    "projects": "same name ignoring spaces and punctuation",
    "strict": "budgets: also the item shares a word with the gold item; schedules: the task with the gold task",
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


def _squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace (NFC, ``․`` read as ``·``), and each kept character's offset."""
    kept: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if not ch.isspace():
            kept.append(ch)
            where.append(i)
    return unicodedata.normalize("NFC", "".join(kept)).replace("\u2024", "·"), where


def _span(text: str, at: str, value: str, where: str, nth: int = 1) -> tuple[int, int]:
    """The span of ``value`` inside the unique occurrence of ``at``; whitespace is ignored in
    both (a PDF's line joins and letter-spacing differ from what a reader copies)."""
    hay, offsets = _squeeze(text)
    if len(hay) != len(offsets):  # NFC changed the length: fall back to exact matching
        hay, offsets = text, list(range(len(text)))
    needle, _ = _squeeze(at)
    i = hay.find(needle)
    if i < 0 or not needle:
        raise GoldError(f"{where}: context {at!r} is not in the document")
    if hay.find(needle, i + 1) >= 0:
        raise GoldError(f"{where}: context {at!r} occurs more than once; make it longer")
    want, _ = _squeeze(value)
    j = -1
    for _ in range(nth):
        j = needle.find(want, j + 1)
        if j < 0 or not want:
            raise GoldError(
                f"{where}: value {value!r} is not inside its context {at!r} {nth} time(s)"
            )
    return offsets[i + j], offsets[i + j + len(want) - 1] + 1


def _date(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


_WORD = re.compile(r"[가-힣A-Za-z]{2,}")


def words_overlap(gold: str | None, pred: str | None) -> bool:
    """Whether a predicted item/task shares a word with the gold one (one word may contain the
    other: ``지원`` and ``지원액``). A gold row without an item or task asks nothing."""
    gw = set(_WORD.findall(gold or ""))
    if not gw:
        return True
    pw = set(_WORD.findall(pred or ""))
    return any(g in p or p in g for g in gw for p in pw)


Row = tuple[tuple[int, int] | None, Any, str, str | None]  # (span, key, label, words)


def _match(
    gold: Sequence[Row], pred: Sequence[Row], same: Callable[[Any, Any], bool], strict: bool = False
) -> Score:
    """One-to-one greedy matching; spans must overlap when both have one. ``strict`` also asks
    the item/task words to overlap."""
    score = Score()
    used: set[int] = set()
    for gspan, gkey, glabel, gwords in gold:
        hit = next(
            (
                i
                for i, (pspan, pkey, _, pwords) in enumerate(pred)
                if i not in used
                and same(gkey, pkey)
                and (gspan is None or pspan is None or _overlaps(gspan, pspan))
                and (not strict or words_overlap(gwords, pwords))
            ),
            None,
        )
        if hit is None:
            score.fn += 1
            score.misses.append(glabel)
        else:
            used.add(hit)
            score.tp += 1
    for i, (_, _, plabel, _) in enumerate(pred):
        if i not in used:
            score.fp += 1
            score.false_hits.append(plabel)
    return score


def _in_scope(doc: Document, gold: dict[str, Any], table: str) -> Callable[[int], bool]:
    """Whether a prediction at a position is inside what the gold file annotated."""
    pages = set(gold.get("pages") or [])
    region = (gold.get("region") or {}).get(table)
    start, end = 0, len(doc.text)
    if region:
        start = doc.text.find(region["from"])
        end = doc.text.find(region["to"], start + 1) if region.get("to") else len(doc.text)
        if start < 0 or end < 0:
            raise GoldError(f"{table}: region markers not found")
    return lambda pos: start <= pos < end and (not pages or doc.page_of(pos) in pages)


def score_document(
    doc: Document, gold: dict[str, Any], unlocated: list[str] | None = None
) -> dict[str, Score]:
    """Scores per table. A gold entry whose context cannot be found in the document's text
    is a miss (the reader lost or reordered that text); it is listed in ``unlocated`` when a
    list is given, and raises :class:`GoldError` otherwise."""
    text = doc.text
    out: dict[str, Score] = {}
    name = gold["source"]

    def locate(e: dict[str, Any], key: str, what: str) -> tuple[int, int] | None:
        try:
            return _span(text, e["at"], e[key], f"{name} {what} {e[key]}", e.get("nth", 1))
        except GoldError as exc:
            if unlocated is None:
                raise
            unlocated.append(str(exc))
            return None

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
            gold_rows.append(
                (None, (depth, _norm(title)), f"{'  ' * (depth - 1)}{line.strip()}", None)
            )
        inside = _in_scope(doc, gold, "outline")
        pred_rows: list[Row] = [
            (None, (s.depth, _norm(s.title)), f"{'  ' * (s.depth - 1)}{s.marker} {s.title}", None)
            for s in doc.sections
            if s.depth <= 2 and inside(s.char_start)
        ]
        out["outline"] = _match(gold_rows, pred_rows, lambda g, p: g == p)

    if "budgets" in gold:
        inside = _in_scope(doc, gold, "budgets")
        gb: list[Row] = []
        for b in gold["budgets"] or []:
            span = locate(b, "text", "budget")
            if span is None:
                span = (-2, -1)  # found nowhere: can only be a miss
            gb.append(
                (
                    span,
                    (b["amount_krw"], b.get("fiscal_year")),
                    f"{b['amount_krw']:,} {b.get('fiscal_year')} {b.get('item', '')!s} [{b['at']}]",
                    b.get("item"),
                )
            )
        pb: list[Row] = [
            (
                (r.char_start, r.char_end),
                (r.amount_krw, r.fiscal_year),
                f"{r.amount_krw:,} {r.fiscal_year} {r.item} [{text[max(0, r.char_start - 20) : r.char_end + 5]!r}]",
                r.item,
            )
            for r in doc.budgets
            if inside(r.char_start)
        ]
        out["budgets"] = _match(gb, pb, lambda a, b: a == b)
        out["budgets_strict"] = _match(gb, pb, lambda a, b: a == b, strict=True)

    if "schedules" in gold:
        inside = _in_scope(doc, gold, "schedules")
        gs: list[Row] = []
        for r in gold["schedules"] or []:
            span = locate(r, "when", "schedule")
            if span is None:
                span = (-2, -1)
            gs.append(
                (
                    span,
                    (_date(r["start"]), _date(r.get("end")), r["precision"]),
                    f"{r.get('task', '')} {r['start']}..{r.get('end')} {r['precision']} [{r['when']}]",
                    r.get("task"),
                )
            )
        ps: list[Row] = [
            (
                (r.char_start, r.char_end),
                (r.start_date, r.end_date, r.precision),
                f"{r.task} {r.start_date}..{r.end_date} {r.precision} [{r.when_text}]",
                r.task,
            )
            for r in doc.schedules
            if inside(r.char_start)
        ]
        out["schedules"] = _match(gs, ps, lambda a, b: a == b)
        out["schedules_strict"] = _match(gs, ps, lambda a, b: a == b, strict=True)

    if "projects" in gold:
        inside = _in_scope(doc, gold, "projects")
        gp: list[Row] = [(None, _norm(p["name"]), p["name"], None) for p in gold["projects"] or []]
        pr: list[Row] = [
            (None, _norm(p.name), p.name, None) for p in doc.projects if inside(p.char_start)
        ]
        out["projects"] = _match(gp, pr, lambda a, b: a == b)
    return out


_ENTRY_KEYS = {
    "budgets": {"at", "text", "nth", "amount_krw", "fiscal_year", "category", "item", "basis"},
    "schedules": {"at", "when", "nth", "start", "end", "precision", "task"},
    "projects": {"name", "parent"},
}


def load_splits(gold_dir: Path) -> dict[str, str]:
    """gold file name → split, from ``splits.yaml``; every gold file is in exactly one."""
    path = gold_dir / "splits.yaml"
    if not path.exists():
        raise GoldError(f"{path} is missing: every gold file must be put in dev or test")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, str] = {}
    for split in SPLITS:
        for name in data.get(split) or []:
            if name in out:
                raise GoldError(f"splits.yaml: {name} is listed twice")
            out[name] = split
    unknown = set(data) - set(SPLITS)
    if unknown:
        raise GoldError(f"splits.yaml: unknown splits {sorted(unknown)}")
    return out


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    files = sorted(gold_dir.glob("*.yaml"))
    files = [f for f in files if f.name != "splits.yaml"]
    if not files:
        raise GoldError(f"no gold files in {gold_dir}")
    splits = load_splits(gold_dir)
    golds = []
    for f in files:
        if f.name not in splits:
            raise GoldError(f"{f.name} is in no split: add it to splits.yaml (dev or test)")
        gold = {
            **yaml.safe_load(f.read_text(encoding="utf-8")),
            "_file": f.name,
            "_split": splits[f.name],
        }
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


def source_group(gold: dict[str, Any]) -> str:
    """``seeds``, or the external corpus folder the document comes from."""
    where, _, rel = gold["source"].partition("/")
    return where if where == "seeds" else rel.split("/", 1)[0]


def evaluate(
    gold_dir: Path,
    sources: tuple[str, ...] = ("seeds", "external"),
    splits: tuple[str, ...] = SPLITS,
    show_test: bool = False,
) -> dict[str, Any]:
    per_doc: dict[str, dict[str, Score]] = {}
    unlocated: dict[str, list[str]] = {}
    skipped: list[str] = []
    info: dict[str, dict[str, str]] = {}
    for gold in load_gold(gold_dir):
        if gold["source"].split("/", 1)[0] not in sources or gold["_split"] not in splits:
            continue
        path = source_path(gold)
        if not path.exists():
            skipped.append(f"{gold['source']} (not beside this checkout)")
            continue
        doc = process_path(path, path.parent)
        lost: list[str] = []
        per_doc[gold["source"]] = score_document(doc, gold, lost)
        if lost:
            unlocated[gold["source"]] = lost
        info[gold["source"]] = {
            "split": gold["_split"],
            "kind": gold["kind"],
            "group": source_group(gold),
        }
    by_split: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    by_group: dict[str, dict[str, dict[str, Score]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Score))
    )
    by_kind: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    for src, scores in per_doc.items():
        meta = info[src]
        for table, s in scores.items():
            by_split[meta["split"]][table].add(s)
            by_group[meta["split"]][meta["group"]][table].add(s)
            by_kind[meta["kind"]][table].add(s)

    def detail(src: str, s: Score) -> dict[str, Any]:
        if info[src]["split"] == "test" and not show_test:
            return s.figures()
        return {**s.figures(), "misses": s.misses, "false_hits": s.false_hits}

    return {
        "rules": RULES,
        "documents": {
            src: {"split": info[src]["split"], **{t: detail(src, s) for t, s in sc.items()}}
            for src, sc in per_doc.items()
        },
        "by_split": {k: {t: s.figures() for t, s in v.items()} for k, v in by_split.items()},
        "by_source": {
            k: {g: {t: s.figures() for t, s in tv.items()} for g, tv in v.items()}
            for k, v in by_group.items()
        },
        "by_kind": {k: {t: s.figures() for t, s in v.items()} for k, v in by_kind.items()},
        "unlocated": {
            src: (lost if info[src]["split"] == "dev" or show_test else len(lost))
            for src, lost in unlocated.items()
        },
        "skipped": skipped,
    }


def print_report(report: dict[str, Any], show: int, out: Any = sys.stdout) -> None:
    def line(label: str, f: dict[str, Any], strict: dict[str, Any] | None = None) -> str:
        s = (
            f"  {label:40s} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}"
            f"   (tp {f['tp']}, fp {f['fp']}, fn {f['fn']})"
        )
        if strict is not None:
            s += f"   strict F1 {strict['f1']:.3f}"
        return s

    print("matching rules:", file=out)
    for t, rule in report["rules"].items():
        print(f"  {t:10s} {rule}", file=out)
    for split in SPLITS:
        tables = report["by_split"].get(split)
        if not tables:
            continue
        n = sum(1 for d in report["documents"].values() if d["split"] == split)
        print(f"\n== {split} split ({n} documents): per table", file=out)
        for t in TABLES:
            if t in tables:
                print(line(t, tables[t], tables.get(f"{t}_strict")), file=out)
        print(f"-- {split} split: per source", file=out)
        for group, gt in sorted(report["by_source"][split].items()):
            for t in TABLES:
                if t in gt:
                    print(line(f"{group} / {t}", gt[t], gt.get(f"{t}_strict")), file=out)
    print(
        "\nper document (misses = gold not found; false hits = extracted but not in gold;"
        " test documents: figures only):",
        file=out,
    )
    for src, tables in report["documents"].items():
        print(f"\n{src}  [{tables['split']}]", file=out)
        for t in TABLES:
            if t not in tables:
                continue
            f = tables[t]
            print(line(t, f, tables.get(f"{t}_strict")), file=out)
            for m in f.get("misses", [])[:show]:
                print(f"      miss:  {m}", file=out)
            for m in f.get("false_hits", [])[:show]:
                print(f"      false: {m}", file=out)
            hidden = max(0, len(f.get("misses", [])) - show) + max(
                0, len(f.get("false_hits", [])) - show
            )
            if hidden:
                print(f"      … {hidden} more (see the JSON)", file=out)
            strict = tables.get(f"{t}_strict")
            if strict and "misses" in strict and show:
                extra = [m for m in strict["misses"] if m not in f.get("misses", [])]
                for m in extra[:show]:
                    print(f"      strict miss (item/task words): {m}", file=out)
    for src, lost in report["unlocated"].items():
        n = lost if isinstance(lost, int) else len(lost)
        print(f"\n{src}: {n} gold entries not found in the text (counted as misses)", file=out)
        for m in lost if isinstance(lost, list) else []:
            print(f"      {m}", file=out)
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
    ap.add_argument("--split", choices=SPLITS, action="append", help="only this split")
    ap.add_argument(
        "--show-test",
        action="store_true",
        help="also list the test split's misses (to audit its gold, never to tune rules)",
    )
    args = ap.parse_args(argv)
    report = evaluate(args.gold, splits=tuple(args.split or SPLITS), show_test=args.show_test)
    print_report(report, args.show)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
