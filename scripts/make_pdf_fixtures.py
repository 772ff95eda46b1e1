"""Generate the small PDF fixtures in ``tests/fixtures/pdf/`` from the bundled seed texts.

    make fixtures        # installs fonts-nanum (Debian) and fpdf2 if missing, then runs this

* ``004_budget_program.pdf`` — seed 004 (a 사업설명서) typeset as an original would be: its
  paragraphs wrapped at the page width, its tables (as the text pipeline reads them: 예산 총괄,
  산출근거, 추진일정 …) drawn as ruled tables with merged cells, a table continued across a page
  with its header repeated, a running header and a ``- N -`` page-number footer.
* ``two_columns.pdf`` — a full-width title over two columns of distinct sentences.
* ``encrypted.pdf`` (user password), ``truncated.pdf`` (004 cut in half), ``scanned.pdf``
  (an image and no text layer): the bad inputs.

The output is committed; rerun this only when the fixtures must change, and review the diff of
``tests/test_ingest_pdf.py``'s results by hand.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ingest.text import read_text  # noqa: E402
from pipeline.tables import find_tables  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "pdf"
FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
SEED_004 = ROOT / "data" / "raw" / "004_c8d39679a80d3057.txt"

LEFT, TOP, WIDTH, BOTTOM = 18.0, 22.0, 174.0, 272.0  # mm on A4
LINE_H = 5.2
SIZE = 10


class Sheet(FPDF):
    running_header = ""

    def header(self) -> None:
        if self.running_header:
            self.set_font("Nanum", size=8)
            self.set_xy(LEFT, 10)
            self.cell(WIDTH, 4, self.running_header, align="R")
            self.set_font("Nanum", size=SIZE)

    def footer(self) -> None:
        self.set_font("Nanum", size=9)
        self.set_xy(LEFT, 284)
        self.cell(WIDTH, 4, f"- {self.page_no()} -", align="C")
        self.set_font("Nanum", size=SIZE)


def new_sheet(header: str = "") -> Sheet:
    pdf = Sheet(format="A4", unit="mm")
    pdf.running_header = header
    pdf.set_auto_page_break(False)
    pdf.add_font("Nanum", "", str(FONT))
    pdf.set_font("Nanum", size=SIZE)
    pdf.set_creator("gyeoljae scripts/make_pdf_fixtures.py")
    pdf.set_creation_date(__import__("datetime").datetime(2026, 11, 25))
    pdf.add_page()
    pdf.set_y(TOP)
    return pdf


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    lines = pdf.multi_cell(width, LINE_H, text, dry_run=True, output=MethodReturnValue.LINES)
    return [str(x) for x in lines] or [""]


def paragraph(pdf: FPDF, text: str, indent: float = 0.0) -> None:
    lines = wrap(pdf, text, WIDTH - indent - 1)
    for line in lines:
        if pdf.get_y() + LINE_H > BOTTOM:
            pdf.add_page()
            pdf.set_y(TOP)
        pdf.set_xy(LEFT + indent, pdf.get_y())
        pdf.cell(WIDTH - indent, LINE_H, line)
        pdf.ln(LINE_H)
    pdf.ln(1.2)


def draw_table(
    pdf: FPDF, grid: dict[tuple[int, int], tuple[str, int, int]], nrows: int, ncols: int
) -> None:
    """A ruled table; merged cells drawn as one box; split across pages at row boundaries,
    the first row repeated as the header on the next page."""
    longest = [1.0] * ncols
    for (_, c), (text, _, cs) in grid.items():
        if cs == 1:
            longest[c] = max(longest[c], min(len(text), 40) + 2)
    total = sum(longest)
    widths = [max(16.0, WIDTH * w / total) for w in longest]
    widths = [w * WIDTH / sum(widths) for w in widths]
    xs = [LEFT + sum(widths[:i]) for i in range(ncols + 1)]

    covered = {
        (r + dr, c + dc)
        for (r, c), (_, rs, cs) in grid.items()
        for dr in range(rs)
        for dc in range(cs)
    }
    for r in range(nrows):  # an empty cell is still drawn, as in any ruled table
        for c in range(ncols):
            if (r, c) not in covered:
                grid[(r, c)] = ("", 1, 1)

    def row_lines(r: int) -> dict[int, list[str]]:
        out = {}
        for c in range(ncols):
            if (r, c) in grid:
                text, _, cs = grid[(r, c)]
                out[c] = wrap(pdf, text, xs[c + cs] - xs[c] - 2) if text else []
        return out

    heights = [
        max([len(v) for v in row_lines(r).values()] + [1]) * LINE_H + 2 for r in range(nrows)
    ]

    def draw_row(r: int, y: float) -> None:
        for c, lines in row_lines(r).items():
            _, rs, cs = grid[(r, c)]
            h = sum(heights[r : r + rs])
            pdf.rect(xs[c], y, xs[c + cs] - xs[c], h)
            for i, line in enumerate(lines):
                pdf.set_xy(xs[c] + 1, y + 1 + i * LINE_H)
                pdf.cell(xs[c + cs] - xs[c] - 2, LINE_H, line)

    y = pdf.get_y()
    r = 0
    while r < nrows:
        span = max((grid[(r, c)][1] for c in range(ncols) if (r, c) in grid), default=1)
        block = sum(heights[r : r + span])
        if y + block > BOTTOM and r > 0:
            pdf.add_page()
            y = TOP
            draw_row(0, y)
            y += heights[0]
        draw_row(r, y)
        y += block
        r += span
    pdf.set_y(y + 3)


def seed_004() -> bytes:
    text = read_text(SEED_004.read_bytes())
    tables = find_tables(text)
    pdf = new_sheet("우수정책 해외진출을 위한 정책교류 활성화")
    pos = 0
    for t in [*tables, None]:
        stop = t.char_start if t is not None else len(text)
        for raw in text[pos:stop].split("\n") if stop > pos else []:
            line = raw.rstrip()
            if not line.strip():
                continue
            indent = (len(line) - len(line.lstrip())) * 2.0
            line = re.sub(r"^#+\s*", "", line.strip())
            paragraph(pdf, line, indent)
        if t is None:
            break
        grid = {(c.row, c.col): (c.text, c.row_span, c.col_span) for c in t.cells}
        nrows = 1 + max(c.row + c.row_span - 1 for c in t.cells)
        ncols = 1 + max(c.col + c.col_span - 1 for c in t.cells)
        if pdf.get_y() + 3 * LINE_H > BOTTOM:
            pdf.add_page()
            pdf.set_y(TOP)
        draw_table(pdf, grid, nrows, ncols)
        pos = max(pos, t.char_end)  # a table nested in another's cell is drawn after it
    return bytes(pdf.output())


LEFT_COLUMN = [
    "왼쪽 단은 청년 일자리 지원 사업의 추진 배경을 설명한다 첫째 문단은 충분히 길어서 여러 줄로 나뉘어 조판된다",
    "왼쪽 단의 둘째 문단은 예산 집행 절차와 계약 방법을 다루며 역시 두 줄 이상으로 이어진다",
    "왼쪽 단의 마지막 문장",
]
RIGHT_COLUMN = [
    "오른쪽 단은 도시 공원 조성 계획의 주요 일정을 정리한다 이 문단도 여러 줄에 걸쳐 조판되어 읽기 순서를 시험한다",
    "오른쪽 단의 둘째 문단은 주민 설명회와 설계 공모의 절차를 설명하며 두 줄 이상이다",
    "오른쪽 단의 마지막 문장",
]


def two_columns() -> bytes:
    pdf = new_sheet()
    pdf.set_font("Nanum", size=14)
    pdf.set_xy(LEFT, TOP)
    pdf.cell(WIDTH, 8, "2단 편집 시험 문서: 제목은 두 단에 걸친다", align="C")
    pdf.set_font("Nanum", size=SIZE)
    col_w, gutter = (WIDTH - 12) / 2, 12
    for x, paras in ((LEFT, LEFT_COLUMN), (LEFT + col_w + gutter, RIGHT_COLUMN)):
        y = TOP + 14
        for p in paras:
            for line in wrap(pdf, p, col_w - 1):
                pdf.set_xy(x, y)
                pdf.cell(col_w, LINE_H, line)
                y += LINE_H
            y += 3
    return bytes(pdf.output())


def encrypted() -> bytes:
    pdf = new_sheet()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    paragraph(pdf, "암호가 걸린 문서")
    return bytes(pdf.output())


def scanned() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 300), "white")
    ImageDraw.Draw(img).rectangle((40, 40, 560, 260), outline="black", width=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_creation_date(__import__("datetime").datetime(2026, 11, 25))
    pdf.add_page()
    pdf.image(buf, x=20, y=20, w=170)
    return bytes(pdf.output())


def main() -> None:
    if not FONT.exists():
        sys.exit(f"{FONT} is missing: run `make fixtures` (it installs Debian's fonts-nanum)")
    OUT.mkdir(parents=True, exist_ok=True)
    budget = seed_004()
    files = {
        "004_budget_program.pdf": budget,
        "two_columns.pdf": two_columns(),
        "encrypted.pdf": encrypted(),
        "truncated.pdf": budget[: len(budget) // 2],
        "scanned.pdf": scanned(),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"{OUT / name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
