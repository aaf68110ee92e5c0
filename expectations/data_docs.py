"""Great Expectations Data Docs that open anywhere: one site per Dagster run, readable offline,
old sites pruned.

GX's page templates load Bootstrap, jQuery, Font Awesome and Vega from CDNs and copy ~4 MB of
fonts and images into every site. A district server often has no internet, so after each build
`make_offline` rewrites the pages: external and `static/` stylesheets, scripts, icons and images
are dropped, and one small inline stylesheet (GX's own default styles plus the layout rules the
pages need from Bootstrap) takes their place. Nothing a page shows depends on the scripts: GX
renders the validation pages server-side; the index's tables are filled by bootstrap-table from
data inlined in the page, so a few lines of our own script (`_OUR_SCRIPT`) stand in for jQuery and
bootstrap-table: they draw those tables as plain HTML with the same links."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

KEEP_SITES = int(os.environ.get("WUDU_DOCS_KEEP", "10"))  # newest sites kept under gx_docs/

_GX_STYLES = Path(__import__("great_expectations").__file__).parent / "render/view/static/styles/data_docs_default_styles.css"

# The part of Bootstrap 4 the GX pages lean on (grid, cards, tables, badges, navbar), written small.
_OUR_STYLES = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0;color:#212529;
background:#f4f6f8;font-size:14px;line-height:1.5}
a{color:#0b5cad}
.container-fluid,.container{padding:0 16px}.row{display:flex;flex-wrap:wrap;margin:0 -8px}
[class*="col-"]{padding:0 8px;box-sizing:border-box;flex:1 1 0}
.col-md-2,.col-lg-2{flex:0 0 16%}.col-md-10,.col-lg-10{flex:1 1 80%}.col-12{flex:0 0 100%}
.navbar{display:flex;align-items:center;gap:12px;background:#1f2d3d;color:#fff;padding:8px 16px}
.navbar a{color:#fff}.navbar-brand img{display:none}
.card{background:#fff;border:1px solid #dee2e6;border-radius:6px;margin:12px 0;overflow:auto}
.card-header{background:#eef1f4;padding:8px 12px;border-bottom:1px solid #dee2e6}.card-body{padding:12px}
.table{border-collapse:collapse;width:100%;margin:8px 0}
.table td,.table th{border:1px solid #dee2e6;padding:4px 8px;vertical-align:top;text-align:left}
.table-striped tbody tr:nth-of-type(odd){background:#f8f9fa}
.badge{display:inline-block;padding:2px 6px;border-radius:4px;font-size:12px;background:#6c757d;color:#fff}
.badge-success,.text-success{color:#1e7e34}.badge-danger,.text-danger{color:#bd2130}
.badge-success,.badge-danger{color:#fff}.badge-success{background:#28a745}.badge-danger{background:#dc3545}
.list-group{list-style:none;padding:0}.list-group-item{padding:4px 8px;border-bottom:1px solid #eee}
.collapse{display:block}.d-none{display:none}.mb-2{margin-bottom:8px}.mt-2{margin-top:8px}
.fas,.far,.fa{font-style:normal}.fa-check-circle:before{content:"✔"}.fa-times:before{content:"✘"}
"""

# Stands in for jQuery + bootstrap-table: `$(sel).bootstrapTable({columns, data})` draws a plain
# table (clicking a row opens its page); every other jQuery/Bootstrap call is a no-op.
_OUR_SCRIPT = """<script id="wudu-offline-js">(function () {
  function wrap(els) {
    var api = {
      bootstrapTable: function (o) {
        if (!o || typeof o !== "object") return proxy;
        els.forEach(function (t) {
          var cols = (o.columns || []).filter(function (c) { return c.visible !== false; });
          var head = "<thead><tr>" + cols.map(function (c) { return "<th>" + (c.title || c.field) + "</th>"; }).join("") + "</tr></thead>";
          var rows = (o.data || []).map(function (r) {
            var href = r._table_row_link_path ? ' data-href="' + r._table_row_link_path + '" style="cursor:pointer"' : "";
            return "<tr" + href + ">" + cols.map(function (c) { return "<td>" + (r[c.field] == null ? "" : r[c.field]) + "</td>"; }).join("") + "</tr>";
          }).join("");
          t.classList.add("table", "table-striped");
          t.innerHTML = head + "<tbody>" + rows + "</tbody>";
          t.addEventListener("click", function (e) {
            var tr = e.target.closest("tr[data-href]");
            if (tr && !e.target.closest("a")) window.location = tr.getAttribute("data-href");
          });
        });
        return proxy;
      },
      ready: function (f) { document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", f) : f(); return proxy; }
    };
    var proxy = new Proxy(api, { get: function (t, p) { return p in t ? t[p] : function () { return proxy; }; } });
    return proxy;
  }
  window.$ = window.jQuery = function (sel) {
    if (typeof sel === "function") { return wrap([]).ready(sel); }
    return wrap(typeof sel === "string" ? Array.from(document.querySelectorAll(sel)) : [sel]);
  };
})();</script>"""

_EXTERNAL_TAGS = [
    # <link …href="http…"> / <link …href="…static/…"> (stylesheets and the favicon)
    re.compile(r"<link\b[^>]*\bhref=\"(?:https?:|//|[./]*static/)[^\"]*\"[^>]*>", re.I),
    # <script src="…"></script> from a CDN or static/
    re.compile(r"<script\b[^>]*\bsrc=\"(?:https?:|//|[./]*static/)[^\"]*\"[^>]*>\s*</script>", re.I),
    # logos: <img src="https://…">
    re.compile(r"<img\b[^>]*\bsrc=\"(?:https?:|//)[^\"]*\"[^>]*>", re.I),
]


def _inline_css() -> str:
    gx_css = _GX_STYLES.read_text(encoding="utf-8") if _GX_STYLES.exists() else ""
    gx_css = re.sub(r"url\([^)]*\)", "none", gx_css)  # its only url() is a logo on S3
    return f'<style id="wudu-offline">{gx_css}\n{_OUR_STYLES}</style>{_OUR_SCRIPT}'


def make_offline(site: Path) -> int:
    """Rewrite every page of a built site so it loads nothing from outside its own file; drop the
    copied static assets. Returns the number of pages rewritten."""
    css = _inline_css()
    pages = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if 'id="wudu-offline"' in html:
            continue
        for pattern in _EXTERNAL_TAGS:
            html = pattern.sub("", html)
        html = html.replace("</head>", css + "</head>", 1)
        page.write_text(html, encoding="utf-8")
        pages += 1
    shutil.rmtree(site / "static", ignore_errors=True)
    return pages


def site_name(run_id: str, first: str, last: str) -> str:
    """`<first>[_<last>]__<run id>`: sorts by partition, names the Dagster run it came from."""
    days = first if first == last else f"{first}_{last}"
    return f"{days}__{run_id[:8]}"


def prune_sites(root: Path, keep: int = KEEP_SITES) -> list[Path]:
    """Delete all but the `keep` most recently written sites under root."""
    if not root.is_dir():
        return []
    sites = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    old = sites[keep:]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    return old


def file_url(path: Path | str) -> str:
    return Path(path).resolve().as_uri()
