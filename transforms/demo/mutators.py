"""Row-level error injection with an exact log.

Each mutated data row carries exactly one defect, chosen so that it trips exactly one contract
rule (the quarantine's `rule` and `column_name` equal the log's `rule` and `column`). Duplicates
are exact copies placed right after their original; the log names the copy (second occurrence).
Log records: {"source","table","day","file","row_number","rule","column"} with row_number the
1-based data record number in the file (JSONL: line number)."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RULES = ("duplicate_key", "required", "type", "allowed", "range", "pattern", "in_partition_day", "unknown_reference")

Fn = Callable[[str, np.random.Generator], str | None]  # value -> mutated value, None = not applicable


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _nonblank(fn: Fn) -> Fn:
    return lambda v, rng: fn(v, rng) if v != "" else None


def _choice(*options: str) -> Fn:
    return _nonblank(lambda v, rng: _pick(rng, options))


def _prev_day(v: str, rng) -> str | None:
    """Same time, one day earlier (keeps the value's format)."""
    if len(v) < 10:
        return None
    d = dt.date.fromisoformat(v[:10]) - dt.timedelta(days=1)
    return d.isoformat() + v[10:]


def _ts_bad(v: str, rng) -> str | None:
    """An impossible date (the 31st of a short month) or clock time."""
    if len(v) < 10:
        return None
    return v[:8] + "31" + v[10:] if v[5:7] in ("02", "04", "06", "09", "11") else v[:10] + " 25:61:00"


def _date_bad(v: str, rng) -> str | None:
    if len(v) < 10:
        return None
    return _pick(rng, [f"{int(v[5:7])}月{int(v[8:10])}日", v[:5] + "13-" + v[8:10], v[:8] + "32"])


def _drop_last(v: str, rng) -> str | None:
    return v[:-1] if len(v) > 1 else None


@dataclass
class TableSpec:
    """How each rule can be triggered on a tabular file's canonical columns."""
    source: str
    table: str
    key: tuple[str, ...]
    rules: dict[str, dict[str, Fn]] = field(default_factory=dict)

    @property
    def key_label(self) -> str:
        return ",".join(self.key)


def required(*cols: str) -> dict[str, Fn]:
    return {c: _nonblank(lambda v, rng: "") for c in cols}


class MutationLog:
    def __init__(self, path: Path, rates: dict[str, float], total: float | None = None,
                 keep_days_except: set[str] | None = None):
        """rates: per-rule share of rows; total: if given, the rates of the rules that apply to a
        table are scaled to add up to it (so every table gets `error_rate` of its rows).
        keep_days_except: keep an existing log's records of days other than these (the days being
        regenerated), so runs over different windows of one landing zone keep a complete log."""
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = []
        if keep_days_except is not None and path.exists():
            kept = [line for line in path.read_text(encoding="utf-8").splitlines()
                    if line and json.loads(line)["day"] not in keep_days_except]
        self._fh = open(path, "w", encoding="utf-8", newline="\n")
        for line in kept:
            self._fh.write(line + "\n")
        self.rates = {r: float(v) for r, v in rates.items() if v > 0}
        self.total = total
        self.counts: Counter = Counter()

    def record(self, source, table, day, file, row_number, rule, column):
        self._fh.write(json.dumps({"source": source, "table": table, "day": day, "file": file,
                                   "row_number": row_number, "rule": rule, "column": column},
                                  ensure_ascii=False) + "\n")
        self.counts[rule] += 1

    def close(self):
        self._fh.close()

    def plan(self, rng, n: int, rules: list[str]) -> list[tuple[int, str]]:
        """(row index, rule) for the rows of a chunk that get a defect, one per row."""
        rates = {r: self.rates[r] for r in rules if r in self.rates}
        total = sum(rates.values())
        if n == 0 or total <= 0:
            return []
        if self.total is not None:
            total = self.total
        k = int(rng.binomial(n, min(total, 0.5)))
        if k == 0:
            return []
        rows = np.sort(rng.choice(n, k, replace=False))
        names = list(rates)
        p = np.array([rates[r] for r in names])
        p = p / p.sum()
        picked = rng.choice(len(names), k, p=p)
        return [(int(i), names[j]) for i, j in zip(rows, picked)]

    def mutate_rows(self, spec: TableSpec, columns: list[str], rows: list[list[str]], rng, day: str, file: str,
                    first_row: int, may_break: Callable[[int], bool] | None = None) -> list[list[str]]:
        """Inject defects into a chunk of tabular rows (canonical column order `columns`);
        `first_row` = record number of rows[0]. Rows for which may_break(i) is False only get
        duplicated (their disappearance would cascade into other tables)."""
        plan = self.plan(rng, len(rows), [r for r in RULES if r == "duplicate_key" or r in spec.rules])
        if not plan:
            return rows
        pos = {c: j for j, c in enumerate(columns)}
        dup, logged = set(), {}
        for i, rule in plan:
            col = None
            if rule != "duplicate_key" and (may_break is None or may_break(i)):
                options = [c for c in spec.rules[rule] if c in pos]
                for j in rng.permutation(len(options)):
                    c = options[j]
                    new = spec.rules[rule][c](rows[i][pos[c]], rng)
                    if new is not None and new != rows[i][pos[c]]:
                        rows[i] = list(rows[i])
                        rows[i][pos[c]] = new
                        col = c
                        break
            if col is None:
                rule, col = "duplicate_key", spec.key_label
                dup.add(i)
            logged[i] = (rule, col)
        out = []
        for i, r in enumerate(rows):
            out.append(r)
            if i in logged and logged[i][0] != "duplicate_key":
                self.record(spec.source, spec.table, day, file, first_row + len(out) - 1, *logged[i])
            if i in dup:
                out.append(list(r))
                self.record(spec.source, spec.table, day, file, first_row + len(out) - 1, "duplicate_key",
                            spec.key_label)
        return out

    def mutate_lines(self, mutators: dict[str, dict[str, Callable]], key_label: str, lines: list[str], rng,
                     day: str, file: str, first_row: int, source: str = "platform",
                     table: str = "xapi_statements") -> list[str]:
        """The same for JSON Lines: mutators[rule][column](statement dict, rng) -> str | None, returning
        the new line (or None when not applicable to that statement)."""
        plan = self.plan(rng, len(lines), [r for r in RULES if r == "duplicate_key" or r in mutators])
        if not plan:
            return lines
        dup, logged = set(), {}
        for i, rule in plan:
            col = None
            if rule != "duplicate_key":
                obj = json.loads(lines[i])
                options = list(mutators[rule])
                for j in rng.permutation(len(options)):
                    new = mutators[rule][options[j]](obj, rng, lines[i])
                    if new is not None:
                        lines[i] = new
                        col = options[j]
                        break
            if col is None:
                rule, col = "duplicate_key", key_label
                dup.add(i)
            logged[i] = (rule, col)
        out = []
        for i, line in enumerate(lines):
            out.append(line)
            if i in logged and logged[i][0] != "duplicate_key":
                self.record(source, table, day, file, first_row + len(out) - 1, *logged[i])
            if i in dup:
                out.append(line)
                self.record(source, table, day, file, first_row + len(out) - 1, "duplicate_key", key_label)
        return out


def rates_from(error_rate: float, error_rates: dict[str, float] | None) -> dict[str, float]:
    """Per-rule rates: the given dict, or error_rate split evenly over the rules."""
    if error_rates:
        unknown = set(error_rates) - set(RULES)
        if unknown:
            raise ValueError(f"unknown rule(s) {sorted(unknown)}; rules are {', '.join(RULES)}")
        return dict(error_rates)
    return {r: error_rate / len(RULES) for r in RULES}
