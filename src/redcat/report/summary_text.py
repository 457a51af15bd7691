"""Report text of the summary (notebook 04) and the platform trade-off, in Chinese and English.

Appended to `redcat.report.i18n.TEXT` by `register()` (existing keys never replaced), like the
conversion and cannibalization texts. Written for readers who are not statisticians: numbers
come with their 95% interval and a plain verdict on how sure we are.
"""

from __future__ import annotations

from redcat.report import i18n

SUMMARY_TEXT: dict[str, dict[str, str]] = {
    # --- title and headings --------------------------------------------------------------------
    "sum.title": {
        "zh": "红猫计划效果总结：挂链值多少钱",
        "en": "Red Cat Plan summary: what the links are worth",
    },
    "sum.run_facts": {
        "zh": "分析日 {as_of} · 数据 {data} · 归因窗口 {w} 天 · 挂链判定：发布后 {h} 小时内 · "
        "佣金率 {commission:.1%} · 每篇挂链笔记广告收入 ¥{per_note:,.0f} · 每 ¥1 新增广告花费计收入 ¥{per_yuan:.2f}",
        "en": "Run date {as_of} · data {data} · attribution window {w} days · linked: within {h} h "
        "of publishing · commission {commission:.1%} · ad revenue ¥{per_note:,.0f} per linked "
        "note · ¥{per_yuan:.2f} of revenue per extra ¥1 of ad spend",
    },
    "sum.section.executive": {"zh": "一页看懂", "en": "Executive summary"},
    "sum.section.headline": {"zh": "核心数字", "en": "The headline numbers"},
    "sum.section.audiences": {"zh": "对各团队意味着什么", "en": "What it means for each team"},
    "sum.section.confidence": {"zh": "我们有多大把握", "en": "How sure we are"},
    "sum.section.tradeoff": {
        "zh": "平台账本：广告收入能否抵过闭环佣金",
        "en": "The platform's ledger: do ads outweigh the closed loop's commission?",
    },
    "sum.section.tradeoff_industry": {"zh": "分行业账本", "en": "The ledger by industry"},
    "sum.section.conversion": {
        "zh": "证据一：早期信号能否预测站外转化",
        "en": "Evidence 1: do early signals predict off-site conversion?",
    },
    "sum.section.designs": {
        "zh": "证据二：三种因果设计并列",
        "en": "Evidence 2: three causal designs side by side",
    },
    "sum.section.heterogeneity": {
        "zh": "证据三：哪些笔记被蚕食更多",
        "en": "Evidence 3: where the links take more or less",
    },
    "sum.section.robustness": {"zh": "证据四：稳健性", "en": "Evidence 4: robustness"},
    "sum.section.coverage": {
        "zh": "证据五：数据覆盖与质量",
        "en": "Evidence 5: data coverage and quality",
    },
    "sum.section.appendix": {"zh": "附录：方法与假设", "en": "Appendix: methods and assumptions"},
    # --- headline table ------------------------------------------------------------------------
    "sum.col.metric": {"zh": "指标", "en": "Measure"},
    "sum.col.estimate": {"zh": "估计值", "en": "Estimate"},
    "sum.col.interval": {"zh": "95% 区间", "en": "95% interval"},
    "sum.col.confidence": {"zh": "把握程度", "en": "Confidence"},
    "sum.col.reading": {"zh": "怎么读", "en": "How to read it"},
    "sum.metric.offsite_per_note": {
        "zh": "每篇挂链笔记带来的站外 GMV",
        "en": "Off-site GMV each linked note drove",
    },
    "sum.metric.inapp_per_note": {
        "zh": "每篇挂链笔记的站内 GMV 变化",
        "en": "In-app GMV change per linked note",
    },
    "sum.metric.offsite_per_week": {
        "zh": "挂链每周带来的站外 GMV",
        "en": "Off-site GMV the links drove per week",
    },
    "sum.metric.inapp_per_week": {
        "zh": "挂链每周带走的站内 GMV",
        "en": "In-app GMV the links took per week",
    },
    "sum.metric.ratio": {"zh": "蚕食比", "en": "Cannibalization ratio"},
    "sum.metric.merchant_pct": {
        "zh": "入驻商家整店站内 GMV 变化",
        "en": "Enrolled merchants' in-app store GMV change",
    },
    "sum.metric.auc": {"zh": "站外转化预测 AUC", "en": "Off-site conversion prediction (AUC)"},
    "sum.metric.top10": {
        "zh": "预测前 10% 笔记的站外 GMV 占比",
        "en": "Share of off-site GMV in the top 10% of notes by prediction",
    },
    "sum.metric.net": {"zh": "平台每周净收益", "en": "Platform's net gain per week"},
    "sum.read.offsite_per_note": {
        "zh": "{w} 天内，与不挂链相比",
        "en": "over {w} days, against no link",
    },
    "sum.read.inapp_per_note": {
        "zh": "负数表示被挂链带走",
        "en": "negative: taken away by the link",
    },
    "sum.read.per_week": {
        "zh": "按上线以来平均每周 {linked:,.1f} 篇挂链笔记",
        "en": "at the {linked:,.1f} linked notes a week seen since launch",
    },
    "sum.read.ratio": {
        "zh": "每多 ¥1 站外 GMV，站内少 ¥几",
        "en": "¥ of in-app GMV lost per extra ¥1 off-site",
    },
    "sum.read.merchant_pct": {
        "zh": "相对不入驻时的水平",
        "en": "against what they would have sold without enrolling",
    },
    "sum.read.auc": {
        "zh": "0.5 为随机，1 为完美",
        "en": "0.5 is a coin toss, 1 is perfect",
    },
    "sum.read.top10": {"zh": "不排序时约 10%", "en": "about 10% without ranking"},
    "sum.read.net": {
        "zh": "广告收入 − 损失的站内佣金",
        "en": "ad revenue − in-app commission lost",
    },
    "sum.no_interval": {"zh": "—", "en": "—"},
    "sum.unbounded": {"zh": "无法确定（区间无界）", "en": "cannot be pinned down (unbounded)"},
    "sum.not_estimated": {"zh": "未能估计", "en": "not estimated"},
    "sum.interval": {"zh": "{low} 至 {high}", "en": "{low} to {high}"},
    # --- confidence levels ---------------------------------------------------------------------
    "sum.conf.strong": {"zh": "较有把握", "en": "Fairly sure"},
    "sum.conf.unclear": {"zh": "方向未定", "en": "Direction unclear"},
    "sum.conf.caution": {"zh": "需谨慎", "en": "Handle with care"},
    "sum.conf.missing": {"zh": "无法判断", "en": "Not known"},
    "sum.conf.measured": {"zh": "实测", "en": "Measured"},
    # --- summary sentences ---------------------------------------------------------------------
    "sum.say.offsite": {
        "zh": "挂链确实把读者带到了淘宝：每篇挂链笔记在 {w} 天内平均多带来站外 GMV {offsite}"
        "（95% 区间 {offsite_ci}），按上线以来每周约 {linked:,.1f} 篇挂链笔记计，每周约 {offsite_week}"
        "（{offsite_week_ci}）。",
        "en": "The links do send readers to Taobao: each linked note drove {offsite} of extra "
        "off-site GMV within {w} days (95% interval {offsite_ci}); at the {linked:,.1f} linked "
        "notes a week seen since launch, that is about {offsite_week} a week ({offsite_week_ci}).",
    },
    "sum.say.offsite_unclear": {
        "zh": "挂链带来的站外 GMV 尚不能与零区分：每篇 {offsite}（95% 区间 {offsite_ci}）。",
        "en": "The off-site GMV the links drove cannot yet be told apart from zero: {offsite} per "
        "linked note (95% interval {offsite_ci}).",
    },
    "sum.say.inapp_loss": {
        "zh": "代价是站内成交：每篇挂链笔记让站内 GMV 减少约 {inapp_abs}（95% 区间 {inapp_ci}），"
        "相当于每周约 {inapp_week}（{inapp_week_ci}）。",
        "en": "The cost is in-app sales: each linked note took about {inapp_abs} of in-app GMV "
        "(95% interval {inapp_ci}), about {inapp_week} a week ({inapp_week_ci}).",
    },
    "sum.say.inapp_unclear": {
        "zh": "站内 GMV 是否被带走，目前数据还说不准：每篇挂链笔记的变化为 {inapp}，95% 区间 {inapp_ci} "
        "同时包含损失和增长。",
        "en": "Whether the links take in-app GMV cannot yet be told: the change per linked note "
        "is {inapp}, and its 95% interval {inapp_ci} allows both a loss and a gain.",
    },
    "sum.say.inapp_gain": {
        "zh": "站内 GMV 并未被带走，反而增加：每篇挂链笔记 {inapp}（95% 区间 {inapp_ci}）。",
        "en": "The links did not take in-app GMV; it rose: {inapp} per linked note (95% "
        "interval {inapp_ci}).",
    },
    "sum.say.ratio": {
        "zh": "换个角度看：每多带来 ¥1 站外 GMV，站内约少 ¥{ratio}（95% 区间 {ratio_ci}）。"
        "低于 ¥1 说明挂链主要截留了本就要流失的回搜需求，并带来了新买家。",
        "en": "Put another way: for each extra ¥1 off-site, about ¥{ratio} of in-app GMV is "
        "lost (95% interval {ratio_ci}). Below ¥1 means the links mostly capture demand that "
        "was leaving anyway (search-back) and add buyers.",
    },
    "sum.say.ratio_unclear": {
        "zh": "蚕食比（每多 ¥1 站外 GMV 站内少多少）为 {ratio}，95% 区间 {ratio_ci} 包含零，"
        "目前还不能说挂链以多大比例蚕食站内。",
        "en": "The cannibalization ratio (in-app ¥ lost per extra off-site ¥1) is {ratio}; its "
        "95% interval {ratio_ci} includes zero, so how much of the off-site gain comes out of "
        "in-app sales cannot yet be told.",
    },
    "sum.say.ratio_unbounded": {
        "zh": "蚕食比（每多 ¥1 站外 GMV 站内少多少）目前无法确定：站外效应太不稳定，区间无界。",
        "en": "The cannibalization ratio (in-app ¥ lost per extra off-site ¥1) cannot be pinned "
        "down yet: the off-site effect is too uncertain and the interval is unbounded.",
    },
    "sum.say.merchant": {
        "zh": "从整店看，已入驻商家的站内店铺 GMV 在入驻后变化 {pct}（95% 区间 {pct_ci}）。",
        "en": "Across whole stores, enrolled merchants' in-app GMV changed by {pct} after "
        "enrolling (95% interval {pct_ci}).",
    },
    "sum.say.merchant_missing": {
        "zh": "整店层面的变化未能估计（入驻商家或可比商家太少）。",
        "en": "The whole-store change could not be estimated (too few enrolled or comparison "
        "merchants).",
    },
    "sum.say.conversion": {
        "zh": "发布后 {h} 小时的早期信号能较好地预测站外转化：测试集 AUC {auc:.2f}（1 为完美，0.5 为随机），"
        "预测最靠前的 10% 笔记贡献了 {top10:.0%} 的站外 GMV。",
        "en": "Signals from a note's first {h} hours predict off-site conversion well: test AUC "
        "{auc:.2f} (1 is perfect, 0.5 a coin toss), and the top 10% of notes by prediction "
        "brought {top10:.0%} of off-site GMV.",
    },
    "sum.say.conversion_missing": {
        "zh": "本次运行成熟笔记太少，未训练站外转化预测模型。",
        "en": "Too few mature notes in this run to train the off-site conversion model.",
    },
    "sum.say.net_positive": {
        "zh": "对平台而言，按当前参数，红猫每周净增收益约 {net}（95% 区间 {net_ci}），"
        "收益超过闭环损失佣金的概率为 {p}。",
        "en": "For the platform, at these parameters Red Cat adds about {net} a week net (95% "
        "interval {net_ci}); the chance that it earns more than the closed loop's lost "
        "commission is {p}.",
    },
    "sum.say.net_negative": {
        "zh": "对平台而言，按当前参数，红猫每周净亏约 {net_abs}（95% 区间 {net_ci}），"
        "收益超过闭环损失佣金的概率只有 {p}。",
        "en": "For the platform, at these parameters Red Cat costs about {net_abs} a week net "
        "(95% interval {net_ci}); the chance that it earns more than the closed loop's lost "
        "commission is only {p}.",
    },
    "sum.say.net_missing": {
        "zh": "站内效应未能估计，平台账本无法计算。",
        "en": "The in-app effect was not estimated, so the platform's ledger cannot be computed.",
    },
    # --- audiences -----------------------------------------------------------------------------
    "sum.aud.ops.title": {
        "zh": "电商运营（以站内 GMV 考核）",
        "en": "E-commerce operations (judged on in-app GMV)",
    },
    "sum.aud.ops.loss": {
        "zh": "挂链每周约带走站内 GMV {inapp_week}（{inapp_week_ci}），约占已入驻商家站内 GMV 的 "
        "{share:.1%}。损失只发生在已入驻商家的挂链笔记上；可优先关注下方分组中蚕食更重的笔记类型，"
        "并把站外带来的 GMV 一并计入对这些商家的评价。",
        "en": "The links take about {inapp_week} of in-app GMV a week ({inapp_week_ci}), about "
        "{share:.1%} of enrolled merchants' in-app GMV. The loss is confined to enrolled "
        "merchants' linked notes; watch the note types that lose more (subgroups below) and "
        "count the off-site GMV the links bring when judging these merchants.",
    },
    "sum.aud.ops.unclear": {
        "zh": "目前没有可靠证据表明挂链减少了站内 GMV（每周 {inapp_week}，区间 {inapp_week_ci}）。"
        "数据积累后结论会更明确；在此之前不宜据此调整站内 GMV 目标。",
        "en": "There is no firm evidence yet that the links reduce in-app GMV ({inapp_week} a "
        "week, interval {inapp_week_ci}). More data will sharpen this; until then it is no "
        "reason to change in-app GMV targets.",
    },
    "sum.aud.ads.title": {
        "zh": "商业化（广告，红猫计划负责方）",
        "en": "Commercialization (ads; runs Red Cat)",
    },
    "sum.aud.ads.text": {
        "zh": "入驻使商家广告花费提高 {lift}（95% 区间 {lift_ci}），每周约新增广告花费 {extra}。"
        "按当前参数，每周广告收入 {ads}，抵扣损失的佣金 {commission} 后净额 {net}（{net_ci}）。",
        "en": "Enrolment raised merchants' ad spend by {lift} (95% interval {lift_ci}), about "
        "{extra} of extra spend a week. At these parameters that is {ads} of ad revenue a week; "
        "after {commission} of lost commission the net is {net} ({net_ci}).",
    },
    "sum.aud.ads.no_loss": {
        "zh": "按点估计，挂链没有减少站内 GMV，因此无论站内佣金率多高，红猫都不会比闭环少赚。",
        "en": "On the point estimate the links take no in-app GMV, so whatever the commission "
        "rate, Red Cat earns no less than the closed loop.",
    },
    "sum.aud.ads.no_lift": {
        "zh": "商家广告花费的变化未能估计，账本只计入每篇挂链笔记的广告收入。",
        "en": "The change in merchants' ad spend could not be estimated; the ledger counts only "
        "the ad revenue per linked note.",
    },
    # --- confidence section -------------------------------------------------------------------
    "sum.sure.intro": {
        "zh": "“较有把握”：95% 区间不含零且设计检验通过；“方向未定”：区间同时包含正负；"
        "“需谨慎”：设计检验发出警告；“无法判断”：数据不足、未能估计。",
        "en": "Fairly sure: the 95% interval excludes zero and the design's checks pass. "
        "Direction unclear: the interval allows both signs. Handle with care: a design check "
        "raised a flag. Not known: too little data to estimate.",
    },
    "sum.sure.pretrend": {
        "zh": "商家层面：入驻前各周的趋势检验未通过（p = {p:.2f}），入驻商家与对照商家在入驻前已走势不同，"
        "整店变化可能部分来自既有趋势。",
        "en": "Merchant level: the pre-enrolment trend test fails (p = {p:.2f}); enrolled and "
        "comparison merchants were already moving apart before enrolment, so part of the "
        "whole-store change may be that trend.",
    },
    "sum.sure.pretrend_ok": {
        "zh": "商家层面：入驻前各周趋势检验通过（p = {p:.2f}），入驻与对照商家在入驻前走势一致。",
        "en": "Merchant level: the pre-enrolment trend test passes (p = {p:.2f}); enrolled and "
        "comparison merchants moved alike before enrolment.",
    },
    "sum.sure.not_estimated": {
        "zh": "{design}：本次未能估计（{reason}）。",
        "en": "{design}: not estimated this run ({reason}).",
    },
    "sum.sure.fragile": {
        "zh": "笔记层面：稳健性检验提示结论脆弱（挂链笔记在挂链前就与对照笔记卖得不同，"
        "有控制变量看不到的因素同时影响挂链与购买），请谨慎使用。",
        "en": "Note level: the robustness checks flag the result as fragile (linked notes "
        "already sold differently from their comparison notes before the link: something no "
        "control sees drives both); use it with care.",
    },
    "sum.sure.not_fragile": {
        "zh": "笔记层面：安慰剂与未观测混杂敏感性检验未发现问题。",
        "en": "Note level: the placebo and hidden-confounder checks raised no flag.",
    },
    "sum.sure.no_robustness": {
        "zh": "笔记层面的安慰剂与敏感性检验见“挂链是否蚕食站内 GMV”报告的稳健性一节。",
        "en": "The note-level placebo and sensitivity checks are in the cannibalization "
        "report's robustness section.",
    },
    "sum.sure.agree": {
        "zh": "笔记层面与商家层面对站内 GMV 的方向一致。",
        "en": "The note-level and merchant-level results point the same way for in-app GMV.",
    },
    "sum.sure.disagree": {
        "zh": "笔记层面与商家层面对站内 GMV 的方向不一致，至少一方的区间包含零，结论需更多数据确认。",
        "en": "The note-level and merchant-level results point different ways for in-app GMV; "
        "at least one interval includes zero, so more data is needed to settle it.",
    },
    "sum.sure.weak_ratio": {
        "zh": "蚕食比的分母（站外效应）与零无法区分，比值区间不可靠。",
        "en": "The ratio's denominator (the off-site effect) cannot be told apart from zero, so "
        "the ratio's interval is unreliable.",
    },
    "sum.sure.sample": {
        "zh": "估计基于 {notes:,} 篇挂链笔记和 {merchants:,} 家入驻商家；样本越大，区间越窄。",
        "en": "The estimates rest on {notes:,} linked notes and {merchants:,} enrolled merchants; "
        "more data narrows the intervals.",
    },
    # --- trade-off -----------------------------------------------------------------------------
    "sum.to.component": {"zh": "项目", "en": "Item"},
    "sum.to.linked_notes": {"zh": "每周挂链笔记（篇）", "en": "Linked notes per week"},
    "sum.to.offsite_gmv_driven": {
        "zh": "带来的站外 GMV（商家所得）",
        "en": "Off-site GMV driven (merchants' gain)",
    },
    "sum.to.inapp_gmv_lost": {"zh": "带走的站内 GMV", "en": "In-app GMV taken"},
    "sum.to.extra_ad_spend": {"zh": "新增广告花费", "en": "Extra ad spend"},
    "sum.to.ad_from_links": {"zh": "广告收入：挂链", "en": "Ad revenue: links"},
    "sum.to.ad_from_spend": {"zh": "广告收入：新增花费", "en": "Ad revenue: extra spend"},
    "sum.to.commission_lost": {"zh": "损失的站内佣金", "en": "In-app commission lost"},
    "sum.to.net": {"zh": "平台净收益", "en": "Platform net gain"},
    "sum.to.p_positive": {"zh": "净收益 > 0 的概率", "en": "Chance net > 0"},
    "sum.to.source": {"zh": "站内效应来源", "en": "In-app effect from"},
    "sum.to.source.industry": {"zh": "本行业估计", "en": "this industry"},
    "sum.to.source.overall": {"zh": "整体估计（本行业样本不足）", "en": "overall (too few here)"},
    "sum.to.total": {"zh": "全平台", "en": "All industries"},
    "sum.to.caption": {
        "zh": "单位：元/周（挂链笔记为篇/周），按上线（2025-05-12）至分析日共 {weeks:.1f} 周平均。"
        "区间为 {draws:,} 次蒙特卡洛抽样的 2.5% 与 97.5% 分位：每个估计值按其抽样分布抽取后代入公式。"
        "佣金率 {commission:.1%}、每篇挂链笔记广告收入 ¥{per_note:,.0f}、每 ¥1 新增广告花费计平台收入 "
        "¥{per_yuan:.2f} 均为运行参数，可按实际调整。",
        "en": "¥ per week (linked notes: notes per week), averaged over the {weeks:.1f} weeks "
        "from launch (2025-05-12) to the run date. Intervals: 2.5th and 97.5th percentiles of "
        "{draws:,} Monte Carlo draws, each estimate drawn from its sampling distribution and "
        "pushed through the formulas. The commission rate ({commission:.1%}), ad revenue per "
        "linked note (¥{per_note:,.0f}) and revenue per extra ¥1 of ad spend (¥{per_yuan:.2f}) "
        "are run parameters: set them to the real figures.",
    },
    "sum.to.verdict_yes": {
        "zh": "结论：按当前参数，红猫比闭环更赚钱——每周净增 {net}（95% 区间 {net_ci}），概率 {p}。",
        "en": "Verdict: at these parameters Red Cat is worth more than the closed loop: {net} a "
        "week net (95% interval {net_ci}), with probability {p}.",
    },
    "sum.to.verdict_no": {
        "zh": "结论：按当前参数，红猫不如闭环——每周净亏 {net_abs}（95% 区间 {net_ci}），"
        "超过闭环的概率仅 {p}。",
        "en": "Verdict: at these parameters Red Cat is worth less than the closed loop: {net_abs} "
        "a week net loss (95% interval {net_ci}); the chance it is worth more is {p}.",
    },
    "sum.to.verdict_unclear": {
        "zh": "结论：按当前参数尚无定论——每周净额 {net}（95% 区间 {net_ci}），超过闭环的概率为 {p}。",
        "en": "Verdict: not settled at these parameters: {net} a week net (95% interval "
        "{net_ci}); the chance Red Cat is worth more than the closed loop is {p}.",
    },
    "sum.to.breakeven": {
        "zh": "盈亏平衡佣金率：{breakeven}。站内佣金率高于此值时，闭环损失的佣金将超过红猫带来的广告收入。",
        "en": "Break-even commission rate: {breakeven}. Above it, the commission the closed "
        "loop loses would exceed the ad revenue Red Cat brings.",
    },
    "sum.to.breakeven_over": {
        "zh": "即使站内佣金率为 100%（挂链每周带走的 {lost} 站内 GMV 全部算作平台收入），"
        "闭环也抵不过红猫带来的广告收入。",
        "en": "Even at a 100% commission rate (all {lost} a week of in-app GMV the links take "
        "counted as platform revenue), the closed loop would not match the ad revenue Red Cat "
        "brings.",
    },
    "sum.to.merchant_view": {
        "zh": "交叉验证：若改用商家层面的整店变化（{pct}）推算，每周损失的站内佣金为 {lost}（95% 区间 {lost_ci}）。",
        "en": "Cross-check: using the merchant-level whole-store change ({pct}) instead, the "
        "commission lost per week is {lost} (95% interval {lost_ci}).",
    },
    "sum.to.lift": {
        "zh": "广告花费提升由交错 DiD 估计：入驻商家日均广告花费相对未入驻时 {lift}（95% 区间 {lift_ci}，"
        "{n:,} 家商家参与比较）。",
        "en": "The ad-spend lift is a staggered DiD estimate: enrolled merchants' daily ad spend "
        "{lift} against not enrolling (95% interval {lift_ci}; {n:,} merchants compared).",
    },
    "sum.to.industry_caption": {
        "zh": "只列出有入驻商家或挂链笔记的行业。广告花费提升对所有行业使用同一整体估计；"
        "挂链笔记不足 {min_linked} 篇的行业使用整体站内效应。各行业合计与全平台不完全相等：全平台使用整体估计。",
        "en": "Industries with enrolled merchants or linked notes. The ad-spend lift is one "
        "overall estimate for every industry; industries with fewer than {min_linked} linked "
        "notes use the overall in-app effect. Industries do not add up exactly to the total, "
        "which uses the overall estimates.",
    },
    "sum.to.chart.title": {"zh": "平台每周账本", "en": "The platform's week"},
    "sum.to.chart.yuan_week": {"zh": "元/周", "en": "¥ per week"},
    "sum.to.chart.industry_title": {
        "zh": "各行业每周净收益",
        "en": "Net gain per week by industry",
    },
    # --- conversion evidence ------------------------------------------------------------------
    "sum.conv.text": {
        "zh": "模型只用笔记发布后 {h} 小时内可见的信号（曝光、阅读、收藏、点击等）预测 {w} 天内是否产生站外订单。"
        "它在最新的 {n:,} 篇测试笔记上 AUC 为 {auc:.3f}，逻辑回归基线为 {logistic:.3f}。",
        "en": "The model predicts whether a note gets an off-site order within {w} days from "
        "signals visible {h} hours after publishing (impressions, reads, saves, taps...). On "
        "the latest {n:,} test notes its AUC is {auc:.3f}, against {logistic:.3f} for a "
        "logistic-regression baseline.",
    },
    "sum.conv.oracle": {
        "zh": "在模拟数据上，用真实概率排序的 AUC 为 {oracle:.3f}，模型距此上限 {gap:.3f}。",
        "en": "On simulated data, ranking by the true probabilities gives AUC {oracle:.3f}; the "
        "model is {gap:.3f} short of that ceiling.",
    },
    "sum.conv.chart.title": {
        "zh": "按预测排序：前 x% 笔记贡献的站外 GMV",
        "en": "Off-site GMV captured by the top x% of notes",
    },
    "sum.conv.chart.share": {"zh": "站外 GMV 占比", "en": "Share of off-site GMV"},
    "sum.conv.top": {"zh": "前 {pct}% 笔记", "en": "Top {pct}% of notes"},
    "sum.conv.missing": {
        "zh": "本次运行未训练模型（成熟笔记太少），此节从略。",
        "en": "No model was trained this run (too few mature notes); this section is left out.",
    },
    # --- designs ---------------------------------------------------------------------------------
    "sum.designs.col.design": {"zh": "设计", "en": "Design"},
    "sum.designs.col.estimand": {"zh": "估计的是什么", "en": "What it estimates"},
    "sum.designs.col.assumes": {"zh": "依赖的假设", "en": "What it assumes"},
    "sum.designs.col.checks": {"zh": "检验", "en": "Checks"},
    "sum.designs.caption": {
        "zh": "三种设计回答的问题不同、依赖的假设不同，单位也不同（笔记层面为 ¥/挂链笔记，另两者为 %）。"
        "方向一致时结论更可信；不一致时以假设更可信、区间更窄的设计为准，并等待更多数据。",
        "en": "The three designs answer different questions under different assumptions, in "
        "different units (note level: ¥ per linked note; the others: %). Agreement makes the "
        "conclusion more credible; where they differ, trust the design whose assumptions hold "
        "better and whose interval is narrower, and wait for more data.",
    },
    "sum.designs.chart.title": {
        "zh": "每篇挂链笔记的效应（¥，95% 区间）",
        "en": "Effect per linked note (¥, 95% interval)",
    },
    "sum.designs.chart.x": {"zh": "¥/挂链笔记", "en": "¥ per linked note"},
    "sum.check.pretrend": {"zh": "入驻前趋势检验 p = {p}", "en": "pre-trend test p = {p}"},
    "sum.check.propensity": {
        "zh": "挂链倾向模型 AUC = {auc}",
        "en": "propensity model AUC = {auc}",
    },
    "sum.check.density": {
        "zh": "密度检验 p = {p}；第一阶段 F = {f}",
        "en": "density test p = {p}; first-stage F = {f}",
    },
    # --- heterogeneity ---------------------------------------------------------------------------
    "sum.het.col.group": {"zh": "分组", "en": "Group"},
    "sum.het.col.linked": {"zh": "挂链笔记", "en": "Linked notes"},
    "sum.het.col.inapp": {"zh": "站内 GMV 变化 (¥/篇)", "en": "In-app GMV change (¥/note)"},
    "sum.het.col.offsite": {"zh": "站外 GMV 变化 (¥/篇)", "en": "Off-site GMV change (¥/note)"},
    "sum.het.dim.industry": {"zh": "行业", "en": "Industry"},
    "sum.het.dim.has_inapp_store": {"zh": "有站内店铺", "en": "Has an in-app store"},
    "sum.het.dim.price_band": {"zh": "价格带", "en": "Price band"},
    "sum.het.dim.tier": {"zh": "博主层级", "en": "Creator tier"},
    "sum.het.yes": {"zh": "是", "en": "Yes"},
    "sum.het.no": {"zh": "否", "en": "No"},
    "sum.het.caption": {
        "zh": "每格为估计值与 95% 区间；挂链笔记少于 {min} 篇的分组不单独估计（显示 —）。"
        "分组只按挂链前就确定的特征划分。",
        "en": "Each cell: estimate and 95% interval; groups with fewer than {min} linked notes "
        "are not estimated (—). Groups are defined by traits fixed before the link.",
    },
    "sum.het.largest": {
        "zh": "站内损失最大的分组：{group}（{effect}/篇）。",
        "en": "The group losing the most in-app GMV: {group} ({effect} per note).",
    },
    # --- robustness ----------------------------------------------------------------------------
    "sum.rob.chart.title": {
        "zh": "商家层面事件研究：入驻前后各周",
        "en": "Merchant-level event study: weeks around enrolment",
    },
    "sum.rob.chart.x": {"zh": "相对入驻的周数", "en": "Weeks relative to enrolment"},
    "sum.rob.chart.y": {
        "zh": "站内 GMV（相对上线前水平）",
        "en": "In-app GMV (relative to pre-launch level)",
    },
    "sum.rob.caption": {
        "zh": "入驻前各周（左侧）应在零附近：若明显偏离，说明入驻商家原本走势就不同。"
        "完整的安慰剂与敏感性检验见“挂链是否蚕食站内 GMV”报告。",
        "en": "Weeks before enrolment (left) should sit near zero; a clear drift means enrolled "
        "merchants were already on a different path. The full placebo and sensitivity checks "
        "are in the cannibalization report.",
    },
    # --- coverage ------------------------------------------------------------------------------
    "sum.cov.valid": {
        "zh": "数据通过数据契约校验：表结构、类型、取值范围与表间关联均符合要求。",
        "en": "The data passed the data contract: tables, types, ranges and links between "
        "tables are as required.",
    },
    "sum.cov.invalid": {
        "zh": "数据未通过数据契约校验，结论不可用，请先查看“数据概览”报告。",
        "en": "The data failed the data contract; do not use these results before reading the "
        "data overview report.",
    },
    "sum.cov.counts": {
        "zh": "转化模型：{published:,} 篇笔记中 {mature:,} 篇已成熟（归因窗口与回传均已结束）用于训练与评估，"
        "{live:,} 篇仍在观察期。",
        "en": "Conversion model: of {published:,} notes, {mature:,} are mature (window and "
        "reporting closed) and used to train and test; {live:,} are still live.",
    },
    "sum.cov.enrolled": {
        "zh": "截至分析日共有 {n:,} 家商家入驻红猫计划。",
        "en": "{n:,} merchants had enrolled in Red Cat by the run date.",
    },
    # --- appendix --------------------------------------------------------------------------------
    "sum.app.definitions": {"zh": "定义", "en": "Definitions"},
    "sum.app.def.linked": {
        "zh": "挂链笔记：发布后 {h} 小时内挂上种草直达链接的笔记。",
        "en": "Linked note: a note with a 种草直达 link attached within {h} hours of publishing.",
    },
    "sum.app.def.window": {
        "zh": "归因窗口：笔记发布后 {w} 天内的订单计入该笔记。",
        "en": "Attribution window: orders within {w} days of publishing count for the note.",
    },
    "sum.app.def.effect": {
        "zh": "笔记层面效应：挂链笔记在窗口内“挂链”与“假如不挂链”的 GMV 之差的平均（¥/挂链笔记）。",
        "en": "Note-level effect: the average over linked notes of GMV in the window with the "
        "link minus without it (¥ per linked note).",
    },
    "sum.app.def.ratio": {
        "zh": "蚕食比：−站内效应 ÷ 站外效应，同一批挂链笔记；区间为 Fieller 区间，分母不显著时可能无界。",
        "en": "Cannibalization ratio: −(in-app effect) ÷ (off-site effect) over the same linked "
        "notes; its interval is Fieller's, unbounded when the denominator is not significant.",
    },
    "sum.app.def.merchant": {
        "zh": "商家层面效应：已入驻商家入驻后整店站内 GMV 相对“假如不入驻”的变化（%）。",
        "en": "Merchant-level effect: enrolled merchants' whole in-app store GMV after enrolment "
        "against not enrolling (%).",
    },
    "sum.app.def.interval": {
        "zh": "95% 区间：若重复抽样，这样算出的区间有 95% 的机会覆盖真实值。区间不含零，才说“较有把握”。",
        "en": "95% interval: over repeated samples, intervals built this way cover the true "
        "value 95% of the time. Only an interval that excludes zero is called fairly sure.",
    },
    "sum.app.def.interval_checked": {
        "zh": "我们在已知真实值的模拟世界（每个 10 万篇笔记，60 个随机种子，6 种情形）中检验过笔记层面的区间：覆盖真实值的比例为 91.7%–98.3%（站内 GMV 效应 93.3%–96.7%，站外 GMV 效应 93.3%–98.3%，蚕食比 91.7%–96.7%）。",
        "en": "The note-level intervals were checked on simulated worlds whose true values are "
        "known (100,000 notes each, 60 seeds, 6 scenarios): they covered the truth in "
        "91.7-98.3% of worlds (the in-app effect 93.3-96.7%, the off-site effect "
        "93.3-98.3%, the ratio 91.7-96.7%).",
    },
    "sum.app.designs": {"zh": "因果设计的假设", "en": "What the causal designs assume"},
    "sum.app.conversion": {"zh": "转化模型的假设", "en": "What the conversion model assumes"},
    "sum.app.conv.1": {
        "zh": "只用发布后 {h} 小时内可见的信号，不使用任何之后才知道的信息（无信息泄漏）。",
        "en": "Only signals visible {h} hours after publishing are used; nothing known later "
        "(no leakage).",
    },
    "sum.app.conv.2": {
        "zh": "按发布时间切分训练、验证、测试集：用过去预测未来，与实际使用方式一致。",
        "en": "Training, validation and test notes are split by publish time: the past predicts "
        "the future, as in use.",
    },
    "sum.app.conv.3": {
        "zh": "窗口或回传未结束的笔记不当作“未转化”，待成熟后再用于训练与评估。",
        "en": "Notes whose window or reporting is still open are not counted as non-buyers; "
        "they are used once mature.",
    },
    "sum.app.conv.4": {
        "zh": "预测关系不等于因果：驱动因素说明什么与转化相关，不说明改变它会带来转化。",
        "en": "Prediction is not causation: the drivers say what goes with conversion, not what "
        "changing it would do.",
    },
    "sum.app.delay": {
        "zh": "站外订单回传有延迟：每笔已回传订单按同龄订单的回传比例加权补全（回传延迟只与渠道有关，"
        "与笔记、挂链或买家无关）。",
        "en": "Off-site orders are reported late: each reported order is weighted by the share "
        "of orders its age that had been reported (the delay depends on the channel only, not "
        "on the note, the link or the buyer).",
    },
    "sum.app.tradeoff": {"zh": "平台账本的假设", "en": "What the platform ledger assumes"},
    "sum.app.to.1": {
        "zh": "稳态：每周新挂链笔记在其归因窗口内的平均效应等于迄今挂链笔记的平均效应。",
        "en": "Steady state: each week's new linked notes go on to have the average effect of "
        "the linked notes so far, over their windows.",
    },
    "sum.app.to.2": {
        "zh": "广告花费提升：入驻对商家整个账户广告花费的相对效应（交错 DiD），所有行业共用一个估计；"
        "新增花费 = 入驻后实际花费 × 提升 ÷ (1 + 提升)。",
        "en": "Ad-spend lift: enrolment's relative effect on a merchant's whole-account ad spend "
        "(staggered DiD), one estimate for all industries; extra spend = observed spend after "
        "enrolment × lift ÷ (1 + lift).",
    },
    "sum.app.to.3": {
        "zh": "各估计的误差相互独立（来自不同设计与数据层级），按正态抽样分布抽取；笔记数与花费是计数，不抽样。",
        "en": "The estimates' errors are independent (different designs and data levels) and "
        "drawn from normal sampling distributions; note counts and spend are counted, not drawn.",
    },
    "sum.app.to.4": {
        "zh": "平台不从站外（淘宝）GMV 中抽成，只有广告收入；每篇挂链广告收入与新增花费收入如有重叠，应只设其一。",
        "en": "The platform earns nothing on off-site (Taobao) GMV beyond ads; if the per-note "
        "ad revenue is already part of merchants' ad spend, set only one of the two.",
    },
    "sum.app.to.5": {
        "zh": "挂链笔记不足 {min_linked} 篇的行业使用整体站内效应。",
        "en": "Industries with fewer than {min_linked} linked notes take the overall in-app "
        "effect.",
    },
}


def register() -> None:
    """Append this module's entries to the report dictionary, never replacing existing ones."""
    for key, value in SUMMARY_TEXT.items():
        i18n.TEXT.setdefault(key, value)


register()
