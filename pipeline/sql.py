"""SQL over an output folder: ``gyeoljae sql``'s library (DuckDB views, statements, results).

:func:`connect` opens an in-memory DuckDB database with one view per output table
(``documents``, ``sections``, ``tables``, ``projects``, ``budgets``, ``schedules``,
``errors``, ``runs``) and the view :data:`BUDGET_CONTEXT` that joins budgets, projects and
documents. The views read the parts the *committed current snapshot* lists in its
``MANIFEST.json`` (see :mod:`pipeline.store`): the snapshot is resolved once, when the
connection opens, so a run committing meanwhile never gives a session a mix of two runs, and
a half-written ``.snapshots/<run>.tmp`` is never read.

DuckDB is imported lazily: only ``gyeoljae sql`` (and the tests) pay for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pipeline.errors import GyeoljaeError
from pipeline.store import CURRENT, MANIFEST, OutputStore
from schemas import SCHEMAS

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True, slots=True)
class SqlSettings:
    """How ``gyeoljae sql`` shows things (none of it changes a row)."""

    # Characters of documents.text shown on each side of an amount in budget_context.context.
    context_chars: int = 30
    # Rows printed for one statement (an export writes them all).
    max_rows_shown: int = 100
    # A printed cell longer than this is cut, with '…' (an export writes it whole).
    max_cell_chars: int = 60


SQL = SqlSettings()

BUDGET_CONTEXT = "budget_context"
# The view's columns and what each holds: the documentation, and what a test holds the view to.
BUDGET_CONTEXT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("doc_id", "the document (documents.doc_id)"),
    ("department", "documents.department: the 실·국 or 과 the document names"),
    ("title", "documents.title"),
    ("project", "projects.name of the amount's 사업, when it sits under one"),
    ("year", "budgets.fiscal_year"),
    ("period_start_year", "first year of an amount over several years (year is then null)"),
    ("period_end_year", "last year of that period"),
    ("category", "budgets.category: 회계/과목/비목"),
    ("item", "budgets.item: what the money is for"),
    ("amount_krw", "the amount in won"),
    ("amount_text", "the amount as written"),
    ("distinct_money", "not a total and not a restatement: sum these to count each won once"),
    ("is_total", "budgets.is_total"),
    ("same_as_budget_id", "budgets.same_as_budget_id"),
    ("flow", "expenditure / revenue (null without evidence)"),
    ("stage", "budget, request, plan, settlement, supplementary"),
    ("page", "page of a PDF original"),
    (
        "context",
        f"documents.text around the amount ({SQL.context_chars} characters each side), "
        "newlines as spaces",
    ),
    ("budget_id", "budgets.budget_id"),
    ("char_start", "span of amount_text in documents.text"),
    ("char_end", "end of that span"),
)

# Statements whose result is only a confirmation: the shell prints 'ok', not a table.
_QUIET = {"CREATE", "DROP", "SET", "ALTER", "TRANSACTION", "VARIABLE_SET", "ATTACH", "DETACH"}


class NoOutputError(GyeoljaeError):
    """The folder holds no committed gyeoljae output."""


@dataclass
class Snapshot:
    """The committed snapshot a connection reads: its folder and each table's parts."""

    path: Path
    parts: dict[str, list[Path]]
    warnings: list[str] = field(default_factory=list)


def committed_snapshot(out_dir: Path | str) -> Snapshot:
    """The current snapshot of ``out_dir`` and the parts its manifest lists (a part whose size
    differs from the manifest's is left out, with a warning; `gyeoljae ingest` heals it)."""
    root = Path(out_dir)
    snap = OutputStore(root).current
    if snap is None:
        why = "does not exist" if not root.exists() else "holds no committed gyeoljae run"
        raise NoOutputError(
            f"{root} {why} (no '{CURRENT}' snapshot): run `gyeoljae ingest RAW_DIR --out {root}` "
            "first, or point --from at an output folder"
        )
    try:
        listed: dict[str, dict[str, Any]] | None = json.loads(
            (snap / MANIFEST).read_text(encoding="utf-8")
        )["parts"]
    except (OSError, ValueError, KeyError, TypeError):
        listed = None  # a snapshot written before manifests: every part in its folders
    parts: dict[str, list[Path]] = {}
    warnings: list[str] = []
    for table in SCHEMAS:
        if listed is None:
            parts[table] = sorted((snap / table).glob("*.parquet"))
            continue
        good = []
        for name, entry in sorted(listed.get(table, {}).items()):
            p = snap / table / name
            try:
                size = p.stat().st_size
            except OSError:
                warnings.append(f"the output part {table}/{name} is missing; it is left out")
                continue
            if "size" in entry and size != entry["size"]:
                warnings.append(
                    f"the output part {table}/{name} is {size} bytes, not the {entry['size']} "
                    "of its commit; it is left out (the next `gyeoljae ingest` heals it)"
                )
                continue
            good.append(p)
        parts[table] = good
    return Snapshot(snap, parts, warnings)


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _context_sql(chars: int) -> str:
    start = f"greatest(b.char_start - {chars}, 0)"
    return (
        f"replace(replace(substr(d.text, {start} + 1, b.char_end - {start} + {chars}), "
        "chr(13), ' '), chr(10), ' ')"
    )


def budget_context_sql(settings: SqlSettings = SQL) -> str:
    """The ``budget_context`` view: each budgets row with its document, project and source."""
    return f"""
create view {BUDGET_CONTEXT} as
select b.doc_id, d.department, d.title, p.name as project, b.fiscal_year as year,
       b.period_start_year, b.period_end_year, b.category, b.item, b.amount_krw, b.amount_text,
       (not b.is_total and b.same_as_budget_id is null) as distinct_money,
       b.is_total, b.same_as_budget_id, b.flow, b.stage, b.page,
       {_context_sql(settings.context_chars)} as context,
       b.budget_id, b.char_start, b.char_end
from budgets b
join documents d on d.doc_id = b.doc_id
left join projects p on p.doc_id = b.doc_id and p.project_id = b.project_id
"""


def connect(
    out_dir: Path | str, settings: SqlSettings = SQL
) -> tuple[duckdb.DuckDBPyConnection, Snapshot]:
    """An in-memory DuckDB connection with the views over ``out_dir``'s committed snapshot."""
    import duckdb

    snapshot = committed_snapshot(out_dir)
    con = duckdb.connect(":memory:")
    for table, parts in snapshot.parts.items():
        if parts:
            files = ", ".join(_literal(str(p)) for p in parts)
            con.execute(f"create view {table} as select * from read_parquet([{files}])")
        else:  # every committed table has a part; an older or damaged one may not
            cols = ", ".join(
                f"cast(null as {_duck_type(f.type)}) as {f.name}" for f in SCHEMAS[table]
            )
            con.execute(f"create view {table} as select {cols} where false")
    con.execute(budget_context_sql(settings))
    return con, snapshot


def _duck_type(t: Any) -> str:
    import pyarrow as pa

    if pa.types.is_list(t):
        return _duck_type(t.value_type) + "[]"
    names = {
        pa.string(): "varchar",
        pa.bool_(): "boolean",
        pa.int16(): "smallint",
        pa.int32(): "integer",
        pa.int64(): "bigint",
        pa.float64(): "double",
        pa.date32(): "date",
    }
    return names.get(t, "timestamptz" if pa.types.is_timestamp(t) else "varchar")


# ── statements and results ───────────────────────────────────────────────────


@dataclass
class Result:
    """One statement's outcome: its columns and rows, or only a confirmation."""

    statement: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    more: bool = False  # rows beyond those fetched exist
    quiet: bool = False


def split_statements(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str]]:
    """``(type, text)`` of each statement of ``sql``, in order (DuckDB's own parser)."""
    return [(s.type.name, s.query.strip()) for s in con.extract_statements(sql)]


def run_statements(
    con: duckdb.DuckDBPyConnection, sql: str, settings: SqlSettings = SQL
) -> Iterator[Result]:
    """Run each statement of ``sql``; yield its result (at most ``max_rows_shown`` rows)."""
    for kind, text in split_statements(con, sql):
        cur = con.execute(text)
        if kind in _QUIET or cur.description is None:
            yield Result(text, [], [], quiet=True)
            continue
        columns = [d[0] for d in cur.description]
        rows = cur.fetchmany(settings.max_rows_shown + 1)
        more = len(rows) > settings.max_rows_shown
        yield Result(text, columns, rows[: settings.max_rows_shown], more=more)


def export(con: duckdb.DuckDBPyConnection, sql: str, out: Path, fmt: str) -> int:
    """Run ``sql``'s statements; write the last one's full result to ``out`` as ``fmt``
    (``csv`` with a header, or ``parquet``); the number of rows written."""
    statements = split_statements(con, sql)
    if not statements:
        raise ValueError("there is no statement to export")
    *before, (_, last) = statements
    for _, text in before:
        con.execute(text)
    options = "format csv, header true" if fmt == "csv" else "format parquet, compression zstd"
    query = last.rstrip().rstrip(";")
    row = con.execute(f"copy ({query}) to {_literal(str(out))} ({options})").fetchone()
    return int(row[0]) if row else 0


def _cell(v: Any, max_chars: int) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int) and abs(v) >= 10_000:
        s = f"{v:,}"
    elif isinstance(v, float | Decimal):
        s = f"{v:,}" if abs(float(v)) >= 10_000 else str(v)
    elif isinstance(v, dt.datetime | dt.date):
        s = v.isoformat()
    else:
        s = str(v)
    s = s.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return s if len(s) <= max_chars else s[: max_chars - 1] + "…"


def _numeric(v: Any) -> bool:
    return isinstance(v, int | float | Decimal) and not isinstance(v, bool)


def render(result: Result, settings: SqlSettings = SQL) -> list[str]:
    """A result as aligned text lines (Korean counts two columns), psql-like."""
    if result.quiet:
        return ["ok"]
    from rich.cells import cell_len

    cells = [[_cell(v, settings.max_cell_chars) for v in row] for row in result.rows]
    widths = [cell_len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, row, strict=True)]
    right = [
        any(_numeric(r[i]) for r in result.rows)
        and all(r[i] is None or _numeric(r[i]) for r in result.rows)
        for i in range(len(result.columns))
    ]

    def line(values: list[str]) -> str:
        padded = []
        for v, w, r in zip(values, widths, right, strict=True):
            pad = " " * (w - cell_len(v))
            padded.append(pad + v if r else v + pad)
        return " " + " | ".join(padded).rstrip()

    out = [line(list(result.columns)), "-" + "-+-".join("-" * w for w in widths) + "-"]
    out += [line(row) for row in cells]
    n = len(result.rows)
    if result.more:
        out.append(f"({n} rows shown; there are more: add a limit, or export with --csv)")
    else:
        out.append(f"({_rows(n)})")
    return out


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


# ── the shell ────────────────────────────────────────────────────────────────

SHELL_HELP = """statements end with ';' and may span lines; dot commands:
  .tables          the views and their rows
  .schema VIEW     a view's columns and types
  .help            this help
  .quit            leave (or Ctrl-D)"""


def dot_command(con: duckdb.DuckDBPyConnection, line: str) -> list[str] | None:
    """Lines to print for a dot command; ``None`` for ``.quit``."""
    word, _, arg = line.strip().partition(" ")
    if word in (".quit", ".exit", ".q"):
        return None
    if word == ".tables":
        names = [*SCHEMAS, BUDGET_CONTEXT]
        counts = [con.execute(f"select count(*) from {n}").fetchone() for n in names]
        return [f"{n}  ({_rows(c[0] if c else 0)})" for n, c in zip(names, counts, strict=True)]
    if word == ".schema" and arg.strip():
        rows = con.execute(f"describe {arg.strip()}").fetchall()
        return [f"{r[0]}  {r[1]}" for r in rows]
    return SHELL_HELP.splitlines()


def read_statements(
    lines: Iterable[str], on_dot: Callable[[str], bool], pending: list[str] | None = None
) -> Iterator[str]:
    """Group input lines into SQL chunks, each ending with ';' at the end of a line (or at the
    end of the input). A dot command at the start of a chunk goes to ``on_dot``; when it
    returns False the input ends. A ';' inside an unfinished string literal does not end it.
    ``pending`` (if given) holds the lines read of the unfinished chunk (the shell's prompt)."""
    import duckdb

    buf: list[str] = [] if pending is None else pending
    for raw in lines:
        line = raw.rstrip("\n")
        if not buf and line.lstrip().startswith("."):
            if not on_dot(line.strip()):
                return
            continue
        if not buf and not line.strip():
            continue
        buf.append(line)
        if line.rstrip().endswith(";"):
            text = "\n".join(buf)
            try:
                duckdb.extract_statements(text)
            except duckdb.ParserException as exc:
                if "unterminated" in str(exc):
                    continue  # the ';' is inside a string: read on
            buf.clear()
            yield text
    if any(s.strip() for s in buf):
        text = "\n".join(buf)
        buf.clear()
        yield text


def shell(
    con: duckdb.DuckDBPyConnection,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    settings: SqlSettings = SQL,
) -> int:
    """The interactive loop (a prompt on a terminal, none when piped): statements are run as
    they end; an error is printed and the loop goes on. Returns how many statements failed."""
    import duckdb

    interactive = stdin.isatty()
    pending: list[str] = []
    failed = 0

    def lines() -> Iterator[str]:
        if not interactive:
            yield from stdin
            return
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (input() edits lines and keeps history once imported)
        while True:
            try:
                yield input("     ...> " if pending else "gyeoljae> ")
            except EOFError:
                print(file=stdout)
                return
            except KeyboardInterrupt:  # Ctrl-C drops the unfinished statement
                pending.clear()
                print(file=stdout)

    def on_dot(line: str) -> bool:
        try:
            out = dot_command(con, line)
        except duckdb.Error as exc:
            print(f"error: {exc}", file=stderr)
            return True
        if out is None:
            return False
        print("\n".join(out), file=stdout)
        return True

    for chunk in read_statements(lines(), on_dot, pending):
        try:
            for result in run_statements(con, chunk, settings):
                print("\n".join(render(result, settings)), file=stdout)
        except duckdb.Error as exc:
            failed += 1
            print(f"error: {exc}", file=stderr)
        stdout.flush()
    return failed


def budget_context_markdown() -> str:
    """The view's documentation as a markdown table (the README shows it; a test compares)."""
    lines = ["| column | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {meaning} |" for name, meaning in BUDGET_CONTEXT_COLUMNS]
    return "\n".join(lines)
