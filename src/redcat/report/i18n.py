"""Report text in Chinese (the default) and English: one dictionary, looked up by key.

Keys name what the text is for (`section.funnel`, `industry.fmcg`), never the text itself, so a
wording change touches one line. Every key has both languages (a test checks it). Values may hold
`{name}` fields, filled from keyword arguments: `t("caption.linked", "en", h=72)`.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

TEXT: dict[str, dict[str, str]] = {
    # --- section headings ------------------------------------------------------------------
    "overview.title": {"zh": "数据概览", "en": "Data overview"},
    "section.validation": {"zh": "数据校验", "en": "Data validation"},
    "section.coverage": {"zh": "数据覆盖范围", "en": "Data coverage"},
    "section.notes_per_day": {"zh": "每日发布笔记数", "en": "Notes published per day"},
    "section.notes_by_status": {
        "zh": "各行业笔记数（按商家状态）",
        "en": "Notes by industry and merchant status",
    },
    "section.enrolment": {"zh": "红猫计划入驻时间线", "en": "Red Cat enrolment over time"},
    "section.linked_by_industry": {"zh": "各行业挂链笔记", "en": "Linked notes by industry"},
    "section.funnel": {"zh": "转化漏斗", "en": "Conversion funnel"},
    "section.cost_per_visit": {"zh": "进店成本", "en": "Cost per store visit"},
    "section.inapp_gmv": {"zh": "商家站内日 GMV", "en": "Merchants' daily in-app GMV"},
    # --- validation verdict ----------------------------------------------------------------
    "validation.passed": {"zh": "✓ 数据符合数据契约", "en": "✓ The data meets the data contract"},
    "validation.failed": {
        "zh": "✗ 数据不符合数据契约",
        "en": "✗ The data breaks the data contract",
    },
    # --- dataset tables ----------------------------------------------------------------------
    "table.merchants": {"zh": "商家", "en": "Merchants"},
    "table.creators": {"zh": "博主", "en": "Creators"},
    "table.notes": {"zh": "笔记", "en": "Notes"},
    "table.note_daily": {"zh": "笔记日数据", "en": "Note daily signals"},
    "table.inapp_orders": {"zh": "站内订单", "en": "In-app orders"},
    "table.offsite_orders": {"zh": "站外订单", "en": "Off-site orders"},
    "table.merchant_daily": {"zh": "商家日数据", "en": "Merchant daily"},
    # --- industries (redcat.config.INDUSTRIES) -----------------------------------------------
    "industry.fmcg": {"zh": "快消", "en": "FMCG"},
    "industry.sports_outdoor": {"zh": "运动户外", "en": "Sports & outdoor"},
    "industry.health": {"zh": "大健康", "en": "Health"},
    "industry.beauty": {"zh": "美妆", "en": "Beauty"},
    "industry.maternal_baby": {"zh": "母婴", "en": "Maternal & baby"},
    "industry.womenswear": {"zh": "女装", "en": "Womenswear"},
    "industry.food": {"zh": "食品", "en": "Food"},
    "industry.home": {"zh": "家居", "en": "Home"},
    "industry.electronics": {"zh": "3C 数码", "en": "Electronics"},
    "industry.other": {"zh": "其他", "en": "Other"},
    # --- merchant status ---------------------------------------------------------------------
    "status.enrolled": {"zh": "已入驻", "en": "Enrolled"},
    "status.eligible": {"zh": "符合条件、未入驻", "en": "Eligible, not enrolled"},
    "status.ineligible": {"zh": "不符合条件", "en": "Not eligible"},
    # --- link status and note groups ---------------------------------------------------------
    "link.linked": {"zh": "{h} 小时内挂链", "en": "Linked within {h} h"},
    "link.late": {"zh": "{h} 小时后挂链", "en": "Linked after {h} h"},
    "link.none": {"zh": "未挂链", "en": "No link"},
    "group.linked": {"zh": "挂链笔记", "en": "Linked notes"},
    "group.unlinked": {"zh": "未挂链笔记", "en": "Unlinked notes"},
    "group.all": {"zh": "全部笔记", "en": "All notes"},
    # --- funnel steps --------------------------------------------------------------------------
    "step.impressions": {"zh": "曝光", "en": "Impressions"},
    "step.reads": {"zh": "阅读", "en": "Reads"},
    "step.engagement": {
        "zh": "互动（赞藏评转）",
        "en": "Engagement (likes, saves, comments, shares)",
    },
    "step.link_clicks": {"zh": "链接点击", "en": "Link taps"},
    "step.store_visits": {"zh": "进店", "en": "Store visits"},
    "step.inapp_orders": {"zh": "站内订单", "en": "In-app orders"},
    "step.offsite_orders": {"zh": "站外订单", "en": "Off-site orders"},
    "step.inapp_gmv": {"zh": "站内 GMV (¥)", "en": "In-app GMV (¥)"},
    "step.offsite_gmv": {"zh": "站外 GMV (¥)", "en": "Off-site GMV (¥)"},
    # --- table columns -----------------------------------------------------------------------
    "col.table": {"zh": "数据表", "en": "Table"},
    "col.rows": {"zh": "行数", "en": "Rows"},
    "col.rows_as_of": {"zh": "分析日可见行数", "en": "Rows visible on the run date"},
    "col.first": {"zh": "最早", "en": "First"},
    "col.last": {"zh": "最晚", "en": "Last"},
    "col.industry": {"zh": "行业", "en": "Industry"},
    "col.total": {"zh": "合计", "en": "Total"},
    "col.notes": {"zh": "笔记数", "en": "Notes"},
    "col.linked_share": {"zh": "挂链占比", "en": "Share linked"},
    "col.step": {"zh": "环节", "en": "Step"},
    "col.base": {"zh": "转化率分母", "en": "Rate relative to"},
    "col.value": {"zh": "总量", "en": "Total"},
    "col.per_note": {"zh": "每篇", "en": "Per note"},
    "col.rate": {"zh": "转化率", "en": "Rate"},
    "col.ad_spend": {"zh": "广告花费 (¥)", "en": "Ad spend (¥)"},
    "col.store_visits": {"zh": "进店次数", "en": "Store visits"},
    "col.cost_per_visit": {"zh": "进店成本 (¥/次)", "en": "Cost per store visit (¥)"},
    # --- chart labels --------------------------------------------------------------------------
    "chart.date": {"zh": "日期", "en": "Date"},
    "chart.notes": {"zh": "笔记数", "en": "Notes"},
    "chart.enrolled_merchants": {"zh": "累计入驻商家数", "en": "Enrolled merchants (cumulative)"},
    "chart.per_note_log": {"zh": "每篇笔记（对数刻度）", "en": "Per note (log scale)"},
    "chart.gmv_per_merchant": {
        "zh": "每商家日均站内 GMV (¥)",
        "en": "In-app GMV per merchant per day (¥)",
    },
    "chart.launch": {"zh": "种草直达上线", "en": "Links launch"},
    "chart.festival": {"zh": "618 大促", "en": "618 festival"},
    "chart.no_data": {"zh": "分析日之前暂无数据", "en": "No data up to the run date"},
    # --- run history (reports/index.html) -----------------------------------------------------
    "index.title": {"zh": "红猫计划分析 · 运行记录", "en": "Red Cat analysis · run history"},
    "index.other_language": {"zh": "English version", "en": "中文版"},
    "index.summary": {
        "zh": "共 {n} 次运行：成功 {ok} 次，失败 {failed} 次，中断 {interrupted} 次，"
        "进行中 {running} 次。本页生成于 {time} (UTC)。",
        "en": "{n} runs: {ok} succeeded, {failed} failed, {interrupted} interrupted, "
        "{running} running. Page built {time} (UTC).",
    },
    "index.latest": {"zh": "最新报告", "en": "Latest report"},
    "index.latest_facts": {
        "zh": "{time} (UTC) 运行 · 数据 {folder}",
        "en": "Run at {time} (UTC) · data {folder}",
    },
    "index.open_latest": {"zh": "打开最新报告", "en": "Open the latest report"},
    "index.no_good_run": {
        "zh": "还没有成功的运行，暂无可看的报告。",
        "en": "No run has succeeded yet, so there is no report to read.",
    },
    "index.trend": {"zh": "主要估计值的走势", "en": "Headline estimates over time"},
    "index.trend_caption": {
        "zh": "每个点是一次成功运行的估计值，竖线是它的 95% 置信区间；按运行时间从左到右排列，"
        "最右（红色）为最新报告。失败或中断的运行不计入。",
        "en": "Each dot is one successful run's estimate and the bar its 95% interval, runs in "
        "time order with the latest report on the right (in red). Failed or interrupted runs "
        "are left out.",
    },
    "index.no_trend": {
        "zh": "还没有成功运行报告过这个数字。",
        "en": "No successful run has reported this number yet.",
    },
    "index.runs": {"zh": "全部运行", "en": "All runs"},
    "index.runs_caption": {
        "zh": "最新的在最上面。失败或中断的运行不会替换最新报告；“日志”里有出错的原因和各步耗时。",
        "en": "Newest first. A failed or interrupted run never replaces the latest report; its "
        "log says what went wrong and how long each step took.",
    },
    "index.col.time": {"zh": "运行时间 (UTC)", "en": "Run time (UTC)"},
    "index.col.status": {"zh": "状态", "en": "Status"},
    "index.col.data": {"zh": "数据", "en": "Data"},
    "index.col.parameters": {"zh": "参数", "en": "Parameters"},
    "index.col.duration": {"zh": "耗时", "en": "Duration"},
    "index.col.links": {"zh": "查看", "en": "Open"},
    "index.fingerprint": {"zh": "数据指纹", "en": "data fingerprint"},
    "index.link.report": {"zh": "报告", "en": "Report"},
    "index.link.log": {"zh": "日志", "en": "Log"},
    "index.link.notebook": {"zh": "出错的 notebook", "en": "Notebook with the error"},
    "index.latest_marker": {"zh": "最新报告", "en": "latest report"},
    "index.metric.note_offsite_gmv": {
        "zh": "每篇挂链笔记带来的站外 GMV (¥)",
        "en": "Off-site GMV per linked note (¥)",
    },
    "index.metric.note_inapp_gmv": {
        "zh": "每篇挂链笔记的站内 GMV 变化 (¥)",
        "en": "In-app GMV change per linked note (¥)",
    },
    "index.metric.ratio": {"zh": "蚕食率", "en": "Cannibalization ratio"},
    "index.metric.merchant_inapp_pct": {
        "zh": "商家站内 GMV 变化 (%)",
        "en": "Merchants' in-app GMV change (%)",
    },
    "index.metric.test_auc": {"zh": "站外转化预测 AUC", "en": "Off-site conversion AUC"},
    "run_status.succeeded": {"zh": "成功", "en": "Succeeded"},
    "run_status.failed": {"zh": "失败", "en": "Failed"},
    "run_status.interrupted": {"zh": "中断", "en": "Interrupted"},
    "run_status.running": {"zh": "进行中", "en": "Running"},
    # --- captions ------------------------------------------------------------------------------
    "caption.run_facts": {
        "zh": "分析日 {as_of} · 归因窗口 {w} 天 · 挂链判定：发布后 {h} 小时内",
        "en": "Run date {as_of} · attribution window {w} days · linked: within {h} hours of publishing",
    },
    "caption.since_launch": {
        "zh": "统计 2025-05-12（种草直达上线）起发布的笔记。",
        "en": " Notes published from 2025-05-12, when links launched.",
    },
    "caption.coverage": {
        "zh": "分析日 {as_of}：可见行数只计此前发生的记录（站外订单按回传时间）。",
        "en": "Run date {as_of}: visible rows are those that happened by then "
        "(off-site orders: by when they were reported back).",
    },
    "caption.notes_by_status": {
        "zh": "入驻条件：白名单行业（快消、运动户外、大健康）、日均广告花费 ≥ ¥{spend:,.0f}、"
        "全域预算 ≥ ¥{budget:,.0f}、企业号。",
        "en": "Eligible: a white-listed industry (FMCG, sports & outdoor, health), daily ad spend "
        "≥ ¥{spend:,.0f}, full-funnel budget ≥ ¥{budget:,.0f}, an enterprise account.",
    },
    "caption.linked": {
        "zh": "挂链笔记：发布后 {h} 小时内挂上种草直达链接。",
        "en": "A linked note has a 种草直达 link attached within {h} hours of publishing.",
    },
    "caption.funnel": {
        "zh": "{n:,} 篇笔记（{w} 天归因窗口在分析日 {as_of} 前已结束）；站外订单只计已回传的部分。"
        "转化率 = 本环节 ÷ 分母环节。",
        "en": "{n:,} notes whose {w}-day attribution window closed by the run date {as_of}; "
        "off-site orders only as reported back by then. Rate = this step ÷ the step named.",
    },
    "caption.cost_per_visit": {
        "zh": "进店成本 = 笔记归因窗口内的广告花费 ÷ 进店次数（同一批笔记）。",
        "en": "Cost per store visit = the notes' ad spend in their attribution window ÷ their "
        "store visits (same notes as the funnel).",
    },
    "caption.inapp_gmv": {
        "zh": "商家状态以分析日为准；虚线为种草直达上线日 (2025-05-12)，阴影为 618 大促。",
        "en": "Merchant status as of the run date; dashed line: links launch (2025-05-12); "
        "shaded: the 618 festival.",
    },
}


def t(key: str, language: str = DEFAULT_LANGUAGE, **fields: object) -> str:
    """The text for `key` in `language` ("zh" or "en"), with `{fields}` filled in."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r}; use one of {LANGUAGES}")
    try:
        text = TEXT[key][language]
    except KeyError:
        raise KeyError(f"no report text for {key!r} in {language!r}") from None
    return text.format(**fields) if fields else text


def label(prefix: str, code: object, language: str = DEFAULT_LANGUAGE) -> str:
    """A data code shown to readers (an industry, a status): its translation, or the code itself.

    Codes outside the dictionary (a new industry in real data) are shown as they are rather than
    failing the report; they are escaped wherever they are shown.
    """
    key = f"{prefix}.{code}"
    return t(key, language) if key in TEXT else str(code)
