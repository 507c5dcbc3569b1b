"""`smi export`: the canonical tables as Parquet, as canonical CSV, or as an Excel workbook.

- **csv** writes smi's interchange format itself (docs/formats.md): `posts.csv` (each post
  with its latest metric snapshot and `observed_at`), `interactions.csv`, `audience.csv`,
  `effort.csv`. Importing them into a fresh workspace gives the same `smi status --json`
  (apart from the number of imports). Unknown fields kept in a row's `extra` become
  columns again, so they land back in `extra`.
  The text is kept exactly, so a cell may start with `=`, `+`, `-` or `@` (a comment by the
  public, say): a spreadsheet opening the file would read it as a formula. `for_spreadsheet`
  (`smi export csv --for-spreadsheet`) puts an apostrophe before such text cells, so a
  spreadsheet shows them as text; that file is for reading, not for importing back.
- **xlsx** writes the same four tables, one sheet each (times as ISO text, so the time zone
  stays explicit). Every text cell is written as text, never as a formula. Excel holds at
  most 1,048,576 rows a sheet: a larger table is refused.
- **parquet** writes every canonical table as it is stored, one file each (what Spark reads).

Tables stream through Arrow in batches: a large workspace is never whole in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from smi.canonical import AUDIENCE_NUMBERS
from smi.errors import SmiError
from smi.safety import is_formula
from smi.workspace import Workspace

FORMATS = ("parquet", "csv", "xlsx")

# What `parquet` writes: the canonical tables (and people, which metrics join to).
PARQUET_TABLES = ("accounts", "people", "posts", "post_metrics", "interactions", "audience_daily", "effort",
                  "imports", "import_spans")

METRICS = ("impressions", "reach", "views", "reactions", "comments", "shares", "saves", "clicks",
           "video_views", "watch_time_seconds")

# The interchange files' known columns, in the order written (docs/formats.md).
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": ("platform", "post_id", "account", "published_at", "kind", "format", "language", "text",
              "url", "in_reply_to", "labels", "hashtags", "mentions", "links", *METRICS, "observed_at"),
    "interactions": ("platform", "interaction_id", "kind", "post_id", "in_reply_to", "author",
                     "from_organisation", "created_at", "language", "text"),
    "audience": ("platform", "account", "date", *AUDIENCE_NUMBERS),
    "effort": ("person", "date", "minutes", "platform", "activity", "note"),
}

EXCEL_MAX_ROWS = 1_048_576  # rows in a sheet, the header included
EXCEL_MAX_CELL = 32_767  # characters in a cell
BATCH_ROWS = 100_000


@dataclass
class ExportResult:
    format: str
    out: Path
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{n:,} {t}" for t, n in self.rows.items())
        what = "table" if len(self.rows) == 1 else "tables"
        return f"exported {len(self.rows)} {what} ({parts}) to {self.out}"


def export(ws: Workspace, fmt: str, out: str | Path, *, for_spreadsheet: bool = False) -> ExportResult:
    """Export the workspace's canonical tables to the folder `out` (created if needed).
    `for_spreadsheet` (csv only): text cells a spreadsheet would run as a formula get a
    leading apostrophe."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise SmiError(f"'{fmt}' is not an export format", fix="use one of: " + ", ".join(FORMATS))
    out = Path(out).expanduser()
    if for_spreadsheet and fmt != "csv":
        raise SmiError("--for-spreadsheet is for csv only",
                       fix="leave it out: xlsx always writes text as text, parquet holds no formulas")
    if fmt == "xlsx":
        check_excel_limits(ws)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SmiError(f"cannot create {out}: {e.strerror}", fix="choose a folder you can write to") from None
    result = ExportResult(fmt, out)
    if fmt == "parquet":
        for table in PARQUET_TABLES:
            path = out / f"{table}.parquet"
            result.rows[table] = ws.store.export_parquet(table, path)
            result.files.append(path)
    elif fmt == "csv":
        formulas = 0
        for name in CSV_COLUMNS:
            path = out / f"{name}.csv"
            result.rows[name], n = _write_csv(ws, name, path, result.warnings, for_spreadsheet)
            formulas += n
            result.files.append(path)
        if formulas and for_spreadsheet:
            result.warnings.append(f"{formulas:,} text cell{'s' if formulas != 1 else ''} starting with = + - or @ "
                                   "got a leading apostrophe so a spreadsheet shows them as text; "
                                   "import the export made without --for-spreadsheet, not this one")
        elif formulas:
            result.warnings.append(f"{formulas:,} text cell{'s' if formulas != 1 else ''} start with = + - or @, "
                                   "which a spreadsheet may run as formulas: to open the files in a spreadsheet, "
                                   "export with --for-spreadsheet (or use xlsx)")
    else:
        path = out / "smi-export.xlsx"
        result.rows = _write_xlsx(ws, path, result.warnings)
        result.files.append(path)
    return result


# -- the interchange tables as Arrow batches ---------------------------------------------------


def _source(ws: Workspace, name: str) -> Any:  # -> ibis.Table
    """The store rows behind one interchange file (posts joined to their latest snapshot)."""
    from smi.metrics.tables import latest_metrics

    con = ws.store.ibis()
    if name == "posts":
        posts = con.table("posts")
        m = latest_metrics(con)
        j = posts.left_join(m, posts.post_key == m.post_key)
        t = j.select(*[posts[c] for c in posts.columns], *[j[c] for c in METRICS], j.observed_at)
        return t.order_by(["platform", "published_at", "native_id"])
    if name == "interactions":
        return con.table("interactions").order_by(["platform", "created_at", "native_id"])
    if name == "audience":
        return con.table("audience_daily").order_by(["platform", "account_id", "date"])
    return con.table("effort").order_by(["date", "person", "entry_key"])


def _row_count(ws: Workspace, name: str) -> int:
    table = {"audience": "audience_daily"}.get(name, name)
    return ws.store.rows(f'SELECT count(*) AS n FROM "{table}"')[0]["n"]


def _extra_keys(ws: Workspace, name: str) -> list[str]:
    """Every field name found in the table's `extra` JSON objects, sorted."""
    if name not in ("posts", "interactions"):
        return []
    rows = ws.store.rows(
        f"SELECT DISTINCT unnest(json_keys(extra)) AS k FROM {name} "
        "WHERE extra IS NOT NULL AND json_type(extra) = 'OBJECT' ORDER BY 1"
    )
    return [r["k"] for r in rows]


def _loads(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        obj = json.loads(text)
    except ValueError:
        return {}
    return obj if isinstance(obj, dict) else {}


def _extra_columns(name: str, keys: list[str], warnings: list[str]) -> dict[str, str]:
    """Field name -> CSV column. A field whose name the reader knows gets an `extra_` prefix."""
    taken = {c.lower() for c in CSV_COLUMNS[name]}
    out: dict[str, str] = {}
    renamed = []
    for k in keys:
        col = k
        norm = col.strip().lower().replace(" ", "_")
        while not norm or norm in taken:
            col = f"extra_{col}"
            norm = col.strip().lower().replace(" ", "_")
        if col != k:
            renamed.append(f"{k} → {col}")
        taken.add(norm)
        out[k] = col
    if renamed:
        warnings.append(f"{name}.csv: {len(renamed)} extra field{'s' if len(renamed) != 1 else ''} "
                        f"renamed so the importer does not read them as its own columns: {', '.join(renamed[:5])}")
    return out


def _iso(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    """UTC instants as ISO 8601 text with Z (microseconds only when there are any)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.timestamp("us", tz="UTC"))
    text = pc.strftime(arr, format="%Y-%m-%dT%H:%M:%SZ")
    return pc.replace_substring(text, ".000000Z", "Z")


def _joined(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A list column as `a; b; c` (an empty list is blank)."""
    text = pc.binary_join(arr, "; ")
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _after_platform(key: pa.ChunkedArray | pa.Array) -> pa.Array:
    """`platform:handle` -> `handle`, `platform:native_id` -> `native_id` (platform ids have no
    colon; the reader puts the platform back)."""
    return pc.replace_substring_regex(key, r"^[^:]*:", "", max_replacements=1)


def _bool_text(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pc.if_else(arr, pa.scalar("true"), pa.scalar("false"))


def _text(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string())


def _convert(name: str, batch: pa.RecordBatch, extra: dict[str, str]) -> pa.Table:
    """A batch of store rows -> the interchange file's columns."""
    c = batch.column
    cols: dict[str, pa.Array] = {}
    if name == "posts":
        cols = {
            "platform": c("platform"), "post_id": c("native_id"), "account": _after_platform(c("account_id")),
            "published_at": _iso(c("published_at")), "kind": c("kind"), "format": c("format"),
            "language": c("language"), "text": c("text"), "url": c("url"),
            "in_reply_to": c("in_reply_to"), "labels": _joined(c("labels")),
            "hashtags": _joined(c("hashtags")), "mentions": _joined(c("mentions")),
            "links": _joined(c("links")),
        }
        for m in METRICS:
            cols[m] = c(m)
        cols["observed_at"] = _iso(c("observed_at"))
    elif name == "interactions":
        cols = {
            "platform": c("platform"), "interaction_id": c("native_id"), "kind": c("kind"),
            "post_id": _after_platform(c("post_key")), "in_reply_to": c("in_reply_to"),
            "author": c("author"), "from_organisation": _bool_text(c("from_organisation")),
            "created_at": _iso(c("created_at")), "language": c("language"), "text": c("text"),
        }
    elif name == "audience":
        cols = {"platform": c("platform"), "account": _after_platform(c("account_id")), "date": _text(c("date"))}
        for m in AUDIENCE_NUMBERS:
            cols[m] = c(m)
    else:
        cols = {"person": c("person"), "date": _text(c("date")), "minutes": c("minutes"),
                "platform": c("platform"), "activity": c("activity"), "note": c("note")}
    if extra:
        values: dict[str, list[str | None]] = {k: [] for k in extra}
        for text in c("extra").to_pylist():
            obj = _loads(text)
            for k in extra:
                v = obj.get(k)
                values[k].append(v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        for k, col in extra.items():
            cols[col] = pa.array(values[k], pa.string())
    return pa.table(cols)


def _batches(ws: Workspace, name: str, warnings: list[str]) -> tuple[pa.Schema, Iterator[pa.Table]]:
    extra = _extra_columns(name, _extra_keys(ws, name), warnings)
    expr = _source(ws, name)
    if name in ("posts", "interactions"):
        expr = expr.mutate(extra=expr.extra.cast("string"))
    empty = _convert(name, _empty_batch(expr), extra)

    def gen() -> Iterator[pa.Table]:
        for batch in ws.store.batches(ibis.to_sql(expr, dialect="duckdb"), BATCH_ROWS):
            if batch.num_rows:
                yield _convert(name, batch, extra).cast(empty.schema)

    return empty.schema, gen()


def _empty_batch(expr: Any) -> pa.RecordBatch:
    schema = expr.schema().to_pyarrow()
    return pa.RecordBatch.from_arrays([pa.array([], f.type) for f in schema], schema=schema)


_FORMULA_START = "^[=+\\-@\t\r]"


def _neutralise(t: pa.Table, for_spreadsheet: bool) -> tuple[pa.Table, int]:
    """Count the text cells a spreadsheet would read as a formula; with `for_spreadsheet`,
    put an apostrophe before them. Returns (table, count)."""
    found = 0
    for i, f in enumerate(t.schema):
        if not pa.types.is_string(f.type):
            continue
        col = t.column(i)
        hit = pc.fill_null(pc.match_substring_regex(col, _FORMULA_START), False)
        n = pc.sum(hit).as_py() or 0
        if n:
            found += n
            if for_spreadsheet:
                t = t.set_column(i, f, pc.if_else(hit, pc.binary_join_element_wise("'", col, ""), col))
    return t, found


def _write_csv(ws: Workspace, name: str, path: Path, warnings: list[str],
               for_spreadsheet: bool = False) -> tuple[int, int]:
    """Write one interchange file; returns (rows, text cells that start like a formula)."""
    schema, batches = _batches(ws, name, warnings)
    n = formulas = 0
    with pacsv.CSVWriter(str(path), schema) as w:
        for t in batches:
            t, found = _neutralise(t, for_spreadsheet)
            formulas += found
            w.write_table(t)
            n += t.num_rows
    return n, formulas


# -- Excel -----------------------------------------------------------------------------------------


def check_excel_limits(ws: Workspace) -> None:
    """Refuse before writing anything if a table has more rows than an Excel sheet holds."""
    too_big = {name: n for name in CSV_COLUMNS if (n := _row_count(ws, name)) > EXCEL_MAX_ROWS - 1}
    if too_big:
        names = ", ".join(f"{t} ({n:,} rows)" for t, n in too_big.items())
        raise SmiError(
            f"Excel holds at most {EXCEL_MAX_ROWS - 1:,} rows a sheet; too many in {names}",
            fix="use `smi export csv` or `smi export parquet`, which have no row limit",
        )


def _write_xlsx(ws: Workspace, path: Path, warnings: list[str]) -> dict[str, int]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)
    rows: dict[str, int] = {}
    cut = cleaned = 0
    sheet: Any = None

    def cell(v: Any) -> Any:
        nonlocal cut, cleaned
        if isinstance(v, str):
            clean = ILLEGAL_CHARACTERS_RE.sub("", v)
            cleaned += clean != v
            if len(clean) > EXCEL_MAX_CELL:
                cut += 1
                clean = clean[:EXCEL_MAX_CELL]
            if is_formula(clean):  # openpyxl would write "=…" as a live formula: force text
                c = WriteOnlyCell(sheet, value=clean)
                c.data_type = "s"
                return c
            return clean
        return v

    for name in CSV_COLUMNS:
        sheet = wb.create_sheet(name)
        schema, batches = _batches(ws, name, warnings)
        sheet.append(schema.names)
        n = 0
        for t in batches:
            for row in zip(*(col.to_pylist() for col in t.columns), strict=True):
                sheet.append([cell(v) for v in row])
            n += t.num_rows
        rows[name] = n
    if cut:
        warnings.append(f"{cut:,} cells longer than Excel's {EXCEL_MAX_CELL:,} characters were cut "
                        "(`smi export csv` keeps them whole)")
    if cleaned:
        warnings.append(f"{cleaned:,} cells had control characters Excel cannot hold; they were removed")
    wb.save(str(path))
    return rows

