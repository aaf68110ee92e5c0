"""Publishing the analyst-facing warehouse: a DuckDB file analysts open with any 1.x client
(`duckdb_file`) and, optionally, a PostgreSQL schema for BI tools (`postgres`). What is published
and how it is labelled lives in `labels`."""
