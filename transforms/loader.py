"""Land one source's files for one day into the raw schema: read, type, check, split valid rows
from quarantined ones, and record every file in raw.file_manifest — all in one transaction, so a
crash loses nothing and a re-run of the day replaces exactly that day."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transforms.contracts import Table, load_contracts
from transforms.errors import ContractError
from transforms.landing import discover
from transforms.pii import register_udfs
from transforms.readers import (FastPathUnavailable, iter_jsonl_lines, jsonl_lines_sql, read_tabular,
                                stage_csv_duckdb)
from transforms.rules import checked_select, lit, q, scrub_sql
from transforms.settings import duckdb_memory_limit

log = logging.getLogger("wudu.loader")
# CSV and JSONL through DuckDB's parallel readers (off: the Python readers only; tests compare the two)
FAST_READERS = os.environ.get("WUDU_FAST_READERS", "1") != "0"

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS raw.quarantine (
  source VARCHAR, table_name VARCHAR, partition_day DATE, source_file VARCHAR, row_number BIGINT,
  rule VARCHAR, column_name VARCHAR, offending_value VARCHAR, failed_rules VARCHAR, row_data VARCHAR,
  quarantined_at TIMESTAMP, scope VARCHAR, sheet VARCHAR)"""
# scope 'row': the record is in quarantine, not in raw (counted by reconciliation);
# scope 'field': the record is in raw with this one optional value nulled (a finding, not counted).
QUARANTINE_COLUMNS = ("source, table_name, partition_day, source_file, row_number, rule, column_name, offending_value, "
                      "failed_rules, row_data, quarantined_at, scope, sheet")
MANIFEST_DDL = """
CREATE TABLE IF NOT EXISTS raw.file_manifest (
  source VARCHAR, partition_day DATE, table_name VARCHAR, path VARCHAR, sha256 VARCHAR, bytes BIGINT,
  rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, status VARCHAR, error VARCHAR,
  loaded_at TIMESTAMP)"""


@dataclass
class FileResult:
    table: str | None  # None: a file no table recognises
    path: str
    sha256: str
    bytes: int
    status: str  # loaded | duplicate | rejected | not_recognised | companion
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    seconds: float = 0.0
    fields_flagged: int = 0  # optional values nulled (scope 'field' findings), rows still loaded
    mtime: float = 0.0


@dataclass
class LoadReport:
    source: str
    day: str
    files: list[FileResult] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    # tables whose earlier rows for the day were kept, not replaced: table -> (reason, rows kept)
    kept: dict[str, tuple[str, int]] = field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        ok = [f for f in self.files if f.status == "loaded"]
        return {
            "files": len(self.files),
            "rows_read": sum(f.rows_read for f in ok),
            "rows_loaded": sum(f.rows_loaded for f in ok),
            "rows_quarantined": sum(f.rows_quarantined for f in ok),
            "files_rejected": sum(f.status == "rejected" for f in self.files),
            "files_duplicate": sum(f.status == "duplicate" for f in self.files),
            "files_not_recognised": sum(f.status == "not_recognised" for f in self.files),
            "fields_flagged": sum(f.fields_flagged for f in ok),
        }

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "rejected"]

    @property
    def not_recognised(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "not_recognised"]


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for source in load_contracts().values():
        for table in source.tables.values():
            con.execute(table.ddl())
    con.execute(QUARANTINE_DDL)
    for col in ("scope", "sheet"):  # warehouses built before field-level findings
        con.execute(f"ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS {col} VARCHAR")
    con.execute(MANIFEST_DDL)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _iso_duration_seconds(expr: str) -> str:
    """An ISO 8601 duration (xAPI `result.duration`, e.g. PT1M30.5S) as seconds text; other text is
    kept as it is (the type rule then quarantines it). One regex pass per value: regexp_extract with
    a list of group names returns every group at once (all empty when nothing matched, and for the
    bare 'P' / 'PT', which are not durations either), bound once through a one-element list."""
    pat = r"^P(?:([0-9.]+)D)?(?:T(?:([0-9.]+)H)?(?:([0-9.]+)M)?(?:([0-9.]+)S)?)?$"
    parts = [f"coalesce(TRY_CAST(nullif(g.{n}, '') AS DOUBLE), 0) * {m}"
             for n, m in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))]
    return (f"CASE WHEN {expr} IS NULL THEN NULL ELSE list_transform([regexp_extract({expr}, '{pat}', "
            f"['d', 'h', 'm', 's'])], lambda g: CASE WHEN g.d || g.h || g.m || g.s = '' THEN {expr} "
            f"ELSE ({' + '.join(parts)})::VARCHAR END)[1] END")


def _stage_jsonl(con, path: Path, table: Table) -> int:
    """Stream a JSONL file into the text stage without holding it in memory. Each line is parsed
    once: json_extract_string with a list of paths returns every column in one pass."""
    paths = "[" + ", ".join(lit(c.json_path) for c in table.columns) + "]"
    cols = []
    for i, c in enumerate(table.columns, start=1):
        e = f"v[{i}]"
        if c.name in ("verb", "object_type"):
            e = f"regexp_extract({e}, '([^/#]+)$', 1)"
        elif c.name == "duration_seconds":
            e = _iso_duration_seconds(e)
        cols.append(f"{e} AS {q(c.name)}")
    select = (f"SELECT _row_number, {', '.join(cols)}, NULL AS _extra, "
              f"CASE WHEN v IS NULL THEN 'invalid JSON' END AS _parse_error, NULL AS _sheet, NULL AS _cell_rules "
              f"FROM (SELECT _row_number, CASE WHEN json_valid(line) THEN json_extract_string(line, {paths}) END AS v "
              f"FROM {{lines}} WHERE trim(line) <> '')")
    if FAST_READERS:
        try:  # DuckDB's parallel reader; the Python line batches below stay the reference
            con.execute("INSERT INTO _stage " + select.format(lines=jsonl_lines_sql(path, path.name)))
            return con.execute("SELECT count(*) FROM _stage").fetchone()[0]
        except (FastPathUnavailable, duckdb.Error) as exc:
            log.info("%s: read line by line in Python (%s)", path.name, str(exc).splitlines()[0])
            con.execute("DELETE FROM _stage")
    n = 0
    for batch in iter_jsonl_lines(path):
        con.register("_jsonl_batch", batch)
        con.execute("INSERT INTO _stage " + select.format(lines="_jsonl_batch"))
        con.unregister("_jsonl_batch")
        n += batch.num_rows
        log.info("%s: staged %d lines", path.name, n)
    return con.execute("SELECT count(*) FROM _stage").fetchone()[0]


def _create_stage(con, table: Table) -> None:
    cols = ", ".join(f"{q(c.name)} VARCHAR" for c in table.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stage (_row_number BIGINT, {cols}, _extra VARCHAR, _parse_error VARCHAR, "
                f"_sheet VARCHAR, _cell_rules VARCHAR)")


def _stage_file(con, path: Path, display: str, table: Table) -> int:
    _create_stage(con, table)
    if table.format == "jsonl":
        return _stage_jsonl(con, path, table)
    if FAST_READERS and path.name.lower().endswith(".csv"):
        try:
            return stage_csv_duckdb(con, path, table, display, "_stage")
        except (FastPathUnavailable, duckdb.Error) as exc:
            log.info("%s: read with the Python reader (%s)", display, str(exc).splitlines()[0])
            con.execute("DELETE FROM _stage")
    df = read_tabular(path, table, display)
    df["_parse_error"] = None
    con.register("_tabular", df)
    names = ", ".join(["_row_number", *[q(c.name) for c in table.columns], "_extra", "_parse_error", "_sheet", "_cell_rules"])
    con.execute(f"INSERT INTO _stage ({names}) SELECT {names} FROM _tabular")
    con.unregister("_tabular")
    return len(df)


def _ref_tables(con, table: Table, day: str) -> dict[str, str]:
    """Ids of the latest roster snapshot on or before the day, one temp table per reference."""
    refs = {}
    for c in table.columns:
        if not c.references or c.references in refs:
            continue
        src, tbl, col = c.references.split(".")
        name = f"_ref__{src}__{tbl}__{col}"
        raw = f"raw.{src}__{tbl}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT DISTINCT {q(col)} AS id FROM {raw} "
            f"WHERE _partition_day = (SELECT max(_partition_day) FROM {raw} WHERE _partition_day <= DATE {lit(day)})"
        )
        refs[c.references] = name
    return refs


def _prepare(con, table: Table, source: str, day: str, display: str, refs: dict[str, str], k: int) -> tuple[int, int]:
    """Type and check the staged file into temp tables `_checked_k` (every row, typed, with its
    failures) and `_quarantine_k` (failing rows as quarantine records); the clear-text stage is
    dropped right after. Runs outside the day's transaction so DuckDB can spill to disk."""
    select = checked_select(table, "_stage", day, refs)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _checked_{k} AS {select}")
    if not con.execute(f"SELECT count(*) FROM _checked_{k} WHERE len(_failures) > 0 OR len(_field_findings) > 0"
                       ).fetchone()[0]:
        # nothing to quarantine: the statement below, with a masked expression per column, costs
        # ≈ 50–90 ms even when it selects no row — most of a small file's landing (docs/benchmarks.md)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _quarantine_{k} AS SELECT * FROM raw.quarantine LIMIT 0")
        return _finish_prepare(con, table, display, refs, k)
    # what a quarantine row may show: personal columns masked, other text scrubbed of IDs/phones
    masked = {c.name: (f"'<' || {lit(c.pii)} || ':' || length(s.{q(c.name)}) || ' chars>'" if c.pii
                       else scrub_sql(f"s.{q(c.name)}")) for c in table.columns}
    offending = "CASE split_part(x.finding, ':', 2) " + " ".join(
        f"WHEN {lit(n)} THEN {e}" for n, e in masked.items()
    ) + f" WHEN {lit(','.join(table.key))} THEN concat_ws('|', {', '.join('s.' + q(k) for k in table.key)}) " \
        f"WHEN '_record' THEN s._parse_error END"
    row_json = "json_object(" + ", ".join(f"{lit(n)}, {e}" for n, e in masked.items()) + ")"
    # row-level: the row's first failure (all its findings listed); field-level: one row per
    # nulled value of a row that is otherwise loaded
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _quarantine_{k} AS SELECT {lit(source)} AS source, {lit(table.name)} AS table_name, "
        f"DATE {lit(day)} AS partition_day, {lit(display)} AS source_file, x._row_number AS row_number, "
        f"split_part(x.finding, ':', 1) AS rule, split_part(x.finding, ':', 2) AS column_name, "
        f"{offending} AS offending_value, x.failed_rules, {row_json} AS row_data, NULL::TIMESTAMP AS quarantined_at, "
        f"x.scope, s._sheet AS sheet FROM ("
        f"SELECT _row_number, _failures[1] AS finding, 'row' AS scope, "
        f"array_to_string(list_concat(_failures, _field_findings), ',') AS failed_rules FROM _checked_{k} WHERE len(_failures) > 0 "
        f"UNION ALL SELECT _row_number, unnest(_field_findings) AS finding, 'field' AS scope, "
        f"array_to_string(_field_findings, ',') AS failed_rules FROM _checked_{k} "
        f"WHERE len(_failures) = 0 AND len(_field_findings) > 0"
        f") x JOIN _stage s USING (_row_number)"
    )
    return _finish_prepare(con, table, display, refs, k)


def _finish_prepare(con, table: Table, display: str, refs: dict[str, str], k: int) -> tuple[int, int]:
    """The end of `_prepare`, quarantine or none: drop the stage, count, keep the GX batch."""
    con.execute("DROP TABLE _stage")
    loaded, quarantined = _counts(con, k)
    # keep the typed batch (valid and quarantined rows alike) for the GX suite of this table
    batch = f"_gx_batch__{table.name}"
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [batch]
    ).fetchone()[0]
    flags = "".join(
        f", CASE WHEN {q(c.name)} IS NULL THEN NULL ELSE {q(c.name)} IN (SELECT id FROM {refs[c.references]}) END "
        f"AS {q(c.name + '__in_roster')}"
        for c in table.columns if c.references in refs
    )
    stored = ", ".join(q(c.stored_name) for c in table.columns)
    cols = f"{stored}{flags}, _row_number, {lit(display)} AS _source_file, len(_failures) > 0 AS _quarantined"
    if exists:
        con.execute(f"INSERT INTO {batch} SELECT {cols} FROM _checked_{k}")
    else:
        con.execute(f"CREATE TEMP TABLE {batch} AS SELECT {cols} FROM _checked_{k}")
    return loaded, quarantined


def _counts(con, k: int) -> tuple[int, int]:
    return con.execute(
        f"SELECT count(*) FILTER (WHERE len(_failures) = 0), count(*) FILTER (WHERE len(_failures) > 0) FROM _checked_{k}"
    ).fetchone()


def _resolve_cross_file_duplicates(con, table: Table, source: str, day: str, entries: list[tuple[FileResult, int]]) -> None:
    """Two files of one source-day holding the same natural key (two exports of the same records
    under different names): the latest file (modification time, then name) wins; the key's rows
    in earlier files are quarantined as duplicate_key, so raw never counts a record twice."""
    if len(entries) < 2:
        return
    entries = sorted(entries, key=lambda e: (e[0].mtime, e[0].path))
    key = "concat_ws(chr(31), " + ", ".join(f"{q(c)}::VARCHAR" for c in table.key) + ")"
    tag = "duplicate_key:" + ",".join(table.key)
    for i, (res, k) in enumerate(entries[:-1]):
        later = " UNION ".join(f"SELECT {key} AS k FROM _checked_{kk} WHERE len(_failures) = 0" for _, kk in entries[i + 1:])
        cond = f"len(_failures) = 0 AND {key} IN ({later})"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _dups AS SELECT _row_number FROM _checked_{k} WHERE {cond}")
        n = con.execute("SELECT count(*) FROM _dups").fetchone()[0]
        if not n:
            continue
        keep = ", ".join(r.path for r, _ in entries[i + 1:])
        con.execute(f"DELETE FROM _quarantine_{k} WHERE scope = 'field' AND row_number IN (SELECT _row_number FROM _dups)")
        con.execute(
            f"INSERT INTO _quarantine_{k} SELECT {lit(source)}, {lit(table.name)}, DATE {lit(day)}, {lit(res.path)}, "
            f"_row_number, 'duplicate_key', {lit(','.join(table.key))}, replace({key}, chr(31), '|'), {lit(tag)}, "
            f"json_object('kept_from_later_file', {lit(keep)}), NULL::TIMESTAMP, 'row', _sheet "
            f"FROM _checked_{k} WHERE _row_number IN (SELECT _row_number FROM _dups)")
        con.execute(f"UPDATE _checked_{k} SET _failures = [{lit(tag)}] WHERE _row_number IN (SELECT _row_number FROM _dups)")
        res.rows_loaded, res.rows_quarantined = _counts(con, k)
        res.fields_flagged = _fields_flagged(con, k)
        log.warning("%s: %d record(s) also in a later file of the day (%s): quarantined as duplicate_key",
                    res.path, n, keep)
    con.execute("DROP TABLE IF EXISTS _dups")


def _fields_flagged(con, k: int) -> int:
    return con.execute(f"SELECT count(*) FROM _quarantine_{k} WHERE scope = 'field'").fetchone()[0]


def _commit_file(con, table: Table, day: str, display: str, k: int) -> None:
    stored = ", ".join(q(c.stored_name) for c in table.columns)
    # an optional value with a field-level finding is nulled; the record itself is loaded
    nulled = ", ".join(
        f"CASE WHEN list_contains(list_transform(_field_findings, lambda f: split_part(f, ':', 2)), {lit(c.name)}) "
        f"THEN NULL ELSE {q(c.stored_name)} END" for c in table.columns)
    extra = "CASE WHEN _sheet IS NULL THEN _extra ELSE json_merge_patch(coalesce(_extra, '{}'), json_object('_sheet', _sheet))::VARCHAR END"
    con.execute(
        f"INSERT INTO {table.raw_table} ({stored}, _partition_day, _source_file, _row_number, _extra, _loaded_at) "
        f"SELECT {nulled}, DATE {lit(day)}, {lit(display)}, _row_number, {extra}, now()::TIMESTAMP "
        f"FROM _checked_{k} WHERE len(_failures) = 0"
    )
    con.execute(f"INSERT INTO raw.quarantine ({QUARANTINE_COLUMNS}) SELECT * REPLACE (now()::TIMESTAMP AS quarantined_at) "
                f"FROM _quarantine_{k}")


def _rows_held(con, table: Table, day: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table.raw_table} WHERE _partition_day = DATE {lit(day)}").fetchone()[0]


def _tables_to_keep(con, tables: dict[str, Table], source: str, day: str, report: LoadReport,
                    clear_missing: bool) -> dict[str, tuple[str, int]]:
    """A day is replaced only by a complete delivery. A source with no file at all for a day it
    already holds (folder moved, pruned, not yet synced) keeps the day, unless the operator asked to
    clear it; a table with a rejected file keeps its earlier rows (a bad file never deletes data)."""
    held = {t.name: _rows_held(con, t, day) for t in tables.values()}
    held_files = con.execute("SELECT count(*) FROM raw.file_manifest WHERE source = ? AND partition_day = ?",
                             [source, day]).fetchone()[0]
    # files no table recognises (e.g. strays in landing/<source>/, listed for every day) are no delivery
    if not any(f.table for f in report.files) and held_files and not clear_missing:
        return {name: ("no file delivered for a day already loaded", n) for name, n in held.items()}
    rejected = {f.table for f in report.files if f.status == "rejected"}
    return {name: ("a file was rejected", held[name]) for name in rejected if held[name]}


def load_source_day(con: duckdb.DuckDBPyConnection, landing: Path, source: str, day: str,
                    clear_missing: bool = False) -> LoadReport:
    """Load every file of one source and day. Idempotent: the day's earlier rows, quarantine and
    manifest entries are replaced in one transaction; everything before it works in temp tables.
    Every file found for the day is in the manifest: loaded, duplicate, rejected, not_recognised,
    companion or held_back. Earlier rows are kept, not replaced, when the delivery is incomplete
    (see `_tables_to_keep`)."""
    tables = load_contracts()[source].tables
    report = LoadReport(source, day)
    ensure_raw_schema(con)
    register_udfs(con)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    # bounded memory for multi-GB platform streams: DuckDB spills work tables to disk beyond this
    con.execute(f"SET memory_limit = '{duckdb_memory_limit()}'")
    con.execute("SET preserve_insertion_order = false")
    for t in tables.values():
        con.execute(f"DROP TABLE IF EXISTS _gx_batch__{t.name}")
    prepared: list[tuple[Table, FileResult, int]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="wudu-unpack-") as unpack:
            found = discover(landing, source, day, Path(unpack))
            for lf in found:
                if lf.table is None:
                    st = lf.path.stat()
                    status = "companion" if lf.companion else "not_recognised"
                    report.files.append(FileResult(None, lf.display, sha256_of(lf.path), st.st_size, status,
                                                   error=lf.reason))
                    if not lf.companion:
                        log.error("not recognised: %s — %s", lf.display, lf.reason)
            for table in tables.values():
                files = [lf for lf in found if lf.table == table.name]
                if not files:
                    report.missing_tables.append(table.name)
                refs = _ref_tables(con, table, day)
                mine = []
                for lf in files:
                    k = len(report.files)
                    res = _load_file(con, table, source, day, lf.path, lf.display, refs, k, report.files)
                    report.files.append(res)
                    if res.status == "loaded":
                        prepared.append((table, res, k))
                        mine.append((res, k))
                _resolve_cross_file_duplicates(con, table, source, day, mine)
        report.kept = _tables_to_keep(con, tables, source, day, report, clear_missing)
        for name, (reason, n) in report.kept.items():
            log.warning("%s %s %s: %d earlier rows kept (%s)", source, day, name, n, reason)
        for f in report.files:
            if f.table in report.kept and f.status == "loaded":
                f.status, f.error = "held_back", "not loaded: another file of this table was rejected; the day's earlier rows are kept"
        con.execute("BEGIN TRANSACTION")
        try:
            for t in tables.values():
                if t.name in report.kept:  # only the new delivery's failure records are replaced
                    con.execute("DELETE FROM raw.file_manifest WHERE source = ? AND partition_day = ? AND table_name = ? "
                                "AND status NOT IN ('loaded', 'duplicate')", [source, day, t.name])
                    continue
                con.execute(f"DELETE FROM {t.raw_table} WHERE _partition_day = DATE {lit(day)}")
                con.execute("DELETE FROM raw.quarantine WHERE source = ? AND partition_day = ? AND table_name = ?",
                            [source, day, t.name])
                con.execute("DELETE FROM raw.file_manifest WHERE source = ? AND partition_day = ? AND table_name = ?",
                            [source, day, t.name])
            # files no table recognised (or companions) are found again by every run of the day
            con.execute("DELETE FROM raw.file_manifest WHERE source = ? AND partition_day = ? AND table_name IS NULL",
                        [source, day])
            for table, res, k in prepared:
                if table.name not in report.kept:
                    _commit_file(con, table, day, res.path, k)
            for f in report.files:
                con.execute(
                    "INSERT INTO raw.file_manifest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
                    [source, day, f.table, f.path, f.sha256, f.bytes, f.rows_read, f.rows_loaded,
                     f.rows_quarantined, f.status, f.error],
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        _drop_work_tables(con)
    return report


def _drop_work_tables(con) -> None:
    """The stage holds personal data in the clear: it never outlives the load (and, being a
    temp table, never reaches the database file)."""
    for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND (table_name = '_stage' "
            "OR regexp_matches(table_name, '^_(checked|quarantine)_[0-9]+$') OR starts_with(table_name, '_ref__'))"
    ).fetchall():
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _load_file(con, table: Table, source: str, day: str, path: Path, display: str, refs, k: int,
               earlier: list[FileResult]) -> FileResult:
    started = time.monotonic()
    st = path.stat()
    res = FileResult(table.name, display, sha256_of(path), st.st_size, "loaded", mtime=st.st_mtime)
    if not table.snapshot:
        # the same bytes loaded on another day, or already in this delivery under another name
        prior = con.execute(
            "SELECT path, partition_day FROM raw.file_manifest WHERE sha256 = ? AND status = 'loaded' "
            "AND NOT (source = ? AND partition_day = ?) LIMIT 1",  # this day's own rows are being replaced
            [res.sha256, source, day],
        ).fetchone() or next(((f.path, day) for f in earlier if f.sha256 == res.sha256 and f.status == "loaded"), None)
        if prior:
            res.status, res.error = "duplicate", f"same bytes as {prior[0]} (day {prior[1]}): not counted twice"
            return res
    try:
        res.rows_read = _stage_file(con, path, display, table)
        res.rows_loaded, res.rows_quarantined = _prepare(con, table, source, day, display, refs, k)
        res.fields_flagged = _fields_flagged(con, k)
    except ContractError as exc:
        res.status, res.error = "rejected", str(exc)
        log.error("rejected %s", exc)
    res.seconds = time.monotonic() - started
    rate = res.rows_read / res.seconds if res.seconds else 0
    log.info("%s: %d rows read, %d loaded, %d quarantined (%.0f rows/s)",
             display, res.rows_read, res.rows_loaded, res.rows_quarantined, rate)
    return res
