"""Errors that name the file, the row and the rule, so an engineer can fix the source."""
from __future__ import annotations


class ContractError(Exception):
    """A file breaks its contract as a whole (unreadable, a required column missing).

    The file is recorded as rejected in raw.file_manifest and the source's contract check fails
    (severity ERROR, blocking the partition's downstream assets)."""

    def __init__(self, path: str, rule: str, detail: str):
        self.path, self.rule, self.detail = path, rule, detail
        super().__init__(f"{path}: [{rule}] {detail}")


# File-level rules (the whole file): rule -> (what it catches, how to fix it).
FILE_RULES = {
    "not_recognised": ("a file under landing/ that no table's file name fits, or outside a day folder",
                       "rename it as the contract expects or move it into landing/<source>/<YYYY-MM-DD>/; "
                       "remove files that are not exports"),
    "unreadable": ("the file cannot be opened or decoded (damaged, password-protected, unknown encoding)",
                   "re-export the file (CSV in UTF-8 or GBK, or XLSX/XLS) and re-deliver it"),
    "empty_file": ("the file has no non-blank row", "re-export the file with its data"),
    "missing_required_column": ("no sheet carries every required column of the table",
                                "export with the standard header (docs/sources.md) or add the header as an alias"),
    "ambiguous_header": ("two columns map to the same contract column and hold different values",
                         "remove or rename one of the two columns in the export"),
    "missing_file": ("a roster snapshot without one of its tables", "deliver the complete roster export for the day"),
}
