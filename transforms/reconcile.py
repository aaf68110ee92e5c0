"""Counting back what a landing wrote: nothing read may be lost between the files and the raw tables."""
from __future__ import annotations

from transforms.contracts import load_contracts


def previous_rows_read(con, source: str, table: str, day: str) -> int | None:
    """Rows read on the last earlier day a table was loaded (GX compares volume against it)."""
    row = con.execute(
        "SELECT sum(rows_read) FROM raw.file_manifest WHERE source = ? AND table_name = ? AND status = 'loaded' "
        "AND partition_day = (SELECT max(partition_day) FROM raw.file_manifest WHERE source = ? "
        "AND table_name = ? AND status = 'loaded' AND partition_day < ?)",
        [source, table, source, table, day],
    ).fetchone()
    return int(row[0]) if row and row[0] else None


def reconcile(con, source: str, day: str) -> list[dict]:
    """Per loaded file: rows read (manifest) vs rows found in raw tables + quarantine."""
    tables = load_contracts()[source].tables
    found = " UNION ALL ".join(
        f"SELECT {repr(t.name)} AS table_name, _source_file AS path, count(*) AS n FROM {t.raw_table} "
        f"WHERE _partition_day = DATE '{day}' GROUP BY ALL" for t in tables.values()
    )
    return [
        dict(zip(("table", "path", "rows_read", "rows_loaded", "rows_quarantined"), r))
        for r in con.execute(
            f"""
            WITH loaded AS ({found}),
            quarantined AS (SELECT table_name, source_file AS path, count(*) AS n FROM raw.quarantine
                            WHERE source = ? AND partition_day = ? GROUP BY ALL)
            SELECT m.table_name, m.path, m.rows_read, coalesce(l.n, 0), coalesce(q.n, 0)
            FROM raw.file_manifest m
            LEFT JOIN loaded l USING (table_name, path)
            LEFT JOIN quarantined q USING (table_name, path)
            WHERE m.source = ? AND m.partition_day = ? AND m.status = 'loaded'
            ORDER BY 1, 2""",
            [source, day, source, day],
        ).fetchall()
    ]
