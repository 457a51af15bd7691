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
