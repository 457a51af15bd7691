"""Report text of the conversion section (notebook 02), in Chinese and English.

Kept beside `redcat.report.i18n` rather than inside it so two people can add text without
editing one file at once; `register()` appends these entries to `i18n.TEXT` (never replacing
an existing key) and runs when `redcat.report.conversion_sections` is imported.
"""

from __future__ import annotations

from redcat.report import i18n

CONVERSION_TEXT: dict[str, dict[str, str]] = {
    # --- headings ------------------------------------------------------------------------------
    "conv.title": {"zh": "站外转化预测", "en": "Off-site conversion model"},
    "conv.section.notes": {"zh": "模型用到哪些笔记", "en": "Which notes the model learns from"},
    "conv.section.accuracy": {"zh": "预测准确度", "en": "How accurate the predictions are"},
    "conv.section.calibration": {"zh": "概率校准", "en": "Are the probabilities right?"},
    "conv.section.gains": {"zh": "站外 GMV 捕获率", "en": "Off-site GMV captured by the top notes"},
    "conv.section.by_industry": {"zh": "分行业表现", "en": "Accuracy by industry"},
    "conv.section.drivers": {"zh": "驱动因素", "en": "What drives predicted conversion"},
    "conv.section.live": {"zh": "值得加码的在投笔记", "en": "Live notes worth backing now"},
    "conv.section.model": {"zh": "模型文件与模型卡", "en": "Model files and model card"},
    # --- the notes used ---------------------------------------------------------------------------
    "conv.count.notes_published": {
        "zh": "分析日前发布的笔记",
        "en": "Notes published by the run date",
    },
    "conv.count.mature": {
        "zh": "成熟笔记（用于训练和评估）",
        "en": "Mature notes (learned from and tested)",
    },
    "conv.count.features_not_final": {
        "zh": "发布不足 {h} 小时（特征未完整，不打分）",
        "en": "Published less than {h} h ago (signals incomplete, not scored)",
    },
    "conv.count.immature": {
        "zh": "归因窗口或回传未完成（不用于训练和评估）",
        "en": "Window or reporting still open (kept out of training and evaluation)",
    },
    "conv.count.train_notes": {"zh": "训练集（最早）", "en": "Training notes (earliest)"},
    "conv.count.valid_notes": {
        "zh": "验证集（早停与校准）",
        "en": "Validation notes (early stopping, calibration)",
    },
    "conv.count.test_notes": {"zh": "测试集（最新的成熟笔记）", "en": "Test notes (latest mature)"},
    "conv.count.live_notes": {
        "zh": "在投笔记（已打分，待观察）",
        "en": "Live notes (scored, outcome pending)",
    },
    "conv.col.what": {"zh": "笔记", "en": "Notes"},
    "conv.col.count": {"zh": "篇数", "en": "Count"},
    "conv.caption.notes": {
        "zh": "目标：发布后 {w} 天内是否有站外订单（含挂链与回搜），只计分析日 {as_of} 前已回传的订单。"
        "回传有延迟，窗口结束后还要再等 {lag:.0f} 小时（99% 的订单在此之内回传）才算“成熟”，"
        "未成熟笔记不当作负样本。按发布时间切分：早的训练，晚的测试。成熟笔记中有站外订单的占 {rate:.1%}。",
        "en": "Target: at least one off-site order (link or search) within {w} days of publishing, "
        "as reported back by the run date {as_of}. Reports arrive late, so a note counts as mature "
        "only {lag:.0f} hours after its window closes (99% of orders are reported within that); "
        "immature notes are never treated as non-buyers. Split by publish time: earlier notes "
        "train, later notes test. {rate:.1%} of mature notes had an off-site order.",
    },
    # --- accuracy ---------------------------------------------------------------------------------
    "conv.scorer.lightgbm": {"zh": "LightGBM 模型", "en": "LightGBM model"},
    "conv.scorer.logistic": {"zh": "逻辑回归（基线）", "en": "Logistic regression (baseline)"},
    "conv.scorer.prior_rate": {"zh": "平均转化率（基线）", "en": "Prior rate (baseline)"},
    "conv.scorer.oracle": {"zh": "真实概率（理论上限）", "en": "True probabilities (oracle)"},
    "conv.scorer.hindsight": {"zh": "事后最优排序", "en": "Hindsight (perfect ranking)"},
    "conv.scorer.random": {"zh": "不排序", "en": "No ranking"},
    "conv.col.scorer": {"zh": "预测方式", "en": "Predictor"},
    "conv.col.auc": {"zh": "AUC", "en": "AUC"},
    "conv.col.pr_auc": {"zh": "PR-AUC", "en": "PR-AUC"},
    "conv.col.logloss": {"zh": "对数损失", "en": "Log loss"},
    "conv.col.brier": {"zh": "Brier 分数", "en": "Brier score"},
    "conv.col.ece": {"zh": "校准误差 (ECE)", "en": "Calibration error (ECE)"},
    "conv.col.mean_predicted": {"zh": "平均预测", "en": "Mean predicted"},
    "conv.col.observed_rate": {"zh": "实际转化率", "en": "Observed rate"},
    "conv.caption.accuracy": {
        "zh": "测试集 {n:,} 篇笔记（{start} 至 {end} 发布）。AUC、PR-AUC 越高越好，对数损失、Brier、"
        "ECE 越低越好。",
        "en": "{n:,} test notes published {start} to {end}. Higher AUC and PR-AUC are better; "
        "lower log loss, Brier score and ECE are better.",
    },
    "conv.verdict.oracle": {
        "zh": "模型 AUC {auc:.3f}，真实概率的 AUC {oracle:.3f}：距理论上限 {gap:.3f}。",
        "en": "Model AUC {auc:.3f} against {oracle:.3f} for the true probabilities: {gap:.3f} "
        "short of the best any model could do with these notes.",
    },
    "conv.verdict.baselines": {
        "zh": "模型优于两个基线：AUC 比逻辑回归高 {d_auc:+.3f}，对数损失低 {d_ll:.4f}。",
        "en": "The model beats both baselines: AUC {d_auc:+.3f} over logistic regression, "
        "log loss {d_ll:.4f} lower.",
    },
    "conv.verdict.baselines_fail": {
        "zh": "注意：模型未能在所有指标上优于基线，请谨慎使用。",
        "en": "Caution: the model does not beat the baselines on every metric; use it with care.",
    },
    # --- calibration ------------------------------------------------------------------------------
    "conv.chart.predicted": {"zh": "预测概率", "en": "Predicted probability"},
    "conv.chart.observed": {"zh": "实际转化率", "en": "Observed rate"},
    "conv.chart.perfect": {"zh": "完全校准", "en": "Perfectly calibrated"},
    "conv.caption.calibration": {
        "zh": "测试笔记按预测概率等分为 10 组（每组笔记数相同），每组比较平均预测与实际转化率。"
        "ECE（各组差距的加权平均）= {ece:.4f}，90% 自助法区间 {ece_low:.4f}–{ece_high:.4f}。"
        "即使概率完全准确，这么多笔记也会因样本随机性得到约 {floor:.4f}；真实概率的 ECE 为 "
        "{oracle_ece}；以真实概率代替实际结果衡量，模型的偏差为 {vs_truth}。校准：{method}。",
        "en": "Test notes in 10 groups of equal size by predicted probability; each point compares "
        "the mean prediction with the observed rate. ECE (the size-weighted mean gap) = "
        "{ece:.4f}, 90% bootstrap interval {ece_low:.4f}–{ece_high:.4f}. Perfectly calibrated "
        "probabilities would score about {floor:.4f} on this many notes from sampling noise "
        "alone; the true probabilities score {oracle_ece}; measured against the true "
        "probabilities instead of the outcomes, the model is off by {vs_truth}. "
        "Calibration: {method}.",
    },
    "conv.calibration.none": {
        "zh": "原始概率已校准良好，未做修正",
        "en": "raw probabilities were already well calibrated, no correction",
    },
    "conv.calibration.platt": {
        "zh": "在验证集上做了 Platt 校正（交叉验证对数损失最低）",
        "en": "Platt scaling fitted on the validation notes (lowest out-of-fold log loss)",
    },
    "conv.calibration.cloglog": {
        "zh": "在验证集上按预期订单数的对数尺度（cloglog）做了校正（交叉验证对数损失最低）",
        "en": "a correction on the scale of log expected orders (cloglog) fitted on the "
        "validation notes (lowest out-of-fold log loss)",
    },
    "conv.calibration.cloglog_calendar": {
        "zh": "在验证集上做了随大促日历变化的校正：按归因窗口落在大促内的天数调整"
        "（交叉验证对数损失最低）",
        "en": "a correction that follows the festival calendar (the share of each note's "
        "window inside a shopping festival), fitted on the validation notes (lowest "
        "out-of-fold log loss)",
    },
    "conv.calibration.isotonic": {
        "zh": "在验证集上做了保序回归校正（交叉验证对数损失最低）",
        "en": "isotonic regression fitted on the validation notes (lowest out-of-fold log loss)",
    },
    # --- gains ------------------------------------------------------------------------------------
    "conv.chart.share_of_notes": {
        "zh": "按预测排序的笔记占比",
        "en": "Share of notes, ranked by prediction",
    },
    "conv.chart.share_of_gmv": {"zh": "站外 GMV 占比", "en": "Share of off-site GMV"},
    "conv.col.ranking": {"zh": "排序方式", "en": "Ranking"},
    "conv.col.top_5pct": {"zh": "前 5% 笔记", "en": "Top 5% of notes"},
    "conv.col.top_10pct": {"zh": "前 10% 笔记", "en": "Top 10% of notes"},
    "conv.col.top_20pct": {"zh": "前 20% 笔记", "en": "Top 20% of notes"},
    "conv.caption.gains": {
        "zh": "按模型预测的站外 GMV 排序，前 10% 的测试笔记贡献了 {top10:.0%} 的站外 GMV（随机约 10%）。"
        "模型预计测试笔记共带来站外 GMV ¥{expected:,.0f}，实际为 ¥{observed:,.0f}。",
        "en": "Ranked by the model's expected off-site GMV, the top 10% of test notes brought "
        "{top10:.0%} of their off-site GMV (about 10% at random). In total the model expected "
        "¥{expected:,.0f} from the test notes; they brought ¥{observed:,.0f}.",
    },
    # --- industries -------------------------------------------------------------------------------
    "conv.col.n": {"zh": "笔记数", "en": "Notes"},
    "conv.col.model_auc": {"zh": "模型 AUC", "en": "Model AUC"},
    "conv.col.oracle_auc": {"zh": "上限 AUC", "en": "Oracle AUC"},
    "conv.col.logistic_auc": {"zh": "逻辑回归 AUC", "en": "Logistic AUC"},
    "conv.col.model_mean": {"zh": "平均预测", "en": "Mean predicted"},
    "conv.caption.by_industry": {
        "zh": "只列出测试笔记不少于 {min_n} 篇的行业。",
        "en": "Industries with at least {min_n} test notes.",
    },
    # --- drivers ----------------------------------------------------------------------------------
    "conv.chart.importance": {
        "zh": "平均贡献（对数几率，绝对值）",
        "en": "Mean contribution (|log-odds|)",
    },
    "conv.chart.pd_y": {"zh": "平均预测转化率", "en": "Mean predicted conversion"},
    "conv.drivers.up": {
        "zh": "{feature}：从 {low} 提高到 {high}（第 10 到第 90 百分位），平均预测转化率从 {p_low:.1%} 变为 {p_high:.1%}。",
        "en": "{feature}: from {low} to {high} (10th to 90th percentile of notes), mean predicted "
        "conversion moves from {p_low:.1%} to {p_high:.1%}.",
    },
    "conv.drivers.flag": {
        "zh": "{feature}：是 {p_high:.1%}，否 {p_low:.1%}（平均预测转化率，其余信号不变）。",
        "en": "{feature}: {p_high:.1%} mean predicted conversion with it, {p_low:.1%} without "
        "(other signals as they are).",
    },
    "conv.drivers.category": {
        "zh": "{feature}：{high} 的平均预测转化率最高（{p_high:.1%}），{low} 最低（{p_low:.1%}）。",
        "en": "{feature}: {high} converts best ({p_high:.1%} predicted on average), {low} "
        "least ({p_low:.1%}).",
    },
    "conv.caption.drivers": {
        "zh": "条形：LightGBM 对每篇测试笔记的逐特征贡献 (TreeSHAP) 的平均绝对值。文字与小图：其余信号保持不变，"
        "只改变一个信号时平均预测如何变化（部分依赖）。这些是预测关系，不是因果效应。",
        "en": "Bars: the mean absolute per-note contribution (LightGBM's TreeSHAP) over the test "
        "notes. Sentences and small charts: how the mean prediction moves when one signal "
        "changes and the rest stay as they are (partial dependence). These are predictive "
        "associations, not causal effects.",
    },
    # --- live notes -------------------------------------------------------------------------------
    "conv.col.note_id": {"zh": "笔记", "en": "Note"},
    "conv.col.title": {"zh": "标题", "en": "Title"},
    "conv.col.published": {"zh": "发布时间", "en": "Published"},
    "conv.col.p_offsite": {"zh": "站外成交概率", "en": "P(off-site order)"},
    "conv.col.expected_gmv": {"zh": "预计站外 GMV", "en": "Expected off-site GMV"},
    "conv.col.drivers": {"zh": "主要推动因素", "en": "Main drivers"},
    "conv.caption.live": {
        "zh": "已发布超过 {h} 小时、{w} 天窗口尚未结束的 {n:,} 篇笔记中，预计站外 GMV 最高的 {k} 篇。",
        "en": "The {k} notes with the highest expected off-site GMV among {n:,} notes past "
        "{h} hours whose {w}-day window is still open.",
    },
    "conv.live.none": {"zh": "目前没有在投笔记。", "en": "No live notes at the run date."},
    # --- model ------------------------------------------------------------------------------------
    "conv.model.saved": {
        "zh": "模型版本 {version} 已保存到 {path}（LightGBM 文本格式与模型卡）。对新数据打分：{command}",
        "en": "Model version {version} saved to {path} (LightGBM text format and model card). "
        "To score new data: {command}",
    },
    "conv.model.facts": {
        "zh": "分类器 {rounds} 棵树，GMV 模型 {gmv_rounds} 棵树（Tweedie），训练用时 {seconds:.1f} 秒，随机种子 {seed}。",
        "en": "Classifier {rounds} trees, GMV model {gmv_rounds} trees (Tweedie), trained in "
        "{seconds:.1f} s, seed {seed}.",
    },
    "conv.not_enough": {
        "zh": "成熟笔记太少，无法训练和评估模型：{reason}",
        "en": "Too few mature notes to train and test a model: {reason}",
    },
    # --- features (labels for drivers and tables) ---------------------------------------------
    "feature.impressions": {"zh": "曝光", "en": "Impressions"},
    "feature.reads": {"zh": "阅读", "en": "Reads"},
    "feature.likes": {"zh": "点赞", "en": "Likes"},
    "feature.collects": {"zh": "收藏", "en": "Saves"},
    "feature.comments": {"zh": "评论", "en": "Comments"},
    "feature.shares": {"zh": "分享", "en": "Shares"},
    "feature.search_impressions": {"zh": "搜索曝光", "en": "Search impressions"},
    "feature.ad_spend": {"zh": "广告花费", "en": "Ad spend"},
    "feature.link_clicks": {"zh": "链接点击", "en": "Link taps"},
    "feature.store_visits": {"zh": "进店", "en": "Store visits"},
    "feature.read_rate": {"zh": "阅读率", "en": "Read rate"},
    "feature.like_rate": {"zh": "点赞/阅读", "en": "Likes per read"},
    "feature.collect_rate": {"zh": "收藏/阅读", "en": "Saves per read"},
    "feature.comment_rate": {"zh": "评论/阅读", "en": "Comments per read"},
    "feature.share_rate": {"zh": "分享/阅读", "en": "Shares per read"},
    "feature.engagement_rate": {"zh": "互动率", "en": "Engagement per read"},
    "feature.collect_ratio": {"zh": "藏赞比", "en": "Saves per like"},
    "feature.search_share": {"zh": "搜索曝光占比", "en": "Search share of impressions"},
    "feature.link_click_rate": {"zh": "链接点击/阅读", "en": "Link taps per read"},
    "feature.store_visit_rate": {"zh": "进店/阅读", "en": "Store visits per read"},
    "feature.ad_spend_per_1k_impressions": {
        "zh": "千次曝光花费",
        "en": "Ad spend per 1k impressions",
    },
    "feature.impressions_first_day_share": {
        "zh": "首日曝光占比",
        "en": "First-day share of impressions",
    },
    "feature.reads_first_day_share": {"zh": "首日阅读占比", "en": "First-day share of reads"},
    "feature.collects_first_day_share": {"zh": "首日收藏占比", "en": "First-day share of saves"},
    "feature.impressions_last_day_share": {
        "zh": "最近一日曝光占比",
        "en": "Last-day share of impressions",
    },
    "feature.reads_last_day_share": {"zh": "最近一日阅读占比", "en": "Last-day share of reads"},
    "feature.collects_last_day_share": {"zh": "最近一日收藏占比", "en": "Last-day share of saves"},
    "feature.days_observed": {"zh": "已观察天数", "en": "Days observed"},
    "feature.hours_first_day": {"zh": "发布当天时长", "en": "Hours live on publish day"},
    "feature.format": {"zh": "笔记形式", "en": "Format"},
    "feature.price": {"zh": "价格", "en": "Price"},
    "feature.price_vs_industry": {"zh": "价格/行业中位价", "en": "Price vs industry median"},
    "feature.text_length": {"zh": "正文长度", "en": "Text length"},
    "feature.n_images": {"zh": "图片数", "en": "Images"},
    "feature.paid_collab": {"zh": "蒲公英合作", "en": "Paid collaboration"},
    "feature.linked": {"zh": "已挂链", "en": "Linked"},
    "feature.hours_to_link": {"zh": "挂链用时（小时）", "en": "Hours to link"},
    "feature.publish_hour": {"zh": "发布时刻", "en": "Publish hour"},
    "feature.inapp_orders": {"zh": "站内订单", "en": "In-app orders"},
    "feature.inapp_gmv": {"zh": "站内 GMV", "en": "In-app GMV"},
    "feature.followers": {"zh": "博主粉丝数", "en": "Creator followers"},
    "feature.tier": {"zh": "博主层级", "en": "Creator tier"},
    "feature.industry": {"zh": "行业", "en": "Industry"},
    "feature.has_inapp_store": {"zh": "有站内店铺", "en": "Has in-app store"},
    "feature.enterprise_account": {"zh": "企业号", "en": "Enterprise account"},
    "feature.merchant_daily_ad_spend": {"zh": "商家日均广告花费", "en": "Merchant daily ad spend"},
    "feature.merchant_funnel_budget": {"zh": "商家全域预算", "en": "Merchant funnel budget"},
    "feature.merchant_enrolled": {"zh": "商家已入驻红猫", "en": "Merchant enrolled"},
    # --- values of categorical features -------------------------------------------------------
    "format.image": {"zh": "图文", "en": "Image"},
    "format.video": {"zh": "视频", "en": "Video"},
    "tier.head": {"zh": "头部", "en": "Head"},
    "tier.mid": {"zh": "腰部", "en": "Mid-tier"},
    "tier.koc": {"zh": "KOC", "en": "KOC"},
    "tier.amateur": {"zh": "素人", "en": "Amateur"},
}


def register() -> None:
    """Append this module's entries to the report dictionary, never replacing existing ones."""
    for key, value in CONVERSION_TEXT.items():
        i18n.TEXT.setdefault(key, value)


register()
