"""Report text of notebook 03 (cannibalization), in Chinese and English.

Appended to `redcat.report.i18n.TEXT` by `register()` (existing keys are never replaced), as
the conversion report does, so the shared dictionary file stays as its owner wrote it.
"""

from __future__ import annotations

from redcat.report import i18n

CANNIBALIZATION_TEXT: dict[str, dict[str, str]] = {
    # --- headings ------------------------------------------------------------------------------
    "cannib.title": {"zh": "挂链是否蚕食站内 GMV", "en": "Do links cannibalize in-app GMV?"},
    "cannib.section.answer": {"zh": "结论", "en": "The answer"},
    "cannib.section.naive": {"zh": "直接对比为何不可信", "en": "Why a plain comparison misleads"},
    "cannib.section.controls": {
        "zh": "控制变量：挂链是否改变早期互动",
        "en": "Controls: does the link move early engagement?",
    },
    "cannib.section.overlap": {
        "zh": "可比性：挂链倾向分布",
        "en": "Overlap: propensity to be linked",
    },
    "cannib.section.note_level": {
        "zh": "笔记层面：每篇挂链笔记的效应",
        "en": "Note level: effect per linked note",
    },
    "cannib.section.event_study": {
        "zh": "商家层面：入驻前后（事件研究）",
        "en": "Merchant level: before and after enrolment (event study)",
    },
    "cannib.section.merchant_level": {
        "zh": "商家层面：入驻对站内店铺 GMV 的影响",
        "en": "Merchant level: enrolment and in-app store GMV",
    },
    "cannib.section.threshold": {
        "zh": "¥5,000 门槛附近的断点回归",
        "en": "Regression discontinuity at the ¥5,000 rule",
    },
    "cannib.section.subgroups_inapp_gmv": {
        "zh": "分组效应：站内 GMV",
        "en": "Subgroups: in-app GMV",
    },
    "cannib.section.subgroups_offsite_gmv": {
        "zh": "分组效应：站外 GMV",
        "en": "Subgroups: off-site GMV",
    },
    "cannib.section.robustness": {"zh": "稳健性检验", "en": "Robustness checks"},
    "cannib.section.designs": {"zh": "三种设计并列", "en": "Three designs side by side"},
    # --- answer ----------------------------------------------------------------------------------
    "cannib.answer.note": {
        "zh": "每篇挂链笔记在 {w} 天归因窗口内：站内 GMV 变化 {inapp}（95% 区间 {inapp_ci}），站外 GMV 变化 {offsite}（{offsite_ci}）。",
        "en": "Per linked note, over the {w}-day window: in-app GMV changes by {inapp} (95% interval {inapp_ci}), off-site GMV by {offsite} ({offsite_ci}).",
    },
    "cannib.answer.ratio": {
        "zh": "蚕食比：每多 ¥1 站外 GMV，站内损失 ¥{ratio}（{ratio_ci}）。",
        "en": "Cannibalization ratio: ¥{ratio} of in-app GMV lost per extra ¥1 off-site ({ratio_ci}).",
    },
    "cannib.answer.merchant": {
        "zh": "已入驻商家的站内店铺 GMV 在入驻后变化 {pct}（{pct_ci}）。",
        "en": "Enrolled merchants' in-app store GMV changed by {pct} after enrolment ({pct_ci}).",
    },
    "cannib.answer.weak_ratio": {
        "zh": "注意：站外效应与零无法区分，蚕食比区间不可靠。",
        "en": "Caution: the off-site effect is not distinguishable from zero, so the ratio's interval is unreliable.",
    },
    "cannib.answer.fragile": {
        "zh": "安慰剂检验：挂链笔记在挂链之前就卖得与对照不同，说明有控制变量看不到的特质同时影响挂链与购买；"
        "笔记层面的结论可能有偏，请谨慎解读。",
        "en": "Placebo: linked notes already sold differently from their comparison notes before "
        "the link, so a trait no control sees drives both the link and buying; the note-level "
        "result may be biased, read it with care.",
    },
    # --- tables ----------------------------------------------------------------------------------
    "cannib.col.key": {"zh": "指标", "en": "Result"},
    "cannib.col.estimate": {"zh": "估计值", "en": "Estimate"},
    "cannib.col.ci": {"zh": "95% 区间", "en": "95% interval"},
    "cannib.col.naive": {"zh": "直接差值", "en": "Plain difference"},
    "cannib.col.adjusted": {"zh": "因果估计", "en": "Causal estimate"},
    "cannib.col.n": {"zh": "样本量", "en": "n"},
    "cannib.col.signal": {"zh": "早期信号", "en": "Early signal"},
    "cannib.col.kind": {"zh": "检验方式", "en": "Tested as"},
    "cannib.col.shift": {"zh": "挂链后变化", "en": "Shift after link"},
    "cannib.col.ci90": {"zh": "90% 区间", "en": "90% interval"},
    "cannib.col.placebo": {"zh": "安慰剂（挂链前）", "en": "Placebo (before link)"},
    "cannib.col.admitted": {"zh": "用作控制变量", "en": "Used as control"},
    "cannib.col.design": {"zh": "设计", "en": "Design"},
    "cannib.col.estimand": {"zh": "估计对象", "en": "What it estimates"},
    "cannib.col.unit": {"zh": "单位", "en": "Unit"},
    "cannib.col.checks": {"zh": "诊断", "en": "Checks"},
    "cannib.col.assumptions": {"zh": "关键假设", "en": "Key assumptions"},
    "cannib.col.check": {"zh": "检验", "en": "Check"},
    "cannib.col.verdict": {"zh": "结论", "en": "Verdict"},
    "cannib.key.note_inapp_gmv": {
        "zh": "站内 GMV / 挂链笔记 (¥)",
        "en": "In-app GMV per linked note (¥)",
    },
    "cannib.key.note_offsite_gmv": {
        "zh": "站外 GMV / 挂链笔记 (¥)",
        "en": "Off-site GMV per linked note (¥)",
    },
    "cannib.key.ratio": {
        "zh": "蚕食比（站内损失 / 站外增量）",
        "en": "Cannibalization ratio (in-app lost / off-site gained)",
    },
    "cannib.key.merchant_inapp_pct": {
        "zh": "商家站内店铺 GMV 变化 (%)",
        "en": "Merchant in-app store GMV change (%)",
    },
    "cannib.design.note_dml": {"zh": "笔记层面 DML", "en": "Note-level DML"},
    "cannib.design.merchant_did": {"zh": "商家层面交错 DiD", "en": "Merchant-level staggered DiD"},
    "cannib.design.threshold_rdd": {"zh": "¥5,000 门槛断点回归", "en": "¥5,000 threshold RDD"},
    "cannib.unit.yuan_per_note": {"zh": "¥/挂链笔记", "en": "¥ per linked note"},
    "cannib.unit.pct": {"zh": "%", "en": "%"},
    "cannib.check.placebo_launch": {
        "zh": "安慰剂上线日（提前 {weeks} 周，仅上线前数据）",
        "en": "Placebo launch ({weeks} weeks early, pre-launch days only)",
    },
    "cannib.check.placebo_outcome": {
        "zh": "安慰剂结果：挂链前的订单数 log(1 + 订单)，发布 {hours} 小时后才挂链的笔记对比未挂链笔记",
        "en": "Placebo outcome: orders before the link, log(1 + orders), notes linked {hours}+ "
        "hours after publishing vs never-linked notes",
    },
    "cannib.check.sensitivity_inapp": {
        "zh": "未观测混杂敏感性（站内）",
        "en": "Hidden-confounder sensitivity (in-app)",
    },
    "cannib.check.sensitivity_offsite": {
        "zh": "未观测混杂敏感性（站外）",
        "en": "Hidden-confounder sensitivity (off-site)",
    },
    "cannib.check.twfe": {
        "zh": "朴素双向固定效应（对照）",
        "en": "Naive two-way fixed effects (contrast)",
    },
    "cannib.verdict.zero_ok": {
        "zh": "与零无显著差异：通过",
        "en": "Not distinguishable from zero: passes",
    },
    "cannib.verdict.zero_fail": {
        "zh": "显著不为零：设计假设可能不成立",
        "en": "Clearly non-zero: the design's assumption may fail",
    },
    "cannib.verdict.fragile": {"zh": "脆弱", "en": "Fragile"},
    "cannib.verdict.robust": {"zh": "稳健", "en": "Robust"},
    "cannib.verdict.not_significant": {
        "zh": "本身与零无显著差异",
        "en": "Not distinguishable from zero",
    },
    "cannib.verdict.yes": {"zh": "是", "en": "Yes"},
    "cannib.verdict.no": {"zh": "否", "en": "No"},
    "cannib.kind.exposure": {
        "zh": "曝光量（对比同龄笔记的衰减）",
        "en": "Volume (vs same-age decay)",
    },
    "cannib.kind.rate per impression": {"zh": "每次曝光的比率", "en": "Rate per impression"},
    "cannib.kind.rate per read": {"zh": "每次阅读的比率", "en": "Rate per read"},
    "cannib.dimension.industry": {"zh": "行业", "en": "Industry"},
    "cannib.dimension.has_inapp_store": {"zh": "站内店铺", "en": "In-app store"},
    "cannib.dimension.price_band": {"zh": "价格带", "en": "Price band"},
    "cannib.dimension.tier": {"zh": "博主层级", "en": "Creator tier"},
    "cannib.store.yes": {"zh": "有", "en": "yes"},
    "cannib.store.no": {"zh": "无", "en": "no"},
    "cannib.comparison_notes": {"zh": "对照笔记", "en": "Comparison notes"},
    # creator tiers (also registered by the conversion report; setdefault keeps the first)
    "tier.head": {"zh": "头部", "en": "Head"},
    "tier.mid": {"zh": "腰部", "en": "Mid-tier"},
    "tier.koc": {"zh": "KOC", "en": "KOC"},
    "tier.amateur": {"zh": "素人", "en": "Amateur"},
    # --- charts ----------------------------------------------------------------------------------
    "cannib.chart.propensity": {
        "zh": "挂链倾向（交叉拟合）",
        "en": "Propensity to be linked (cross-fitted)",
    },
    "cannib.chart.share_of_group": {"zh": "组内占比", "en": "Share of the group"},
    "cannib.chart.pre_periods": {
        "zh": "入驻前（检验平行趋势）",
        "en": "Before enrolment (parallel-trend check)",
    },
    "cannib.chart.post_periods": {"zh": "入驻后（效应）", "en": "After enrolment (effect)"},
    "cannib.chart.twfe": {"zh": "朴素 TWFE", "en": "Naive TWFE"},
    "cannib.chart.weeks_since_enrolment": {"zh": "距入驻的周数", "en": "Weeks since enrolment"},
    "cannib.chart.effect_pct_of_baseline": {
        "zh": "效应（占上线前水平 %）",
        "en": "Effect (% of pre-launch level)",
    },
    "cannib.chart.rd_running": {
        "zh": "上线前日均广告花费 − ¥5,000",
        "en": "Pre-launch daily ad spend − ¥5,000",
    },
    "cannib.chart.rd_outcome": {
        "zh": "上线后站内 GMV 变化 (%)",
        "en": "In-app GMV change since launch (%)",
    },
    "cannib.chart.rd_enrolled": {"zh": "已入驻 (%)", "en": "Enrolled (%)"},
    "cannib.chart.effect_inapp_gmv": {
        "zh": "站内 GMV 效应（¥/挂链笔记）",
        "en": "In-app GMV effect (¥ per linked note)",
    },
    "cannib.chart.effect_offsite_gmv": {
        "zh": "站外 GMV 效应（¥/挂链笔记）",
        "en": "Off-site GMV effect (¥ per linked note)",
    },
    # --- captions --------------------------------------------------------------------------------
    "cannib.caption.naive": {
        "zh": "直接差值 = 挂链笔记均值 − 其他全部笔记均值（归因窗口已结束的笔记）。挂链笔记来自更大的白名单商家、且是其更好的笔记，直接差值混入了这些差异。",
        "en": "Plain difference = mean of linked notes − mean of all other notes (windows closed). Linked notes come from bigger, white-listed merchants and are their better notes, so the plain difference mixes those differences in.",
    },
    "cannib.caption.controls": {
        "zh": "{n_linked:,} 篇发布后第 2 天或更晚挂链的笔记，对比 {n_comparison:,} 篇从未挂链的笔记。同一笔记挂链前后对比，以同龄未挂链笔记为基准；90% 区间在 ±{margin:.0%} 内才视为不受挂链影响（等价性检验）。用作控制变量：{admitted}。",
        "en": "{n_linked:,} notes linked on day 2 or later against {n_comparison:,} never-linked notes. Each note is compared with itself before and after its link, against never-linked notes of the same age; a signal counts as unmoved only if its 90% interval lies within ±{margin:.0%} (an equivalence test). Used as controls: {admitted}.",
    },
    "cannib.none": {"zh": "无", "en": "none"},
    "cannib.signal.impressions": {"zh": "曝光", "en": "Impressions"},
    "cannib.signal.reads": {"zh": "阅读", "en": "Reads"},
    "cannib.signal.search_impressions": {"zh": "搜索曝光", "en": "Search impressions"},
    "cannib.signal.likes": {"zh": "点赞", "en": "Likes"},
    "cannib.signal.collects": {"zh": "收藏", "en": "Saves"},
    "cannib.signal.comments": {"zh": "评论", "en": "Comments"},
    "cannib.signal.shares": {"zh": "分享", "en": "Shares"},
    "cannib.estimand.note_dml": {
        "zh": "挂链笔记：挂链 vs 不挂链的站内 GMV 差（ATT）",
        "en": "Linked notes: in-app GMV with vs without the link (ATT)",
    },
    "cannib.estimand.merchant_did": {
        "zh": "已入驻商家：入驻后站内店铺 GMV 相对反事实的变化",
        "en": "Enrolled merchants: in-app store GMV after enrolment vs without it",
    },
    "cannib.estimand.threshold_rdd": {
        "zh": "因跨过 ¥5,000 门槛而入驻的商家：上线后站内 GMV 变化（局部，被入驻时间稀释）",
        "en": "Merchants enrolling because they cleared ¥5,000: in-app GMV change since launch (local, diluted by timing)",
    },
    "cannib.assume.note_dml": {
        "zh": "给定控制变量（含经检验不受挂链影响的早期信号）后无未观测混杂；挂链与未挂链笔记倾向重叠；笔记间无溢出。",
        "en": "No hidden confounding given the controls (early signals included only where shown unmoved by the link); overlap of linked and unlinked notes; no spillovers between notes.",
    },
    "cannib.assume.merchant_did": {
        "zh": "相对各自上线前水平的平行趋势（入驻前各周检验）；入驻前无预期效应；618 等日历冲击对各商家按比例相同。",
        "en": "Parallel trends relative to each merchant's pre-launch level (checked on pre-enrolment weeks); no anticipation; calendar shocks such as 618 proportional across merchants.",
    },
    "cannib.assume.threshold_rdd": {
        "zh": "门槛两侧商家可比（连续性）；无人为操纵花费以跨过门槛（密度检验）；跨过门槛只通过入驻影响结果。",
        "en": "Merchants either side of the rule are comparable (continuity); no sorting across it (density test); crossing it matters only through enrolment.",
    },
    "cannib.check.note_dml": {
        "zh": "倾向 AUC {auc:.2f}；上界截断的挂链笔记 {clipped:.1%}",
        "en": "propensity AUC {auc:.2f}; linked notes at the upper clip {clipped:.1%}",
    },
    "cannib.check.merchant_did": {
        "zh": "预趋势检验 p = {p:.2f}；朴素 TWFE {twfe:.1f}%",
        "en": "pre-trend test p = {p:.2f}; naive TWFE {twfe:.1f}%",
    },
    "cannib.check.threshold_rdd": {
        "zh": "密度检验 p = {density:.2f}；第一阶段 F = {f:.1f}",
        "en": "density test p = {density:.2f}; first-stage F = {f:.1f}",
    },
    "cannib.caption.overlap": {
        "zh": "挂链笔记的倾向分布应与对照笔记重叠；虚线为截断界 [{low}, {high}]。上界处的挂链笔记占比：{clipped:.1%}。",
        "en": "Linked notes' propensities should overlap the comparison notes'; dotted lines are the clipping bounds [{low}, {high}]. Linked notes at the upper bound: {clipped:.1%}.",
    },
    "cannib.caption.note_level": {
        "zh": "双重稳健 DML（LightGBM，交叉拟合，按商家聚类），对象为 {n_linked:,} 篇挂链笔记与 {n_comparison:,} 篇未挂链笔记（可挂链但未挂链的笔记，加上未入驻商家笔记的随机样本：后者倾向得分近 0，只帮助结果模型）；站外 GMV 已按回传延迟加权补全。",
        "en": "Doubly robust DML (LightGBM, cross-fitted, clustered by merchant) on {n_linked:,} linked notes and {n_comparison:,} unlinked notes (those that could have been linked but were not, plus a random sample of notes of merchants not enrolled: their propensity is near 0 and they only inform the outcome model); off-site GMV is weighted up for orders not yet reported back.",
    },
    "cannib.caption.outcome_pool": {
        "zh": "另有 {n_pool:,} 篇未入驻商家的笔记（随机抽取）只用于训练“不挂链时的 GMV”模型：它们让模型见到未挂链的优质笔记能卖多少，不参与效应的平均。",
        "en": "A further {n_pool:,} notes of merchants not enrolled (a random sample) only train the model of GMV without a link: they show it what good notes sell unlinked, and take no part in the effect's average.",
    },
    "cannib.caption.outcome_offset": {
        "zh": "结果模型为 LightGBM 泊松回归，以笔记前 H 小时的{signal}为曝光量（对数偏移）：模型学的是每单位曝光的 GMV，爆款笔记的 GMV 随曝光等比放大，不被树模型压低。",
        "en": "The outcome models are Poisson LightGBM with the note's {signal} of the first H hours as exposure (a log offset): they learn GMV per unit of exposure, so a viral note's GMV scales with its reach instead of being capped by the trees.",
    },
    "cannib.caption.no_outcome_offset": {
        "zh": "结果模型为 LightGBM 泊松回归；早期阅读与曝光未通过挂链偏移检验，未用作曝光量。",
        "en": "The outcome models are Poisson LightGBM; early reads and impressions did not pass the link-shift test, so no exposure offset is used.",
    },
    "cannib.signal.early_reads": {"zh": "阅读量", "en": "reads"},
    "cannib.signal.early_impressions": {"zh": "曝光量", "en": "impressions"},
    "cannib.caption.event_study": {
        "zh": "Callaway–Sant'Anna 事件研究，相对上线前水平；入驻前各周应接近 0。联合预趋势检验 p = {p:.2f}。",
        "en": "Callaway–Sant'Anna event study, relative to each merchant's pre-launch level; weeks before enrolment should sit near 0. Joint pre-trend test p = {p:.2f}.",
    },
    "cannib.caption.merchant_level": {
        "zh": "{n:,} 家有站内店铺的商家（已入驻与白名单行业对照）；效应为入驻后每天相对反事实的百分比。朴素 TWFE：{twfe:.1f}%。",
        "en": "{n:,} merchants with an in-app store (enrolled and white-listed-industry comparisons); the effect is per post-enrolment day, in % of the counterfactual. Naive TWFE: {twfe:.1f}%.",
    },
    "cannib.caption.threshold": {
        "zh": "满足其他条件的 {n:,} 家商家；模糊断点回归（rdrobust，稳健偏差校正区间）。密度检验 p = {density:.2f}，第一阶段 F = {f:.1f}。效应为局部效应，且被入驻时间稀释。",
        "en": "{n:,} merchants meeting the other rules; fuzzy RD (rdrobust, robust bias-corrected interval). Density test p = {density:.2f}, first-stage F = {f:.1f}. The effect is local and diluted by enrolment timing.",
    },
    "cannib.caption.subgroups": {
        "zh": "分组效应复用同一次交叉拟合；少于 {min} 篇挂链笔记的分组不估计。虚线为总体效应。",
        "en": "Subgroup effects reuse the same cross-fit; groups with fewer than {min} linked notes are not estimated. Dashed line: the overall effect.",
    },
    "cannib.caption.designs": {
        "zh": "三种设计回答的问题不同（单位与人群不同），不应直接相减；方向一致才是相互印证。",
        "en": "The three designs answer different questions (different units and populations) and should not be subtracted; agreement in direction is what corroborates.",
    },
    "cannib.caption.robustness": {
        "zh": "安慰剂检验应接近 0；敏感性给出需要多强的未观测混杂（占残差变异的比例）才能抹去结论。",
        "en": "Placebos should be near 0; sensitivity says how strong a hidden confounder (share of residual variation) would have to be to erase a result.",
    },
}


def register() -> None:
    """Append this module's entries to the report dictionary, never replacing existing ones."""
    for key, value in CANNIBALIZATION_TEXT.items():
        i18n.TEXT.setdefault(key, value)


register()
