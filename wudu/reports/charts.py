"""Charts as inline SVG rendered locally by matplotlib: no script, no network. Text stays real
<text> (svg.fonttype none) in an explicit CJK font family, so Chinese labels are searchable,
selectable, and never boxes where a CJK font exists. See docs/decisions.md (Reports)."""
from __future__ import annotations

import io
import math
import re
import subprocess
from functools import lru_cache

import matplotlib

matplotlib.use("svg")  # no GUI backend, no display needed
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from wudu.reports.model import Series  # noqa: E402

# Named first in every <text>: Noto Sans CJK SC (Debian fonts-noto-cjk) / Source Han Sans SC are
# the same design; Microsoft YaHei and PingFang SC are what Windows and macOS readers have.
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei"]
COLOURS = ["#c0392b", "#2c7fb8", "#7f8c8d", "#27ae60", "#8e44ad", "#d35400", "#16a085"]


@lru_cache(maxsize=1)
def setup_fonts() -> str:
    """Register the CJK font for text metrics and make it the first sans-serif family.
    Returns the font file used; raises if no CJK font is installed (labels would be boxes)."""
    path = ""
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", f"{CJK_FAMILIES[0]}:lang=zh-cn"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    if path:
        font_manager.fontManager.addfont(path)
    names = {f.name for f in font_manager.fontManager.ttflist}
    if not names & set(CJK_FAMILIES):
        raise RuntimeError("no CJK font found (install fonts-noto-cjk): Chinese labels would render as boxes")
    plt.rcParams.update({
        "svg.fonttype": "none",            # keep text as <text>, not glyph outlines
        "font.family": "sans-serif",
        "font.sans-serif": CJK_FAMILIES + ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.hashsalt": "wudu",            # stable ids: the same data gives the same file
    })
    return path


def _svg(fig) -> str:
    buf = io.StringIO()
    # fixed margins instead of bbox_inches="tight", which draws every figure twice
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    # inlined into HTML: drop the XML prolog/doctype and the RDF metadata block
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)


def radar(series: list[Series], chart_id: str, title: str) -> str:
    return _svg(radar_figure(series, chart_id, title))


def radar_png(series: list[Series], chart_id: str, title: str, dpi: int = 72) -> bytes:
    """The same radar as PNG, for the Dagster UI (its markdown shows data: images, not inline SVG)."""
    fig = radar_figure(series, chart_id, title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def radar_figure(series: list[Series], chart_id: str, title: str):
    """Five axes (one per registry dimension), 0–100. A NULL value is not drawn: the line breaks
    there, no marker sits on the axis, and the axis label says 缺失 missing."""
    setup_fonts()
    dims = [v.dimension for v in series[0].values]
    k = len(dims)
    angles = [2 * math.pi * i / k for i in range(k)]
    fig = plt.figure(figsize=(6.2, 6.0))
    ax = fig.add_axes((0.2, 0.2, 0.6, 0.6), polar=True)
    ax.set_theta_offset(math.pi / 2)   # first dimension at the top, then clockwise
    ax.set_theta_direction(-1)
    ax.patch.set_gid(f"{chart_id}-frame")
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100])
    ax.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="#888")
    ax.set_xticks(angles)
    unit = next(s for s in series if s.is_unit)
    labels = []
    for dim, v in zip(dims, unit.values):
        labels.append(f"{dim.label_zh}\n{dim.label_en}" + ("" if v.score is not None else "\n（缺失 missing）"))
    ticks = ax.set_xticklabels(labels, fontsize=9)
    for dim, t, v in zip(dims, ticks, unit.values):
        t.set_gid(f"{chart_id}-axis-{dim.key}")
        if v.score is None:
            t.set_color("#c0392b")
    ax.tick_params(axis="x", pad=14)
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        ys = [v.score if v.score is not None else math.nan for v in s.values]
        # close the ring; NaN breaks the line so a missing axis is never joined through 0
        (line,) = ax.plot(angles + angles[:1], ys + ys[:1], color=colour, lw=2.4 if s.is_unit else 1.4,
                          ls="-" if s.is_unit else "--", label=s.name)
        line.set_gid(f"{chart_id}-line-{i}")
        if s.is_unit:
            if all(not math.isnan(y) for y in ys):
                ax.fill(angles, ys, color=colour, alpha=0.12)
            for a, y, v in zip(angles, ys, s.values):
                if not math.isnan(y):
                    (pt,) = ax.plot([a], [y], "o", color=colour, ms=5)
                    pt.set_gid(f"{chart_id}-point-{v.dimension.key}")
    ax.set_title(title, fontsize=11, pad=26)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8, frameon=False)
    return fig


def group_bars(frame, chart_id: str, title: str) -> str:
    """Mean overall score per 城乡 / 学段 group with n scored."""
    setup_fonts()
    frame = frame[frame["overall"].notna()]
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * max(len(frame), 2) + 1.2))
    fig.subplots_adjust(left=0.2, right=0.95, top=0.85, bottom=0.3)
    labels = [f"{r.level.split(' ')[0]}·{r.group}" for r in frame.itertuples()]
    bars = ax.barh(labels, frame["overall"], color=[COLOURS[1] if "城乡" in r else COLOURS[3] for r in frame["level"]])
    for bar, r in zip(bars, frame.itertuples()):
        ax.annotate(f"{r.overall:.1f}（n={r.n_scored}/{r.n_persons}）", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    va="center", fontsize=7, xytext=(3, 0), textcoords="offset points")
    ax.set_xlim(0, 110)
    ax.invert_yaxis()
    ax.set_xlabel("综合得分均值 mean overall score")
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)
