"""``gyeoljae audit``: the seeds (plus a PDF original and a truncated PDF) ingested for real,
audited through the CLI, and the pages read back — by html.parser, and by headless Chromium
(Debian's ``chromium``, installed here when missing and running as root; skipped otherwise).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.audit import UnknownDocument, page_name, write_audit
from pipeline.store import OutputStore
from tests.conftest import RAW, REPO, SEED_004, SEEDS

PDF_FIXTURES = REPO / "tests" / "fixtures" / "pdf"
GYEOLJAE = Path(sys.executable).with_name("gyeoljae")
# Installing Debian's chromium on a fresh machine (apt-get update + ~115 packages) took 61 s
# here; the browser itself then needs ~2 s per page.
APT_INSTALL_TIMEOUT_S = 900
BROWSER_TIMEOUT_S = 120


class _Page(HTMLParser):
    """Every highlight (its own text, labels left out), every element id and every link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}  # id -> tag
        self.marks: list[dict[str, str]] = []
        self.links: list[tuple[str, str]] = []  # (href, id of the nearest element with one)
        self._open: list[dict[str, str]] = []  # marks being read
        self._stack: list[tuple[str, bool, str | None]] = []  # tag, is a label, id
        self._in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] = tag
        is_label = tag == "a" and "hl-label" in a.get("class", "")
        if tag == "a" and "href" in a:
            owner = next((i for _, _, i in reversed(self._stack) if i), "")
            self.links.append((a["href"], a.get("id") or owner))
        if tag == "mark":
            m = {"id": a.get("id", ""), "class": a.get("class", ""), "row": a.get("data-row", "")}
            m["text"] = ""
            self.marks.append(m)
            self._open.append(m)
        self._in_label += is_label
        if tag not in ("br", "meta", "input"):
            self._stack.append((tag, is_label, a.get("id")))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            t, is_label, _ = self._stack.pop()
            self._in_label -= is_label
            if t == "mark":
                self._open.pop()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._in_label:
            for m in self._open:
                m["text"] += data


def parse(markup: str) -> _Page:
    p = _Page()
    p.feed(markup)
    return p


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """data/raw, a PDF original and a truncated PDF, ingested by the real run; then
    ``gyeoljae audit`` in a subprocess. Returns (tables dir, audit dir, CLI output)."""
    from pipeline.run import ingest

    base = tmp_path_factory.mktemp("audit")
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    for name in ("004_budget_program.pdf", "truncated.pdf"):
        shutil.copy(PDF_FIXTURES / name, raw / name)
    tables = base / "processed"
    ingest(raw, tables)
    pages = base / "audit"
    done = subprocess.run(
        [str(GYEOLJAE), "audit", "--from", str(tables), "--out", str(pages)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    return tables, pages, done.stdout


def _rows(tables: Path, table: str, doc_id: str | None = None) -> list[dict]:
    rows = OutputStore(tables).read(table).to_pylist()
    return [r for r in rows if doc_id is None or r["doc_id"] == doc_id]


def _doc(tables: Path, source_path: str) -> dict:
    return next(d for d in _rows(tables, "documents") if d["source_path"] == source_path)


def test_one_page_per_document_and_an_index(audited):
    tables, pages, out = audited
    docs = _rows(tables, "documents")
    assert len(docs) == 6  # the five seeds and the PDF; the truncated PDF is an errors row
    written = sorted(p.name for p in pages.glob("*.html"))
    assert written == sorted([*(page_name(d["doc_id"]) for d in docs), "index.html"])
    seeds = {_doc(tables, s)["doc_id"] for s in SEEDS}
    assert len(seeds) == 5 and all((pages / page_name(d)).is_file() for d in seeds)
    index = parse((pages / "index.html").read_text(encoding="utf-8"))
    hrefs = {h for h, _ in index.links}
    assert {page_name(d["doc_id"]) for d in docs} <= hrefs
    assert "index: " in out and "6 page(s), 1 errors row(s)" in out


def test_every_row_has_one_highlight_at_its_span(audited):
    tables, pages, _ = audited
    for d in _rows(tables, "documents"):
        text = d["text"]
        page = parse((pages / page_name(d["doc_id"])).read_text(encoding="utf-8"))
        for table, id_col, kind, as_written in (
            ("budgets", "budget_id", "budget", "amount_text"),
            ("schedules", "schedule_id", "schedule", "when_text"),
            ("projects", "project_id", "project", None),
        ):
            rows = _rows(tables, table, d["doc_id"])
            marks: dict[str, list[str]] = {}
            for m in page.marks:
                if f"hl-{kind}" in m["class"].split():
                    marks.setdefault(m["row"], []).append(m["text"])
            assert set(marks) == {r[id_col] for r in rows}, (d["doc_id"], table)
            for r in rows:
                span = text[r["char_start"] : r["char_end"]]
                assert marks[r[id_col]] == [span], (d["doc_id"], r[id_col])
                if as_written:
                    assert span == r[as_written]


def test_links_go_both_ways(audited):
    tables, pages, _ = audited
    doc = _doc(tables, SEED_004)
    page = parse((pages / page_name(doc["doc_id"])).read_text(encoding="utf-8"))
    budgets = _rows(tables, "budgets", doc["doc_id"])
    links = dict(page.links)  # href -> the element it sits in
    for b in budgets:
        mark, row = f"b-{b['budget_id']}", f"row-b-{b['budget_id']}"
        assert page.ids[mark] == "mark" and page.ids[row] == "tr"
        assert f"#{row}" in links and links[f"#{mark}"] == row, b["budget_id"]
    # every in-page link lands somewhere
    targets = {h[1:] for h, _ in page.links if h.startswith("#")}
    assert targets <= set(page.ids), targets - set(page.ids)


def test_pages_fetch_nothing(audited):
    _, pages, _ = audited
    for p in pages.glob("*.html"):
        markup = p.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", markup, re.I), p.name
        assert not re.search(r"url\(|@import|<script|<link\b|<img\b", markup, re.I), p.name


def test_index_lists_the_errors_rows_and_failed_checks(audited):
    tables, pages, _ = audited
    index = (pages / "index.html").read_text(encoding="utf-8")
    errors = _rows(tables, "errors")
    assert [e["source_path"] for e in errors] == ["truncated.pdf"]
    assert "truncated.pdf" in index and "DamagedDocumentError" in index
    assert errors[0]["message"] in index.replace("&#x27;", "'")
    # the failed checks of 004 (its 산출근거 and restated figures that do not add up) are
    # counted on the index and listed on its page, each with the sum of its parts
    doc = _doc(tables, SEED_004)
    page = (pages / page_name(doc["doc_id"])).read_text(encoding="utf-8")
    checks = page[page.index('id="checks"') :]
    failed = checks[: checks.index("</table>")].count('class="mismatch">mismatch')
    assert failed > 0 and "parts summed" in checks
    assert f'#checks"><span class="mismatch">{failed}</span>' in index


def test_pdf_rows_show_page_and_box(audited):
    tables, pages, _ = audited
    doc = _doc(tables, "004_budget_program.pdf")
    page = (pages / page_name(doc["doc_id"])).read_text(encoding="utf-8")
    cell_budgets = [b for b in _rows(tables, "budgets", doc["doc_id"]) if b["table_id"]]
    assert cell_budgets and all(b["page"] is not None for b in cell_budgets)
    b = cell_budgets[0]
    row = page[page.index(f'id="row-b-{b["budget_id"]}"') :]
    row = row[: row.index("</tr>")]
    assert re.search(rf"p\. {b['page']} box [\d.]+, [\d.]+, [\d.]+, [\d.]+ pt", row), row
    # a money cell of the table, marked, its header_path and box on hover
    cell = next(c for c in _rows(tables, "tables", doc["doc_id"]) if c["amount_krw"] is not None)
    tag = re.search(rf'<td id="cell-{cell["table_id"]}-{cell["row"]}-{cell["col"]}"[^>]*>', page)
    assert tag and 'class="money"' in tag.group(0)
    assert " › ".join(cell["header_path"]) in tag.group(0) and "box " in tag.group(0)


def test_one_document_asked_for(audited, tmp_path):
    tables, _, _ = audited
    report = write_audit(tables, tmp_path, [SEED_004])
    assert list(report.pages) == [_doc(tables, SEED_004)["doc_id"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [page_name(_doc(tables, SEED_004)["doc_id"]), "index.html"]
    )
    with pytest.raises(UnknownDocument, match="no document 'nope.txt'"):
        write_audit(tables, tmp_path, ["nope.txt"])


def test_ingest_does_not_import_spacy():
    code = "import sys, pipeline.cli, pipeline.run; print('spacy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.stdout.strip() == "False", done.stderr


# ── in a real browser ──────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium: found, or installed with apt-get when running as root (as CI does);
    otherwise the browser tests are skipped, with the reason."""
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("chromium is not installed and cannot be (needs apt-get, as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "chromium", "fonts-nanum"],
    ):
        done = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=APT_INSTALL_TIMEOUT_S
        )
        if done.returncode != 0:
            pytest.skip(f"could not install chromium ({' '.join(cmd)}): {done.stderr[-300:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt-get installed chromium, yet no chromium is on PATH")
    return found


def _browser(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="gyeoljae-chromium-") as profile:
        return subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=BROWSER_TIMEOUT_S,
        )


def test_in_chromium(audited, chromium, tmp_path):
    tables, pages, _ = audited
    doc = _doc(tables, SEED_004)
    url = (pages / page_name(doc["doc_id"])).as_uri()
    dom = _browser(chromium, "--dump-dom", url)
    assert dom.returncode == 0 and "<mark" in dom.stdout, dom.stderr[-500:]
    page = parse(dom.stdout)
    budgets = _rows(tables, "budgets", doc["doc_id"])
    assert budgets
    for b in budgets:
        shown = [m["text"] for m in page.marks if m["row"] == b["budget_id"]]
        assert shown == [b["amount_text"]], b["budget_id"]
    # one link each way, as the browser built the DOM
    first = budgets[0]["budget_id"]
    links = dict(page.links)
    assert links[f"#b-{first}"] == f"row-b-{first}" and page.ids[f"row-b-{first}"] == "tr"
    assert f"#row-b-{first}" in links and page.ids[f"b-{first}"] == "mark"

    shot = tmp_path / "004.png"
    done = _browser(chromium, f"--screenshot={shot}", "--window-size=1280,1600", url)
    assert done.returncode == 0 and shot.is_file(), done.stderr[-500:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1280, 1600)
    assert len(png) > 50_000  # a page of text and highlights, not a blank image (~3 KB)


def test_nested_and_crossing_spans_are_drawn_once_each(audited):
    """A budget inside a project's name is drawn inside its highlight; a schedule crossing the
    name (neither inside nor apart) goes to displaCy's span-style excerpt, linked to its row."""
    from pipeline.audit import render_document

    tables, _, _ = audited
    doc = _doc(tables, SEED_004)
    text = "가나 2020년 10,000천원 지원 사업 추진 '20. 3월 완료"
    name = "2020년 10,000천원 지원 사업 추진 '20."
    p0, a0, w0 = text.index(name), text.index("10,000천원"), text.index("'20. 3월")
    budget = {c: None for c in _rows(tables, "budgets", doc["doc_id"])[0]}
    budget.update(budget_id="B1", item="지원", amount_krw=10_000_000, amount_text="10,000천원")
    budget.update(char_start=a0, char_end=a0 + 8, unit="천원", is_total=False)
    project = {c: None for c in _rows(tables, "projects", doc["doc_id"])[0]}
    project.update(project_id="P1", name=name, char_start=p0, char_end=p0 + len(name))
    schedule = {c: None for c in _rows(tables, "schedules", doc["doc_id"])[0]}
    schedule.update(schedule_id="S1", task="완료", precision="month", when_text="'20. 3월")
    schedule.update(char_start=w0, char_end=w0 + 7)
    rows = {"budgets": [budget], "projects": [project], "schedules": [schedule], "tables": []}
    page = parse(render_document({**doc, "text": text}, rows, []))
    marks = {m["row"]: m["text"] for m in page.marks}
    assert marks == {"P1": name, "B1": "10,000천원"}  # the budget nested in the name
    nested = page.marks[[m["row"] for m in page.marks].index("B1")]
    assert nested["id"] == "b-B1"
    assert page.ids["s-S1"] == "div"  # the crossing schedule's excerpt
    assert ("#row-s-S1", "s-S1") in page.links and page.ids["row-s-S1"] == "tr"
