"""Errors that name the file, the row and the rule, so an engineer can fix the source."""
from __future__ import annotations


class ContractError(Exception):
    """A file breaks its contract as a whole (unreadable, a required column missing).

    The file is recorded as rejected in raw.file_manifest and the source's contract check fails
    (severity ERROR, blocking the partition's downstream assets)."""

    def __init__(self, path: str, rule: str, detail: str):
        self.path, self.rule, self.detail = path, rule, detail
        super().__init__(f"{path}: [{rule}] {detail}")
