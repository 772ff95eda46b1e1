"""pyarrow schemas of the output tables: the one source the writer, the validator and the docs use.

Contract: ``../shared/spec/OUTPUT_SCHEMA.md`` (v2), documented in the repository by
``docs/tables.md``, which is generated from these schemas (``python -m schemas > docs/tables.md``)
and checked against them by the tests. A column here may be added, never renamed, retyped or
dropped without a new contract version (record it in ``CONTRACT_VERSION`` and the README's
changelog).
"""

from __future__ import annotations

import pyarrow as pa

CONTRACT_VERSION = "2"

_str = pa.string()
_ts = pa.timestamp("us", tz="UTC")


def _schema(table: str, fields: list[tuple[str, pa.DataType, bool, str]]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(name, typ, nullable=nullable, metadata={"doc": doc})
            for name, typ, nullable, doc in fields
        ],
        metadata={"table": table, "contract_version": CONTRACT_VERSION},
    )


DOCUMENTS = _schema(
    "documents",
    [
        (
            "doc_id",
            _str,
            False,
            "the 관리번호 where the document has one, else its path relative to the input root "
            "without the final suffix ('부서A/주요업무계획'); never shared by two files",
        ),
        ("source_path", _str, False, "path relative to the input root"),
        ("source_sha256", _str, False, "sha256 of the source bytes"),
        ("source_format", _str, False, "txt, md, html, pdf, hwpx"),
        ("doc_kind", _str, False, "approval, work_report, budget_program, ruling, other"),
        ("title", _str, True, "document title"),
        ("doc_number", _str, True, "문서번호"),
        ("approved_on", pa.date32(), True, "결재일자"),
        ("produced_on", pa.date32(), True, "생산일자"),
        ("disclosure", _str, True, "공개여부 / 공개구분 as written"),
        ("retention", _str, True, "보존기간"),
        ("policy_number", _str, True, "방침번호"),
        ("organization", _str, True, "기관명"),
        ("department", _str, True, "부서명"),
        ("author", _str, True, "작성자"),
        ("author_phone", _str, True, "작성자 전화번호"),
        ("classification", pa.list_(_str), True, "분류정보 path"),
        ("text", _str, False, "decoded, NFC-normalised text; all offsets index into it"),
        ("pipeline_version", _str, False, "version of the code that produced the row"),
        ("processed_at", _ts, False, "when the document was processed"),
        # extra columns (allowed by the contract): what originals (PDF, HWPX) add
        ("approval_line", pa.list_(_str), True, "결재선: '직위 이름' in signing order (HWPX)"),
        ("cooperation", pa.list_(_str), True, "협조: '직위 이름' (HWPX)"),
        ("page_count", pa.int32(), True, "pages of a PDF original"),
        ("warnings", pa.list_(_str), False, "what was left out and why, e.g. unreadable pages"),
    ],
)

SECTIONS = _schema(
    "sections",
    [
        ("doc_id", _str, False, ""),
        ("section_id", _str, False, "unique within the document, stable across re-runs"),
        ("parent_id", _str, True, "enclosing section"),
        ("depth", pa.int16(), False, "1 for top-level sections"),
        ("ordinal", pa.int32(), False, "position in reading order"),
        ("marker", _str, False, "marker as written: Ⅲ, 1., 가., ①, □, ○, -, ※, # …"),
        ("title", _str, False, "heading text, readable form"),
        ("char_start", pa.int32(), False, "span of the whole section, children included"),
        ("char_end", pa.int32(), False, ""),
        ("page", pa.int16(), True, "page of a PDF original the section starts on (v2)"),
    ],
)

TABLES = _schema(
    "tables",
    [
        ("doc_id", _str, False, ""),
        ("table_id", _str, False, ""),
        ("section_id", _str, True, "section that holds the table"),
        ("row", pa.int32(), False, "0-based grid row after spans are expanded"),
        ("col", pa.int32(), False, "0-based grid column after spans are expanded"),
        ("row_span", pa.int16(), False, ""),
        ("col_span", pa.int16(), False, ""),
        ("is_header", pa.bool_(), False, ""),
        ("text", _str, False, "cell text, conversion noise removed"),
        ("header_path", pa.list_(_str), False, "column headers above this cell, outermost first"),
        ("row_label", _str, True, "the row's label cell(s)"),
        ("unit", _str, True, "unit in force"),
        ("number", pa.float64(), True, "numeric value of the cell"),
        ("amount_krw", pa.int64(), True, "the cell as won, when the unit is money"),
        ("char_start", pa.int32(), False, ""),
        ("char_end", pa.int32(), False, ""),
        # extra columns (allowed by the contract): where a PDF original drew the cell
        ("page", pa.int32(), True, "1-based page of the PDF the cell is on"),
        ("bbox_x0", pa.float64(), True, "cell's left edge, PDF points from the page's left"),
        ("bbox_top", pa.float64(), True, "cell's top edge, PDF points from the page's top"),
        ("bbox_x1", pa.float64(), True, "cell's right edge"),
        ("bbox_bottom", pa.float64(), True, "cell's bottom edge"),
    ],
)

PROJECTS = _schema(
    "projects",
    [
        ("doc_id", _str, False, ""),
        ("project_id", _str, False, ""),
        ("parent_project_id", _str, True, ""),
        ("name", _str, False, ""),
        ("section_id", _str, True, ""),
        ("department", _str, True, ""),
        ("period_start", pa.date32(), True, ""),
        ("period_end", pa.date32(), True, ""),
        ("total_budget_krw", pa.int64(), True, "총사업비 / 소요예산 if stated"),
        ("char_start", pa.int32(), False, "span of the name"),
        ("char_end", pa.int32(), False, ""),
        ("page", pa.int16(), True, "page of a PDF original the name is on (v2)"),
    ],
)

BUDGETS = _schema(
    "budgets",
    [
        ("doc_id", _str, False, ""),
        ("budget_id", _str, False, ""),
        ("project_id", _str, True, ""),
        ("section_id", _str, True, ""),
        ("table_id", _str, True, "set when the amount is a table cell"),
        ("fiscal_year", pa.int16(), True, ""),
        ("category", _str, True, "회계/과목/비목"),
        ("item", _str, False, "what the money is for"),
        ("amount_krw", pa.int64(), False, ""),
        ("amount_text", _str, False, "as written"),
        ("unit", _str, False, "원, 천원, 만원, 백만원, 억원, 조원"),
        ("basis", _str, True, "산출근거 as written"),
        ("basis_amount_krw", pa.int64(), True, "the basis evaluated"),
        ("basis_ok", pa.bool_(), True, "basis_amount_krw == amount_krw"),
        ("char_start", pa.int32(), False, "span of amount_text"),
        ("char_end", pa.int32(), False, ""),
        # v2: where the amount sits in the document's tree of money
        (
            "parent_budget_id",
            _str,
            True,
            "the row this amount is a part of: its 계 / 합계 / 소계 row, the prose total a "
            "breakdown follows, the 과목 row of the 총괄 table its 산출근거 lines make up (v2)",
        ),
        ("is_total", pa.bool_(), False, "stated as the sum of other rows the document shows (v2)"),
        (
            "same_as_budget_id",
            _str,
            True,
            "the earlier row this amount restates: same money, same year, same item (v2)",
        ),
        ("flow", _str, True, "expenditure (세출, 사업비, 지출 …) or revenue (세입, 수입 …) (v2)"),
        (
            "stage",
            _str,
            True,
            "request (요구), budget (예산, 본예산), supplementary (추경), settlement (결산, "
            "집행액), plan (계획, 소요예산, 총사업비) (v2)",
        ),
        (
            "period_start_year",
            pa.int16(),
            True,
            "first year of an amount covering several years; fiscal_year is then null (v2)",
        ),
        ("period_end_year", pa.int16(), True, "last year of that period (v2)"),
        ("page", pa.int16(), True, "page of a PDF original the amount is on (v2)"),
    ],
)

SCHEDULES = _schema(
    "schedules",
    [
        ("doc_id", _str, False, ""),
        ("schedule_id", _str, False, ""),
        ("project_id", _str, True, ""),
        ("section_id", _str, True, ""),
        ("task", _str, False, "what happens"),
        ("start_date", pa.date32(), True, ""),
        ("end_date", pa.date32(), True, "null for open-ended"),
        ("precision", _str, False, "day, month, quarter, half, year"),
        ("recurrence", _str, True, "monthly, bimonthly, quarterly, yearly, ongoing, as_needed"),
        ("when_text", _str, False, "as written"),
        ("char_start", pa.int32(), False, "span of when_text"),
        ("char_end", pa.int32(), False, ""),
        ("page", pa.int16(), True, "page of a PDF original the date is on (v2)"),
    ],
)

ERRORS = _schema(
    "errors",
    [
        ("run_id", _str, False, "run that recorded the failure"),
        ("source_path", _str, False, "path relative to the input root"),
        ("source_sha256", _str, True, "null when the bytes could not be read"),
        ("stage", _str, False, "read, decode, metadata, segment, tables, extract, identify"),
        ("error_type", _str, False, ""),
        ("message", _str, False, "what went wrong, for a person"),
        ("at", _ts, False, ""),
    ],
)

RUNS = _schema(
    "runs",
    [
        ("run_id", _str, False, ""),
        ("mode", _str, False, "nightly, single, manual"),
        ("started_at", _ts, False, ""),
        ("finished_at", _ts, False, ""),
        ("pipeline_version", _str, False, ""),
        ("docs_seen", pa.int32(), False, ""),
        ("docs_processed", pa.int32(), False, ""),
        ("docs_unchanged", pa.int32(), False, ""),
        ("docs_failed", pa.int32(), False, ""),
        (
            "docs_skipped",
            pa.int32(),
            False,
            "files under the input root that are not documents (unsupported formats, "
            "excluded names), reported and not processed (v2)",
        ),
    ],
)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "sections": SECTIONS,
    "tables": TABLES,
    "projects": PROJECTS,
    "budgets": BUDGETS,
    "schedules": SCHEDULES,
    "errors": ERRORS,
    "runs": RUNS,
}

# Tables whose rows belong to one document and are replaced when it is re-processed.
PER_DOCUMENT_TABLES = ("documents", "sections", "tables", "projects", "budgets", "schedules")


def _type_name(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return f"list<{_type_name(t.value_type)}>"
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit}, {t.tz}]" if t.tz else f"timestamp[{t.unit}]"
    return {"bool": "bool", "double": "float64", "date32[day]": "date32"}.get(str(t), str(t))


def render_markdown() -> str:
    """The tables' documentation (``docs/tables.md``), written from these schemas."""
    out = [
        f"# Output tables — contract v{CONTRACT_VERSION}",
        "",
        "Generated from `schemas/` by `python -m schemas > docs/tables.md`; a test checks that",
        "this file and the schemas agree. Every table is a folder of Parquet files under the",
        "output root (`data/processed/<table>/`); every extracted row's `char_start`/`char_end`",
        "index `documents.text`. Columns marked (v2) were added by contract v2.",
    ]
    for name, schema in SCHEMAS.items():
        out += ["", f"## {name}", "", "| column | type | null | meaning |", "|---|---|---|---|"]
        for f in schema:
            doc = (f.metadata or {}).get(b"doc", b"").decode()
            null = "yes" if f.nullable else "no"
            out.append(f"| {f.name} | {_type_name(f.type)} | {null} | {doc.replace('|', '/')} |")
    return "\n".join(out) + "\n"
