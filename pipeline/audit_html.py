"""The HTML pieces of the audit view (:mod:`pipeline.audit`): the page shell with its inline
CSS, displaCy's templates for the highlights, and small helpers that build escaped markup.

Everything a page needs is inline: no script, font, style sheet or image is fetched, so a page
opens the same from a USB stick, an archive or an air-gapped machine.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

Row = dict[str, Any]

# displaCy's ``ent`` template, one per highlight. displaCy fills ``label``, ``text``, ``bg`` and
# ``kb_link``; the rest come from each span's ``params``: ``inner`` is the highlighted text with
# the highlights nested inside it already rendered (a budget inside a project's name), so the
# template shows ``inner``, never ``text``. The label is visible text (works without colour)
# and the link to the row it came from.
ENT_TEMPLATE = (
    '<mark class="hl hl-{kind}" id="{anchor}" data-row="{row_id}" style="background: {bg}">'
    '<span class="hl-text">{inner}</span>'
    '<a class="hl-label" href="#{row_anchor}" title="{tip}">{label} {row_id}{flag}</a></mark>'
)

# displaCy's ``span`` style draws overlapping (crossing) spans under the text, one bar per span;
# these templates add the row link to the label.
SPAN_TEMPLATES = {
    "span": (
        '<span class="ov-tok" style="height: {total_height}px">{text}{span_slices}'
        "{span_starts}</span>"
    ),
    "slice": '<span class="ov-bar" style="background: {bg}; top: {top_offset}px"></span>',
    "start": (
        '<span class="ov-bar ov-start" style="background: {bg}; top: {top_offset}px">'
        '<span class="ov-label" style="background: {bg}">{label}{kb_link}</span></span>'
    ),
}

CSS = """
body { font-family: "Noto Sans CJK KR", "NanumGothic", "Malgun Gothic", sans-serif;
  margin: 1.5rem; color: #111; line-height: 1.5; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .85rem; }
th, td { border: 1px solid #999; padding: .15rem .4rem; vertical-align: top; text-align: left; }
thead th { background: #eee; position: sticky; top: 0; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dl.meta dt { font-weight: bold; }
.doc-text { white-space: pre-wrap; font-size: .95rem; line-height: 1.9; border: 1px solid #ccc;
  padding: 1rem; max-width: 60rem; }
.doc-text .entities { display: inline; line-height: inherit; }
mark.hl { color: inherit; padding: .05em .15em; border-radius: .2em; }
mark.hl-budget, .key-budget { border: 2px solid #8a6d00; }
mark.hl-schedule, .key-schedule { border: 2px dashed #1d6b46; }
mark.hl-project, .key-project { border: 2px dotted #2d3f9e; }
mark.hl:target, tr:target { outline: 3px solid #d40000; }
.hl-label { font-size: .7em; font-weight: bold; margin-left: .3em; color: #000;
  text-decoration: none; background: #fff; border: 1px solid #555; border-radius: .2em;
  padding: 0 .2em; white-space: nowrap; }
td.money { background: #fff3c4; font-weight: bold; }
td.money::before { content: "₩ "; font-weight: normal; color: #8a6d00; }
.ok { color: #135e1d; } .mismatch { color: #b00000; font-weight: bold; }
.ov-block { line-height: 2.5; border: 1px dashed #999; padding: .5rem; margin: .5rem 0; }
.ov-tok { font-weight: bold; display: inline-block; position: relative; white-space: pre-wrap; }
.ov-bar { height: 4px; left: -1px; width: calc(100% + 2px); position: absolute; }
.ov-label { color: #000; top: -.5em; padding: 2px 3px; position: absolute; font-size: .6em;
  font-weight: bold; line-height: 1; border-radius: 3px; z-index: 10; white-space: nowrap; }
.legend .key { margin-right: 1rem; padding: .05em .15em; border-radius: .2em; }
.muted { color: #555; }
"""

PAGE = """<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
</body>
</html>
"""


def esc(value: Any) -> str:
    """A value as escaped HTML text: ``None`` is empty, lists are joined with `` › ``, dates are
    ISO, numbers of won get thousands separators only where the caller formats them."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return html.escape(" › ".join(str(v) for v in value))
    if isinstance(value, dt.datetime):
        return html.escape(value.isoformat(timespec="seconds"))
    return html.escape(str(value))


def page(title: str, body: str) -> str:
    return PAGE.format(title=html.escape(title), css=CSS, body=body)


def link(href: str, text: str, *, title: str | None = None) -> str:
    tip = f' title="{html.escape(title)}"' if title else ""
    return f'<a href="{html.escape(href)}"{tip}>{text}</a>'


def table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[tuple[str | None, Sequence[str]]],
    *,
    table_id: str | None = None,
) -> str:
    """A real ``<table>``: ``rows`` are ``(tr id or None, cells as HTML)``; the first cell of each
    row is its header cell (``<th scope="row">``) so a screen reader names the row by it."""
    ident = f' id="{html.escape(table_id)}"' if table_id else ""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = []
    for tr_id, cells in rows:
        attr = f' id="{html.escape(tr_id)}"' if tr_id else ""
        first, *rest = cells
        tds = "".join(f"<td>{c}</td>" for c in rest)
        body.append(f'<tr{attr}><th scope="row">{first}</th>{tds}</tr>')
    return (
        f"<table{ident}><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def definition_list(items: Iterable[tuple[str, Any]]) -> str:
    parts = [
        f"<dt>{html.escape(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v not in (None, [], "")
    ]
    return f'<dl class="meta">{"".join(parts)}</dl>'


def won(value: int | float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


# ── side tables and document tables ──


def cell_anchor(c: Row) -> str:
    return f"cell-{c['table_id']}-{c['row']}-{c['col']}"


def box(c: Row) -> str:
    if c.get("bbox_x0") is None:
        return ""
    return (
        f"box {c['bbox_x0']:.1f}, {c['bbox_top']:.1f}, {c['bbox_x1']:.1f}, "
        f"{c['bbox_bottom']:.1f} pt"
    )


def cell_place(c: Row) -> str:
    """Where a PDF drew the cell: page and box (empty for converted text)."""
    if c.get("page") is None:
        return ""
    return " ".join(x for x in (f"p. {c['page']}", box(c)) if x)


def row_link(prefix: str, row_id: str | None) -> str:
    return "" if row_id is None else link(f"#row-{prefix}-{row_id}", esc(row_id))


LINKED = {
    "project_id": "p",
    "parent_project_id": "p",
    "parent_budget_id": "b",
    "same_as_budget_id": "b",
}
MONEY_COLUMNS = {"amount_krw", "basis_amount_krw", "total_budget_krw"}


def rows_table(
    caption: str,
    kind: str,
    id_col: str,
    columns: list[str],
    rows: list[Row],
    extra: dict[str, dict[str, str]] | None = None,
) -> str:
    """One side table: every column of the rows, the id cell linking back to the highlight."""
    extra = extra or {}
    heads = [id_col, *columns, *extra]
    body = []
    for r in rows:
        rid = r[id_col]
        first = link(f"#{kind[0]}-{rid}", esc(rid), title="show it in the text")
        cells = [first, *(value(c, r[c]) for c in columns)]
        cells += [extra[name].get(rid, "") for name in extra]
        body.append((f"row-{kind[0]}-{rid}", cells))
    return table(caption, heads, body, table_id=f"{kind}s")


def grid(table_id: str, cells: list[Row], budget_at: dict[tuple[int, int], str]) -> str:
    """A document table as an HTML table: header cells as ``<th>``, money cells marked, each
    cell's header_path (and, from a PDF, page and box) on hover."""
    covered: set[tuple[int, int]] = set()
    rows: dict[int, list[str]] = defaultdict(list)
    for c in sorted(cells, key=lambda c: (c["row"], c["col"])):
        if (c["row"], c["col"]) in covered:
            continue
        for dr in range(c["row_span"]):
            for dc in range(c["col_span"]):
                covered.add((c["row"] + dr, c["col"] + dc))
        tip = " › ".join(c["header_path"] or [])
        for extra in (c["unit"] and f"unit {c['unit']}", cell_place(c)):
            if extra:
                tip = f"{tip} · {extra}" if tip else extra
        text = esc(c["text"])
        if (c["row"], c["col"]) in budget_at:
            text = link(f"#row-b-{budget_at[(c['row'], c['col'])]}", text, title="its row")
        tag = "th" if c["is_header"] else "td"
        cls = ' class="money"' if c["amount_krw"] is not None else ""
        span = "".join(
            f' {a}="{n}"'
            for a, n in (("rowspan", c["row_span"]), ("colspan", c["col_span"]))
            if n > 1
        )
        scope = ' scope="col"' if c["is_header"] else ""
        rows[c["row"]].append(
            f'<{tag} id="{esc(cell_anchor(c))}"{cls}{span}{scope} title="{esc(tip)}">{text}</{tag}>'
        )
    first = cells[0]
    unit = f", unit {first['unit']}" if first["unit"] else ""
    where = f", section {first['section_id']}" if first["section_id"] else ""
    trs = "".join(f"<tr>{''.join(rows[r])}</tr>" for r in sorted(rows))
    return (
        f'<table id="tbl-{esc(table_id)}"><caption>table {esc(table_id)}{esc(where)}'
        f"{esc(unit)}</caption><tbody>{trs}</tbody></table>"
    )


def value(col: str, v: Any) -> str:
    if col in LINKED:
        return row_link(LINKED[col], v)
    if col in MONEY_COLUMNS:
        return won(v)
    return esc(v)
