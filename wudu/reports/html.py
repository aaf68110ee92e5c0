"""One self-contained HTML page per report: inline CSS and inline SVG, no script, no external URL."""
from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from wudu.reports import charts
from wudu.reports import fields as F
from wudu.reports import model as M
from wudu.reports.data import TermData

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
 margin:24px auto;max-width:1100px;color:#222;line-height:1.45;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;border-bottom:2px solid #c0392b;padding-bottom:3px;margin-top:32px}
h3{font-size:15px;margin:18px 0 6px}.meta{color:#666;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 12px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}
th{background:#f4f4f4;text-align:center}td.l{text-align:left}.missing{color:#c0392b}.unit{font-weight:bold}
.grid{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}.grid>div{flex:1 1 480px}
.bandbars{margin-top:28px}.bb-row{display:flex;align-items:center;margin:6px 0}
.bb-label{width:110px;font-size:13px}.bb-bar{display:flex;flex:1;height:34px;background:#f4f4f4}
.bb-seg{color:#fff;font-size:12px;display:flex;align-items:center;justify-content:center;overflow:hidden;white-space:nowrap}
.note{font-size:12px;color:#555}svg{max-width:100%;height:auto}
"""


def _fmt(x, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return "—"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return escape(str(x))


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    h = "".join(f"<th>{c}</th>" for c in head)
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def _td(text: str, left: bool = False, **data) -> str:
    attrs = "".join(f' data-{k.replace("_", "-")}="{escape(str(v))}"' for k, v in data.items())
    return f'<td{" class=l" if left else ""}{attrs}>{text}</td>'


def _value_cell(v: M.Value, series_index: int, person: bool) -> str:
    n_label = "证据 evidence" if person else "n"
    if v.score is None:
        reason = f"{v.reason[0]} / {v.reason[1]}" if v.reason else ""
        return (f'<td class="missing" data-dim="{v.dimension.key}" data-series="{series_index}" data-score="" '
                f'data-n="{v.n}">缺失 missing（{n_label}={v.n}）<br><small>{escape(reason)}</small></td>')
    return (f'<td data-dim="{v.dimension.key}" data-series="{series_index}" data-score="{v.score}" data-n="{v.n}">'
            f'{v.score:.2f}<br><small>{n_label}={v.n}</small></td>')


def radar_section(d: TermData, ev: F.Evaluation, unit: M.Unit, series: list[M.Series]) -> str:
    chart_id = f"radar-{ev.key}"
    svg = charts.radar(series, chart_id, f"{ev.label_zh} {ev.label_en}")
    head = ["维度 dimension"] + [f'{escape(s.name)}<br><small>n={s.n_persons}</small>' for s in series]
    rows = []
    for i, dim in enumerate(d.dims(ev)):
        rows.append([_td(escape(dim.label), left=True)] +
                    [_value_cell(s.values[i], j, person=(unit.kind == "teacher" and s.is_unit))
                     for j, s in enumerate(series)])
    return (f'<div class="grid"><div id="{chart_id}">{svg}</div><div>'
            f'<h3>维度得分 dimension scores (0–100)</h3>{_table(head, rows, cls=f"scores-{ev.key}")}'
            '<p class="note">缺失的维度不画在 0 上，而是断开并注明原因。n = 有得分的人数；个人报告为证据条数。'
            ' A missing dimension is left out of the line, never drawn at 0; n = persons scored '
            '(evidence count for a person).</p></div></div>')


BAND_COLOURS = ["#1e8449", "#2c7fb8", "#f39c12", "#c0392b", "#bbbbbb"]


def band_bars(bands: pd.DataFrame, chart_id: str) -> str:
    """Two 100% stacked bars (this unit, the district) as plain HTML: a bar chart needs no plotting
    library, costs nothing to render, and keeps every segment's n readable."""
    out = [f'<div id="{chart_id}" class="bandbars">']
    for scope, label in (("unit", "本单位 this unit"), ("district", "全区 district")):
        total = int(bands[f"{scope}_n"].sum())
        out.append(f'<div class="bb-row"><span class="bb-label">{label}<br><small>n={total}</small></span>'
                   '<span class="bb-bar">')
        for i, r in enumerate(bands.to_dict("records")):
            pct = r[f"{scope}_pct"]
            if r[f"{scope}_n"]:
                out.append(f'<span class="bb-seg" style="width:{pct}%;background:{BAND_COLOURS[i % len(BAND_COLOURS)]}" '
                           f'title="{escape(r["band"])} {r[f"{scope}_n"]} ({pct}%)">'
                           f'{escape(r["band"])} {r[f"{scope}_n"]}</span>')
        out.append("</span></div>")
    out.append("</div>")
    return "".join(out)


def bands_section(d: TermData, ev: F.Evaluation, unit: M.Unit) -> str:
    bands = M.band_distribution(d, ev, unit)
    svg = band_bars(bands, f"bands-{ev.key}")
    rows = [[_td(escape(r.band), left=True), _td(str(r.unit_n), band=r.band, scope="unit"), _td(_fmt(r.unit_pct)),
             _td(str(r.district_n)), _td(_fmt(r.district_pct))] for r in bands.itertuples()]
    table = _table(["等级 band", "本单位人数 n (unit)", "占比 %", "全区人数 n (district)", "占比 %"], rows,
                   cls=f"bands-{ev.key}")
    return (f'<div class="grid"><div>{svg}</div><div><h3>等级分布 band distribution</h3>{table}'
            f'<p class="note">{M.NOT_RATED[0]} {M.NOT_RATED[1]}: 有得分的维度少于 '
            f'{int(d.params["overall_min_dimensions"])} 个，不给综合分 / fewer scored dimensions than '
            f'{int(d.params["overall_min_dimensions"])}, no overall score.</p></div></div>')


def coverage_section(d: TermData, ev: F.Evaluation, unit: M.Unit) -> str:
    cov = M.coverage(d, ev, unit)
    rows = [[_td(escape(r.dimension), left=True), _td(str(r.scored)), _td(str(r.persons)), _td(_fmt(r.scored_pct)),
             _td(str(r.with_some_evidence)), _td(str(r.min_evidence))] for r in cov.itertuples()]
    return ("<h3>证据覆盖 evidence coverage</h3>" + _table(
        ["维度 dimension", "有得分 scored", "总人数 persons", "覆盖率 %", "有证据 any evidence", "最少证据 min evidence"],
        rows, cls=f"coverage-{ev.key}"))


def comparison_section(d: TermData, ev: F.Evaluation, unit: M.Unit, cache: dict) -> str:
    comp = M.group_comparison(d, ev)
    if comp.empty:
        return ""
    key = ("groups", ev.key)
    if key not in cache:  # the same district-wide chart in every report of the term: draw once
        cache[key] = charts.group_bars(comp, f"groups-{ev.key}", f"城乡与学段 urban/rural and stage · {ev.label_zh}")
    dims = d.dims(ev)
    head = ["分组 group", "人数 persons", "综合 overall (n)"] + [escape(x.label_zh) + " (n)" for x in dims]
    rows = []
    for r in comp.to_dict("records"):
        own = r["group"] in (unit.urban_rural, unit.stage)
        label = f'{escape(r["level"])} · {escape(r["group"])}' + (" ◀ 本单位 this unit" if own else "")
        rows.append([_td(label, left=True), _td(str(r["n_persons"])),
                     _td(f'{_fmt(r["overall"], 2)} ({r["n_scored"]})')] +
                    [_td(f'{_fmt(r[x.key], 2)} ({r["n_" + x.key]})') for x in dims])
    return (f'<h3>城乡与学段比较 urban/rural and stage comparison (全区 district-wide)</h3>'
            f'<div class="grid"><div>{cache[key]}</div></div>{_table(head, rows, cls=f"groups-{ev.key}")}')


def change_section(d: TermData, ev: F.Evaluation, unit: M.Unit) -> str:
    ch = M.term_change(d, ev, unit)
    if ch is None:
        why = ("个人报告不含学期变化 / not shown for a person" if unit.kind == "teacher"
               else "仓库中只有一个学期的得分 / only one scored term in the warehouse")
        return f'<h3>学期变化 change since last term</h3><p class="note">{why}</p>'
    rows = [[_td(escape(r.dimension), left=True), _td(f"{_fmt(r.previous, 2)} (n={r.previous_n})"),
             _td(f"{_fmt(r.current, 2)} (n={r.current_n})"),
             _td(("+" if (r.change or 0) > 0 else "") + _fmt(r.change, 2))] for r in ch.itertuples()]
    prev = escape(str(d.previous_term["term_title"]))
    return (f"<h3>学期变化 change since last term（{prev} → {escape(str(d.term['term_title']))}）</h3>"
            + _table(["维度 dimension", f"上学期 {prev}", "本学期 this term", "变化 change"], rows, cls=f"change-{ev.key}"))


def training_section(d: TermData, unit: M.Unit) -> str:
    rows = [[_td(escape(i.label), left=True), _td(_fmt(i.value, 2) if isinstance(i.value, float) else _fmt(i.value)),
             _td(escape(i.unit)), _td(f"{i.n} {escape(i.n_label)}")] for i in M.training_indicators(d, unit)]
    return ("<h2>研训 teacher training</h2>" +
            _table(["指标 indicator", "值 value", "单位 unit", "n"], rows, cls="training"))


def practice_section(d: TermData) -> str:
    """District report only: 课题, 项目包, 信息技术2.0, 队伍建设, 资源库 (issue 17)."""
    indicators = M.practice_indicators(d)
    if not indicators:
        return ""
    rows = [[_td(escape(i.label), left=True), _td(_fmt(i.value, 2) if isinstance(i.value, float) else _fmt(i.value)),
             _td(escape(i.unit)), _td(f"{_fmt(i.n)} {escape(i.n_label)}")] for i in indicators]
    return ("<h2>教科研与队伍建设 research, programmes and careers</h2>" +
            _table(["指标 indicator", "值 value", "单位 unit", "n"], rows, cls="practice"))


SMART_COLUMNS = [
    ("month", "月份 month"), ("schools", "学校 schools"), ("smart_classrooms", "智慧教室 smart classrooms"),
    ("smart_lessons", "智慧课堂课次 lessons"), ("subject_attainment_pct", "学科达标率 % subjects on target"),
    ("subjects_in_scope", "学科数 n subjects"), ("lesson_hours_attainment_pct", "课时达标率 % lesson hours on target"),
    ("lesson_hours", "课时 lesson hours"), ("teacher_devices_per_100", "教师终端/百人 teacher devices per 100"),
    ("teachers", "教师 n teachers"), ("student_devices_per_100", "学生终端/百人 student devices per 100"),
    ("students", "学生 n students"), ("resources_uploaded", "资源上传 resources uploaded"),
    ("resources_downloaded", "资源下载 resources downloaded"),
]


def smart_section(d: TermData, unit: M.Unit) -> str:
    sm = M.smart_months(d, unit)
    if sm.empty:
        return '<h2>智慧课堂 smart classroom</h2><p class="note">本学期无数据 / no data in this term</p>'
    rows = [[_td(_fmt(r[c]), left=(c == "month")) for c, _ in SMART_COLUMNS] for r in sm.to_dict("records")]
    return ("<h2>智慧课堂 smart classroom</h2>" + _table([h for _, h in SMART_COLUMNS], rows, cls="smart") +
            '<p class="note">达标率按 seeds.smart_classroom_targets 折算到本月数据窗口内的上课日 / '
            'targets prorated to the school days of the month inside the data window.</p>')


def school_links(d: TermData) -> str:
    rows = []
    for s in d.schools.to_dict("records"):
        row = M.rollup_row(d, F.TEACHING, F.LEVEL_SCHOOL, s["school_id"]) or {}
        srow = M.rollup_row(d, F.LEARNING, F.LEVEL_SCHOOL, s["school_id"]) or {}
        rows.append([_td(f'<a href="school-{escape(s["school_id"])}.html">{escape(s["school_name"])}</a>', left=True),
                     _td(escape(str(s["stage"]))), _td(escape(str(s["urban_rural"]))),
                     _td(f'{_fmt(row.get(F.ROLLUP_OVERALL), 2)} (n={int(row.get(F.ROLLUP_SCORED) or 0)})'),
                     _td(f'{_fmt(srow.get(F.ROLLUP_OVERALL), 2)} (n={int(srow.get(F.ROLLUP_SCORED) or 0)})')])
    return ("<h2>学校报告 school reports</h2>" + _table(
        ["学校 school", "学段 stage", "城乡 urban/rural", "评教综合 teaching overall", "评学综合 learning overall"],
        rows, cls="schools"))


def render(d: TermData, unit: M.Unit, cache: dict) -> str:
    term = d.term
    parts = [f"<h1>{escape(unit.name)} · 五度评价报告 five-degree evaluation report</h1>",
             f'<p class="meta">{escape(unit.kind_label)} · 学期 term {escape(str(term["term_title"]))} '
             f'({term["start_date"]:%Y-%m-%d} – {term["end_date"]:%Y-%m-%d}) · 区域 district {escape(d.district_name)}'
             + (f" · 学段 stage {escape(unit.stage)} · {escape(str(unit.urban_rural))}" if unit.stage else "")
             + f' · 生成 generated {dt.datetime.now():%Y-%m-%d %H:%M}</p>']
    evaluations = [F.TEACHING] if unit.kind == "teacher" else list(F.EVALUATIONS)
    for ev in evaluations:
        series = M.radar(d, ev, unit)
        parts.append(f"<h2>{ev.label_zh} {ev.label_en}</h2>")
        parts.append(radar_section(d, ev, unit, series))
        if unit.kind != "teacher":
            parts.append(bands_section(d, ev, unit))
            parts.append(coverage_section(d, ev, unit))
            parts.append(comparison_section(d, ev, unit, cache))
        parts.append(change_section(d, ev, unit))
    parts.append(training_section(d, unit))
    if unit.kind == "district":
        parts.append(practice_section(d))
    parts.append(smart_section(d, unit))
    if unit.kind == "district":
        parts.append(school_links(d))
    parts.append('<p class="note">数据来源 source: 分析库 published warehouse（marts, seeds）。维度与等级取自 '
                 'seeds.five_degree_dimensions / seeds.five_degree_bands。</p>')
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(unit.name)} · 五度评价报告 · {escape(str(term['term_title']))}</title>"
            f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>")
