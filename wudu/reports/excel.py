"""The report's tables as an xlsx workbook with Chinese headers (one sheet per table)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from wudu.reports import fields as F
from wudu.reports import model as M
from wudu.reports.data import TermData
from wudu.reports.html import SMART_COLUMNS

HEADER = Font(bold=True)
MISSING = PatternFill("solid", fgColor="FDEDEC")


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append(head)
    for c in ws[1]:
        c.font = HEADER
    for r in rows:
        ws.append(r)
    for i, h in enumerate(head, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(h)) * 1.6))
    ws.freeze_panes = "B2"


def write(d: TermData, unit: M.Unit, path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    info = [["单位 unit", unit.name], ["类型 kind", unit.kind_label], ["学期 term", d.term["term_title"]],
            ["学期编号 term id", d.term["term_id"]], ["区域 district", d.district_name],
            ["学段 stage", unit.stage or ""], ["城乡 urban/rural", unit.urban_rural or ""]]
    _sheet(wb, "概况", ["项目 item", "值 value"], info)
    evaluations = [F.TEACHING] if unit.kind == "teacher" else list(F.EVALUATIONS)
    for ev in evaluations:
        series = M.radar(d, ev, unit)
        rows = []
        for s in series:
            for v in s.values:
                rows.append([s.name, v.dimension.label_zh, v.dimension.key, v.score, v.n, s.n_persons,
                             "" if v.reason is None else f"{v.reason[0]} / {v.reason[1]}"])
        _sheet(wb, f"{ev.label_zh}维度", ["对象 series", "维度", "维度代码 dimension", "得分 score",
                                         "n（有得分人数/证据条数）", "总人数 persons", "缺失原因 reason missing"], rows)
        ws = wb[f"{ev.label_zh}维度"]
        for row in ws.iter_rows(min_row=2):
            if row[3].value is None:
                for c in row:
                    c.fill = MISSING
        if unit.kind == "teacher":
            continue
        b = M.band_distribution(d, ev, unit)
        _sheet(wb, f"{ev.label_zh}等级分布", ["等级", "本单位人数", "本单位占比%", "全区人数", "全区占比%"],
               b[["band", "unit_n", "unit_pct", "district_n", "district_pct"]].values.tolist())
        c = M.coverage(d, ev, unit)
        _sheet(wb, f"{ev.label_zh}证据覆盖", ["维度", "有得分人数", "总人数", "覆盖率%", "有证据人数", "最少证据条数"],
               c[["dimension", "scored", "persons", "scored_pct", "with_some_evidence", "min_evidence"]].values.tolist())
        g = M.group_comparison(d, ev)
        if not g.empty:
            dims = d.dims(ev)
            cols = ["level", "group", "n_persons", "n_scored", "overall"]
            for x in dims:
                cols += [x.key, f"n_{x.key}"]
            head = ["分组层级", "分组", "人数", "有综合分人数", "综合均分"]
            for x in dims:
                head += [x.label_zh, f"{x.label_zh}人数"]
            _sheet(wb, f"{ev.label_zh}城乡学段", head, g[cols].values.tolist())
        ch = M.term_change(d, ev, unit)
        if ch is not None:
            _sheet(wb, f"{ev.label_zh}学期变化", ["维度", "上学期", "上学期人数", "本学期", "本学期人数", "变化"],
                   ch[["dimension", "previous", "previous_n", "current", "current_n", "change"]].values.tolist())
    _sheet(wb, "研训", ["指标", "值", "单位", "n", "n 含义"],
           [[i.label, i.value, i.unit, i.n, i.n_label] for i in M.training_indicators(d, unit)])
    sm = M.smart_months(d, unit)
    _sheet(wb, "智慧课堂", [h.split(" ")[0] for _, h in SMART_COLUMNS],
           sm[[c for c, _ in SMART_COLUMNS]].values.tolist() if not sm.empty else [])
    wb.save(path)
    return path
