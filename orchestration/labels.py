"""Bilingual labels for what the Dagster UI shows: metadata keys and check descriptions.
Dagster requires group and check *names* to be ASCII identifiers, so the Chinese goes into the
metadata keys (`rows_read 读入行数`: the machine name first, so keys still sort and grep by it) and
at the head of each description."""
from __future__ import annotations

KEYS_ZH = {
    "rows_read": "读入行数",
    "rows_loaded": "入库行数",
    "rows_quarantined": "隔离行数",
    "files": "文件",
    "files_rejected": "拒收文件数",
    "rejected": "拒收文件",
    "days_without_file": "缺文件日期",
    "files_checked": "核对文件数",
    "mismatches": "对不上的文件",
    "rows_validated": "校验行数",
    "expectations": "期望条数",
    "expectations_failed": "未通过期望数",
    "gx_seconds": "校验耗时(秒)",
    "failures": "未通过明细",
    "fix": "处理建议",
    "data_docs": "数据文档",
    "contract": "数据契约",
    "key": "业务主键",
    "checked_until": "检查截至",
    "missing_school_days": "缺数据的上学日",
    "missing_count": "缺数据天数",
    "days_kept": "保留旧数据的日期",
    "rows_kept": "保留的旧数据行数",
    "reasons": "原因",
}

CHECK_DESCRIPTIONS_ZH = {
    "contract": "契约检查：文件可读、必填列齐全。",
    "reconciliation": "对账：读入 = 入库 + 隔离。",
    "suite": "GX 质量套件：隔离比例不超过契约阈值。",
    "landing_freshness": "到数及时性：每个上学日都有导出文件。",
    "complete_delivery": "交付完整性：缺交或被拒的文件不删除已有数据。",
}


def label(key: str) -> str:
    """`rows_read` → `rows_read 读入行数`; `data_docs 2026-09-07` → `data_docs 数据文档 2026-09-07`."""
    head, _, rest = key.partition(" ")
    zh = KEYS_ZH.get(head)
    if not zh:
        return key
    return f"{head} {zh}" + (f" {rest}" if rest else "")


def labelled(metadata: dict) -> dict:
    return {label(k): v for k, v in metadata.items()}
