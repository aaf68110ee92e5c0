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
    """Five axes (one per registry dimension), 0–100, first at the top then clockwise. A NULL value
    is not drawn: the line breaks there, no marker sits on the axis, and the axis label says
    缺失 missing. Drawn on plain axes (pentagon rings by hand): a polar Axes costs 3x the time."""
    from matplotlib.patches import Circle

    setup_fonts()
    dims = [v.dimension for v in series[0].values]
    k = len(dims)
    angles = [2 * math.pi * i / k for i in range(k)]

    def xy(r: float, a: float) -> tuple[float, float]:
        return r * math.sin(a), r * math.cos(a)

    fig = plt.figure(figsize=(7.0, 6.2))
    ax = fig.add_axes((0.0, 0.12, 1.0, 0.8))
    ax.set_xlim(-190, 190)
    ax.set_ylim(-132, 142)
    ax.set_aspect("equal")
    ax.axis("off")
    frame = Circle((0, 0), 100, facecolor="#fbfbfb", edgecolor="#cccccc", lw=0.8)
    frame.set_gid(f"{chart_id}-frame")   # the 0..100 scale: its centre is 0, its radius 100
    ax.add_patch(frame)
    for r in (20, 40, 60, 80, 100):
        ring = [xy(r, a) for a in angles + angles[:1]]
        ax.plot([p[0] for p in ring], [p[1] for p in ring], color="#dddddd", lw=0.7)
        ax.text(2, r + 1, str(r), fontsize=7, color="#999999")
    unit = next(s for s in series if s.is_unit)
    for dim, a, v in zip(dims, angles, unit.values):
        ax.plot([0, xy(100, a)[0]], [0, xy(100, a)[1]], color="#dddddd", lw=0.7)
        lx, ly = xy(114, a)
        missing = v.score is None
        label = f"{dim.label_zh}\n{dim.label_en}" + ("\n（缺失 missing）" if missing else "")
        ha = "center" if abs(lx) < 10 else ("left" if lx > 0 else "right")
        va = "bottom" if ly > 60 else ("top" if ly < -60 else "center")
        t = ax.text(lx, ly, label, fontsize=10, ha=ha, va=va, color="#c0392b" if missing else "#222222",
                    multialignment="center")
        t.set_gid(f"{chart_id}-axis-{dim.key}")
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        rs = [v.score if v.score is not None else math.nan for v in s.values]
        # close the ring; NaN breaks the line so a missing axis is never joined through 0
        pts = [xy(r, a) for r, a in zip(rs + rs[:1], angles + angles[:1])]
        (line,) = ax.plot([p[0] for p in pts], [p[1] for p in pts], color=colour, lw=2.4 if s.is_unit else 1.4,
                          ls="-" if s.is_unit else "--", label=s.name)
        line.set_gid(f"{chart_id}-line-{i}")
        if s.is_unit:
            if all(not math.isnan(r) for r in rs):
                ax.fill([p[0] for p in pts], [p[1] for p in pts], color=colour, alpha=0.12)
            for (x, y), r, v in zip(pts, rs, s.values):
                if not math.isnan(r):
                    (pt,) = ax.plot([x], [y], "o", color=colour, ms=5)
                    pt.set_gid(f"{chart_id}-point-{v.dimension.key}")
    fig.text(0.5, 0.985, title, fontsize=11, ha="center", va="top")
    fig.legend(handles=[ln for ln in ax.get_lines() if not ln.get_label().startswith("_")],
               loc="lower center", ncol=2, fontsize=8, frameon=False)
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
