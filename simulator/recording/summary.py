"""The summary a run prints: census day against the last month for the main province indicators, the run's
flows in total and per year, progress to the plan's 2025 targets, and spending by lever."""

from __future__ import annotations

import pandas as pd

SUMMARY_STOCKS = (
    ("population", "{:,.0f}"),
    ("working_age_population", "{:,.0f}"),
    ("employed", "{:,.0f}"),
    ("unemployment_rate", "{:.1%}"),
    ("mean_wage", "{:,.0f}"),
    ("professional_technical_talent", "{:,.0f}"),
    ("high_skill_talent", "{:,.0f}"),
    ("high_skill_share", "{:.1%}"),
    ("avg_schooling_years_working_age", "{:.2f}"),
    ("tertiary_educated_share", "{:.1%}"),
)
SUMMARY_FLOWS = (
    "births",
    "deaths",
    "net_migration_interprovincial",
    "graduates",
    "training_person_times",
    "training_person_times_subsidised",
)
SUMMARY_TARGETS = (
    ("high_skill_talent", "target_attainment_high_skill_talent", "{:,.0f}"),
    ("high_skill_share", "target_attainment_high_skill_share", "{:.1%}"),
    ("training_person_times_subsidised_to_date", "target_attainment_training", "{:,.0f}"),
)


def summary_table(frame: pd.DataFrame) -> str:
    """Census day against the last month for the main indicators of the province, and the run's flows."""
    province = frame[frame["region"] == "province"].pivot(index="date", columns="indicator", values="value")
    first, last = province.index[0], province.index[-1]
    lines = [f"{'province':42s}{first:>16s}{last:>16s}"]
    for name, fmt in SUMMARY_STOCKS:
        lines.append(
            f"{name:42s}{fmt.format(province.at[first, name]):>16s}{fmt.format(province.at[last, name]):>16s}"
        )
    lines.append(f"{'flows, ' + first + ' to ' + last:42s}{'total':>16s}{'per year':>16s}")
    years = len(province) / 12.0
    for name in SUMMARY_FLOWS:
        total = province[name].sum()
        lines.append(f"{name:42s}{total:>16,.0f}{total / years:>16,.0f}")
    lines.append(f"{'plan targets for 2025, at ' + last:42s}{'value':>16s}{'attainment':>16s}")
    for name, attainment, fmt in SUMMARY_TARGETS:
        value, share = province.at[last, name], province.at[last, attainment]
        lines.append(f"{name:42s}{fmt.format(value):>16s}{share:>16.1%}")
    spending = [c for c in province.columns if c.startswith("policy_spending_yuan.")]
    if spending:
        lines.append(f"{'policy spending, million yuan':42s}{'total':>16s}{'per year':>16s}")
        for name in sorted(spending, key=lambda c: -province[c].sum()):
            total = province[name].sum() / 1e6
            label = name.split(".", 1)[1][:41]
            lines.append(f"{label:42s}{total:>16,.1f}{total / years:>16,.1f}")
    return "\n".join(lines)
