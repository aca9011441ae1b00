"""Labels of the report in English and Chinese: every heading, axis label, table header and note.

`text(lang, key, **values)` returns the label of `key` in `lang` ("en" or "zh") with `{placeholders}` filled.
Unit names come from calibration/units_2020.csv, not from here.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

_EN: dict[str, str] = {
    "title": "talentsim report: {name}",
    "subtitle_run": "A single run of scenario {name}, {start} to {end}, scale {scale}, seed {seed}.",
    "subtitle_store": "Batch store {name}: {scenarios} scenario(s), {runs} run(s), {start} to {end}, "
    "scale {scale}.",
    "contents": "Contents",
    "glance": "At a glance (means over runs)",
    "glance_change": "change since census day",
    "glance_retained": "graduates still here one year on, last July",
    "glance_target": " (2025 target {value})",
    "glance_migration": "net inter-provincial migration {start} to {end}",
    "glance_spending": "policy spending, million yuan",
    "sec_series": "1 The province over time",
    "sec_units": "2 The 11 census units",
    "sec_targets": "3 Progress to the plan's 2025 targets",
    "sec_compare": "4 Differences from the baseline and cost per outcome",
    "sec_spending": "5 Spending by lever and year",
    "sec_provenance": "6 Provenance",
    "sec_howto": "7 How to read this report",
    "series_intro_run": "One line per scenario (a single run: no band).",
    "series_intro_store": "One line per scenario: the mean over its runs; the shaded band holds 90 % of the "
    "runs (from the 5th to the 95th percentile over replicates and parameter samples).",
    "population": "Population",
    "working_age_population": "Working-age population (16-59)",
    "net_migration_interprovincial": "Net inter-provincial migration, per calendar year",
    "net_migration_within": "Net migration between units, {start} to {end} (cumulative)",
    "graduates_retained_one_year": "Graduates of Jilin's universities still here one year on (July)",
    "high_skill_talent": "High-skill talent in the labour force",
    "high_skill_share": "High-skill share of skilled workers",
    "training_person_times_to_date": "Training person-times since 2021-01",
    "persons": "persons",
    "persons_per_year": "persons per year",
    "person_times": "person-times",
    "percent": "%",
    "yuan": "yuan",
    "million_yuan": "million yuan",
    "month": "month",
    "year": "year",
    "target": "2025 target",
    "partial_years": "The first year (2020) counts November and December only; a year the run ends in "
    "counts its simulated months only.",
    "units_intro": "Each unit with its Chinese name beside its pinyin name. The map places the units at their "
    "coordinates (calibration/units_2020.csv); circle area is the census-day population and colour the "
    "change of population to {end} in scenario {scenario}.",
    "map_title": "Population change to {end}, scenario {scenario}",
    "population_change_pct": "population change since census day, %",
    "units_population": "Population by unit, % change since census day",
    "units_high_skill": "High-skill talent by unit (persons)",
    "th_unit": "unit",
    "th_change_in": "population change, {scenario}",
    "th_moves": "net moves between units ({scenario})",
    "longitude": "longitude (°E)",
    "latitude": "latitude (°N)",
    "targets_intro": "The plan's 2025 targets (calibration/policy_instruments.csv, rows plan_targets_2025) "
    "against each scenario at {month}.",
    "targets_early": "The runs end at {month}, before 2025-12: the values are those of {month}, not of the "
    "plan's end.",
    "targets_title": "Attainment of the 2025 targets at {month}",
    "attainment_pct": "attainment, % of target",
    "th_target": "target",
    "th_goal": "goal",
    "th_scenario": "scenario",
    "th_value": "value (mean)",
    "th_interval": "90 % band",
    "th_attainment": "attainment",
    "th_share_reaching": "share of runs reaching it",
    "th_runs": "runs",
    "target_high_skill_talent": "High-skill talent",
    "target_high_skill_share": "High-skill share of skilled workers",
    "target_training": "Subsidised training person-times 2021-2025",
    "compare_none_run": "A single run has no baseline to pair with: run a batch (talentsim batch) and pass "
    "--baseline NAME to see paired differences.",
    "compare_none_store": "No baseline was named: pass --baseline NAME (one of: {names}) for paired differences "
    "and the cost per outcome.",
    "compare_intro": "Each variant minus the baseline scenario ({baseline}), paired run by run (same seed and "
    "sample), in {year}: mean difference with its 90 % interval. A difference whose interval crosses zero is "
    "not told apart from noise by these runs.",
    "differences_title": "Paired differences from {baseline} in {year} (mean, 90 % interval)",
    "th_indicator": "indicator",
    "th_variant": "variant",
    "th_diff": "difference",
    "th_outcome": "outcome",
    "th_extra_outcome": "extra outcome",
    "th_extra_spending": "extra spending, million yuan",
    "th_cost_per_unit": "yuan per unit of outcome",
    "costs_intro": "Cost per outcome: the extra spending of each variant over the baseline (the levers it adds), "
    "summed from census day to the end of {year}, divided by its extra outcome (as `talentsim compare` "
    "computes it). A cost is shown where the extra outcome is positive on average; its 90 % interval "
    "(Fieller's) is left open (—) when the extra outcome is not told apart from zero by these runs. Example: "
    "1,000,000 yuan per graduate retained means the variant spent one million yuan more for each extra "
    "graduate it kept in Jilin.",
    "outcome_graduates_retained": "Graduates retained one year on, summed over the cohorts up to {year}",
    "outcome_high_skill_talent": "High-skill talent in December {year}",
    "outcome_population": "Population in December {year}",
    "costs_none": "No cost per outcome could be computed (no extra spending or no outcome difference).",
    "spending_intro": "What each lever paid, by calendar year (mean over the scenario's runs), in million yuan "
    "(indicators policy_spending_yuan.<lever>).",
    "spending_none": "No lever spent anything in these runs.",
    "spending_title": "Spending by lever and year, {scenario}",
    "th_lever": "lever",
    "th_levers_added": "levers it adds to the baseline",
    "th_total": "total",
    "prov_intro": "Where these numbers come from. The same scenario, scale and seed give the same numbers.",
    "prov_kind": "input",
    "prov_kind_run": "run folder",
    "prov_kind_store": "batch store",
    "prov_path": "path",
    "prov_scenarios": "scenarios",
    "prov_description": "description",
    "prov_seeds": "seeds",
    "prov_scale": "scale (residents per simulated person)",
    "prov_months": "months",
    "prov_code": "code version",
    "prov_created": "created",
    "prov_experiment": "experiment",
    "prov_hash": "experiment hash",
    "prov_runs": "runs (succeeded / failed)",
    "prov_persons": "persons simulated",
    "prov_calibration": "calibration file hashes (SHA-256, first 16 hex digits)",
    "prov_file": "file",
    "prov_sha": "hash",
    "prov_scenario_hashes": "scenario hashes",
    "prov_none": "not recorded",
    "prov_calibration_now": "The store does not record the calibration files' hashes: its code version {stored} "
    "(git commit) fixes them. The files as they are in this project now (code version {now}{same}):",
    "prov_same": ", the same",
    "prov_different": ", a different one: these may not be the files the runs used",
    "howto": [
        "Counts (persons, person-times) are real persons: the simulated persons times the scale. At a coarse "
        "scale (100 or more) a unit's monthly figures move in steps of the scale; read trends, not single "
        "months.",
        "A stock (population, talent, graduates retained) is its value on the first day of a month; a flow "
        "(migration, training) is a total over the month, summed here over calendar years.",
        "With a batch, lines are means over runs and bands hold 90 % of the runs. Two scenarios whose bands "
        "overlap may still differ: the paired differences (section 4) compare runs that share their random "
        "numbers, which is sharper.",
        "Cost per outcome (section 4) divides extra money by extra results: a lower figure is better value, a "
        "wide interval means the runs cannot pin it down (add replicates), and no figure means the variant did "
        "not improve that outcome on average.",
        "The plan's targets are read from calibration/policy_instruments.csv. Its training target counts the "
        "courses the plan's programmes fund (training_person_times_subsidised_to_date), not firms' own "
        "training: a scenario without training levers gets none. A scenario that does not reach "
        "a target in most runs is unlikely to reach it under the model's assumptions, not certain to miss it.",
        "Everything here is a model of Jilin, calibrated to figures up to census day 2020-11-01; docs/ODD.md "
        "says what the model includes and leaves out, docs/parameters.md explains every setting.",
    ],
    "generated": "Generated by talentsim {version} on {when}.",
    "no_data": "No data for this chart in these runs.",
    "mean": "mean",
}

_ZH: dict[str, str] = {
    "title": "talentsim 报告：{name}",
    "subtitle_run": "情景 {name} 的单次运行，{start} 至 {end}，比例 {scale}，随机种子 {seed}。",
    "subtitle_store": "批量结果库 {name}：{scenarios} 个情景，{runs} 次运行，{start} 至 {end}，比例 {scale}。",
    "contents": "目录",
    "glance": "概览（各次运行的平均值）",
    "glance_change": "相对普查日的变化",
    "glance_retained": "毕业一年后仍在吉林的毕业生（最近一年7月）",
    "glance_target": "（2025年目标 {value}）",
    "glance_migration": "{start} 至 {end} 省际净迁移",
    "glance_spending": "政策支出（百万元）",
    "sec_series": "一、全省指标随时间的变化",
    "sec_units": "二、十一个普查单元",
    "sec_targets": "三、“十四五”规划2025年目标的进展",
    "sec_compare": "四、与基准情景的差异及单位成效成本",
    "sec_spending": "五、各项政策分年度支出",
    "sec_provenance": "六、数据来源与运行信息",
    "sec_howto": "七、如何阅读本报告",
    "series_intro_run": "每个情景一条曲线（单次运行，无区间带）。",
    "series_intro_store": "每个情景一条曲线：各次运行的平均值；阴影带包含90%的运行结果（重复运行与参数样本的"
    "第5至第95百分位数）。",
    "population": "常住人口",
    "working_age_population": "劳动年龄人口（16至59岁）",
    "net_migration_interprovincial": "省际净迁移（按年度）",
    "net_migration_within": "单元之间的净迁移，{start} 至 {end}（累计）",
    "graduates_retained_one_year": "本省高校毕业生一年后留吉人数（每年7月）",
    "high_skill_talent": "劳动力中的高技能人才",
    "high_skill_share": "高技能人才占技能劳动者的比例",
    "training_person_times_to_date": "2021年1月以来的职业技能培训人次",
    "persons": "人",
    "persons_per_year": "人／年",
    "person_times": "人次",
    "percent": "%",
    "yuan": "元",
    "million_yuan": "百万元",
    "month": "月份",
    "year": "年份",
    "target": "2025年目标",
    "partial_years": "第一年（2020年）只包括11月和12月；运行结束的那一年只计算已模拟的月份。",
    "units_intro": "各单元以中文名称加拼音名称标注。地图按各单元的坐标（calibration/units_2020.csv）绘制；"
    "圆圈面积表示普查日人口，颜色表示情景 {scenario} 中到 {end} 为止的人口变化。",
    "map_title": "到 {end} 的人口变化，情景 {scenario}",
    "population_change_pct": "相对普查日的人口变化（%）",
    "units_population": "各单元人口相对普查日的变化（%）",
    "units_high_skill": "各单元高技能人才（人）",
    "th_unit": "单元",
    "th_change_in": "人口变化，{scenario}",
    "th_moves": "单元之间净迁移（{scenario}）",
    "longitude": "经度（东经）",
    "latitude": "纬度（北纬）",
    "targets_intro": "规划的2025年目标（calibration/policy_instruments.csv 中 plan_targets_2025 各行）与各情景在 "
    "{month} 的数值对比。",
    "targets_early": "运行在 {month} 结束，早于2025年12月：表中数值为 {month} 的数值，而非规划期末的数值。",
    "targets_title": "{month} 时2025年目标的完成程度",
    "attainment_pct": "完成程度（占目标的百分比）",
    "th_target": "目标",
    "th_goal": "目标值",
    "th_scenario": "情景",
    "th_value": "数值（平均）",
    "th_interval": "90%区间",
    "th_attainment": "完成程度",
    "th_share_reaching": "达到目标的运行比例",
    "th_runs": "运行次数",
    "target_high_skill_talent": "高技能人才总量",
    "target_high_skill_share": "高技能人才占技能劳动者比例",
    "target_training": "2021至2025年补贴性职业技能培训人次",
    "compare_none_run": "单次运行没有可配对的基准：请运行批量实验（talentsim batch）并使用 --baseline 名称 "
    "参数查看配对差异。",
    "compare_none_store": "未指定基准情景：请使用 --baseline 名称（可选：{names}）查看配对差异和单位成效成本。",
    "compare_intro": "各情景减去基准情景（{baseline}），按运行逐一配对（相同随机种子和参数样本），{year}年："
    "平均差异及其90%区间。区间跨越零的差异，无法由这些运行与随机波动区分开。",
    "differences_title": "{year}年与 {baseline} 的配对差异（平均值及90%区间）",
    "th_indicator": "指标",
    "th_variant": "情景",
    "th_diff": "差异",
    "th_outcome": "成效指标",
    "th_extra_outcome": "新增成效",
    "th_extra_spending": "新增支出（百万元）",
    "th_cost_per_unit": "每单位成效的成本（元）",
    "costs_intro": "单位成效成本：各情景（所增加的政策）相对基准情景的新增支出（从普查日累计至{year}年底），"
    "除以其新增成效（与 talentsim compare 的计算相同）。新增成效平均为正时显示成本；若这些运行无法将新增成效与零"
    "区分开，其90%区间（Fieller法）不设上下限（—）。例如：每留住一名毕业生1,000,000元，表示该情景每多留住一名"
    "毕业生，多支出一百万元。",
    "outcome_graduates_retained": "毕业一年后留吉的毕业生，截至{year}年各届累计",
    "outcome_high_skill_talent": "{year}年12月的高技能人才",
    "outcome_population": "{year}年12月的常住人口",
    "costs_none": "无法计算单位成效成本（没有新增支出或成效没有差异）。",
    "spending_intro": "各项政策按年度的支出（各情景所有运行的平均值），单位为百万元"
    "（指标 policy_spending_yuan.<政策名称>）。",
    "spending_none": "这些运行中没有任何政策产生支出。",
    "spending_title": "各项政策分年度支出，情景 {scenario}",
    "th_lever": "政策",
    "th_levers_added": "相对基准情景增加的政策",
    "th_total": "合计",
    "prov_intro": "这些数字的来源。相同的情景、比例和随机种子会得到相同的数字。",
    "prov_kind": "输入",
    "prov_kind_run": "单次运行文件夹",
    "prov_kind_store": "批量结果库",
    "prov_path": "路径",
    "prov_scenarios": "情景",
    "prov_description": "说明",
    "prov_seeds": "随机种子",
    "prov_scale": "比例（每个模拟个体代表的常住人口数）",
    "prov_months": "月份范围",
    "prov_code": "代码版本",
    "prov_created": "创建时间",
    "prov_experiment": "实验",
    "prov_hash": "实验哈希值",
    "prov_runs": "运行次数（成功／失败）",
    "prov_persons": "模拟个体数",
    "prov_calibration": "校准文件哈希值（SHA-256，前16位十六进制）",
    "prov_file": "文件",
    "prov_sha": "哈希值",
    "prov_scenario_hashes": "情景哈希值",
    "prov_none": "未记录",
    "prov_calibration_now": "批量结果库未记录校准文件的哈希值：其代码版本 {stored}（git 提交）确定了这些文件。"
    "本项目中这些文件当前的哈希值（当前代码版本 {now}{same}）：",
    "prov_same": "，与结果库相同",
    "prov_different": "，与结果库不同：这些可能不是运行时所用的文件",
    "howto": [
        "计数（人、人次）均为实际人数：模拟个体数乘以比例。比例较粗（100或以上）时，单元的月度数字以比例为步长变化；"
        "请看趋势，而不是单个月份。",
        "存量（人口、人才、留吉毕业生）是每月第一天的数值；流量（迁移、培训）是当月的合计，本报告按年度加总。",
        "批量结果中，曲线为各次运行的平均值，阴影带包含90%的运行结果。两个情景的区间带重叠时仍可能存在差异："
        "第四部分的配对差异比较共享随机数的运行，更为精确。",
        "单位成效成本（第四部分）是新增支出除以新增成效：数字越低越划算；区间很宽说明这些运行还不能确定它（请增加重复"
        "运行次数）；没有数字说明该情景平均而言没有改善这项成效。",
        "规划目标读自 calibration/policy_instruments.csv。其中培训目标只计算规划项目资助的培训"
        "（training_person_times_subsidised_to_date），不计企业自主培训：没有培训政策的情景为零。"
        "一个情景在大多数运行中都达不到某个目标，说明在模型假设下不太可能达到，而不是必然达不到。",
        "本报告的一切都是吉林省的模型结果，校准所用数据截至2020年11月1日普查日；docs/ODD.md 说明模型包括和不包括的"
        "内容，docs/parameters.md 解释每一项设置。",
    ],
    "generated": "由 talentsim {version} 于 {when} 生成。",
    "no_data": "这些运行中没有此图所需的数据。",
    "mean": "平均",
}

_TEXT = {"en": _EN, "zh": _ZH}


def text(lang: str, key: str, **values: object) -> str:
    """The label `key` in `lang`, with `{name}` placeholders filled from `values`."""
    label = _TEXT[lang][key]
    if not isinstance(label, str):
        raise TypeError(f"label {key} is not a single string")
    return label.format(**values) if values else label


def has_text(lang: str, key: str) -> bool:
    """Whether `key` has a label in `lang`."""
    return key in _TEXT[lang]


def paragraphs(lang: str, key: str) -> list[str]:
    """A label that is a list of paragraphs (such as the "how to read this" note)."""
    label = _TEXT[lang][key]
    return list(label) if isinstance(label, list) else [str(label)]
