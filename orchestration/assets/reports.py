"""五度 reports: offline HTML + xlsx per district and school, rebuilt after each publish."""
import base64

import dagster as dg

from orchestration.partitions import backfill_policy, daily_partitions
from orchestration.resources import WarehouseResource

REPORTS_KEY = dg.AssetKey("five_degree_reports")  # the function's name below
# every asset but the HTML reports: a backfill or benchmark (`wudu run --without-reports`), and the
# tests that read only the warehouse
WITHOUT_REPORTS = dg.AssetSelection.all() - dg.AssetSelection.assets(REPORTS_KEY)


def build_reports_asset(published: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """Downstream of the published warehouse: reports read only what analysts read."""

    @dg.asset(
        group_name="publish",
        partitions_def=daily_partitions,
        backfill_policy=backfill_policy(),
        deps=[published],
        kinds={"html", "excel"},
        description="五度报告 reports: one self-contained HTML page (radar, bands, urban/rural and 学段, coverage, "
                    "研训, 智慧课堂) and one xlsx per district and per school of the newest scored term, read from "
                    "the published analyst warehouse. Teacher reports on demand: `wudu report --teacher ID`.",
    )
    def five_degree_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        from wudu.reports import charts
        from wudu.reports import fields as F
        from wudu.reports import model as M
        from wudu.reports.build import build_reports, default_out_dir
        from wudu.reports.data import load_term

        data_dir = warehouse.paths.data_dir
        written = build_reports(default_out_dir(data_dir), data_dir=data_dir)
        metadata: dict = {}
        for w in written:
            context.log.info(f"term {w.term_id}: {len(w.district_html)} district + {len(w.school_html)} school reports, "
                             f"{len(w.xlsx)} xlsx in {w.all_html[0].parent}")
        first = written[0]
        folder = first.all_html[0].parent
        metadata["folder"] = dg.MetadataValue.path(str(folder))
        metadata["term"] = f"{first.term_title} ({first.term_id})"
        metadata["district_report"] = dg.MetadataValue.url(first.district_html[0].as_uri())
        metadata["reports"] = len(first.all_html)
        metadata["files"] = dg.MetadataValue.md("\n".join(
            f"- [{p.name}]({p.as_uri()})" for p in first.district_html + first.school_html))
        # the district radar (五度评教) as a picture in the UI
        d = load_term(data_dir, first.term_id)[0]
        png = charts.radar_png(M.radar(d, F.TEACHING, M.district_unit(d)), "radar-teacher",
                               f"{F.TEACHING.label_zh} {d.district_name}")
        metadata["district_radar"] = dg.MetadataValue.md(
            f"![{F.TEACHING.label_zh}](data:image/png;base64,{base64.b64encode(png).decode()})")
        return dg.MaterializeResult(metadata=metadata)

    return five_degree_reports
