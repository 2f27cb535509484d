"""Chinese names of every parameter, stress and cohort a reader meets in the Chinese report.

A key path (``behaviour.joining.base_annual_rate``) is for the model's
users; the committee reads ``参加行为·基础年参加率``. A name is composed from
its table's name and its own (:data:`TABLES`, :data:`NAMES`), so a cohort's
parameters (``cohorts.gig.income_mean`` → ``零工·月收入均值``) need no line
each; the key path itself stays only in the appendix's small key column.
:func:`param_name` falls back to the key path for a key it does not know
(the test of the report checks there is none among the baseline's).
"""

from __future__ import annotations

import re

from sim.book.format import ZH_VALUES

TABLES = {
    "population": "人口", "cohort_defaults": "各群体默认", "behaviour.response": "补贴反应",
    "behaviour.response.central": "补贴反应（中）", "behaviour.response.none": "补贴反应（无）",
    "behaviour.response.low": "补贴反应（低）", "behaviour.response.high": "补贴反应（高）",
    "behaviour.joining": "参加行为", "behaviour.depositing": "缴存行为",
    "behaviour.dormancy": "停缴行为", "behaviour.withdrawing": "提取行为",
    "behaviour.buying": "购房行为", "behaviour.financing": "购房融资",
    "behaviour.financing.commercial_rate": "商业房贷利率", "behaviour.repaying": "还贷行为",
    "fund": "资金池", "employee": "职工缴存板块", "deposit": "缴存", "withdrawal": "提取",
    "eligibility": "参加条件", "loan": "贷款", "reserve": "风险准备金", "liquidity": "流动性",
    "subsidy": "补贴", "horizon": "预测期", "montecarlo": "蒙特卡罗", "policy": "政策",
    "interest": "利息", "bonus": "开户奖励", "tax": "个税",
}  # fmt: skip
"""Tables of the policy, population, fund and scenario files."""

NAMES = {
    # scenario
    "size": "可能参加的人数", "months": "预测月数", "paths": "模拟路径数", "seed": "随机种子",
    "switch_on": "切换到新政策的月份",
    # population and cohorts
    "female_share": "女性比例", "female_retirement_base": "女性退休年龄（基准）",
    "good_credit_share": "信用良好比例", "hmt_or_foreign_share": "港澳台及外籍比例",
    "share": "人数占比", "age_mean": "平均年龄", "age_sd": "年龄标准差",
    "income_mean": "月收入均值", "income_sigma": "收入离散度", "persistent_rho": "收入持续性",
    "persistent_sd": "持久冲击标准差", "transitory_sd": "暂时冲击标准差",
    "p_active_to_idle": "在岗转无业概率（月）", "p_idle_to_active": "无业转在岗概率（月）",
    "season_amplitude": "季节波动幅度", "season_peak": "季节高峰月份", "education": "学历构成",
    "children": "子女数构成", "tenure": "住房状况构成", "veteran_share": "退役军人比例",
    "veteran_months_mean": "服役缴存月数均值", "purchase_intention": "购房意向比例",
    "stop_hazard_multiplier": "停缴风险倍数", "restart_hazard_multiplier": "复缴风险倍数",
    "exit_hazard_multiplier": "退出风险倍数",
    # behaviour
    "participation_elasticity": "参与率对补贴的弹性", "delay_weight": "延迟支付的折算权重",
    "amount_ratio": "缴存额反应与参与反应之比", "reference_rate": "参照补贴率",
    "setting": "反应设定", "base_annual_rate": "基础年参加率",
    "return_semi_elasticity": "参加对收益的半弹性", "reference_return": "参照收益率",
    "loan_access_value": "贷款资格的价值", "tax_horizon_years": "个税节省折算年数",
    "base_probability": "基础缴存概率", "income_elasticity": "收入弹性", "habit": "缴存习惯",
    "idle_probability": "无业时缴存概率", "share_mean": "缴存占收入比例均值",
    "share_spread": "缴存占收入比例离散度", "quarterly_share": "按季缴存比例",
    "stop_annual_rate": "年停缴率", "restart_annual_rate": "年复缴率",
    "stop_income_loss": "收入下降对停缴的影响", "rent_user_share": "租房提取者比例",
    "rent_share_of_income": "房租占收入比例", "exit_annual_rate": "年退出率",
    "exit_income_loss": "收入下降对退出的影响", "exit_aged_elasticity": "退出对存期的弹性",
    "leave_annual_rate": "年离开率", "annual_rate_intending": "有意向者年购房率",
    "annual_rate_other": "其他人年购房率", "age_peak": "购房高峰年龄", "age_width": "购房年龄跨度",
    "renter_multiplier": "租房者倍数", "balance_elasticity": "余额弹性",
    "price_mean": "房价均值", "price_sigma": "房价离散度",
    "green_or_upgrade_share": "绿色或改善住房比例",
    "min_fund_loan": "值得申请的最低公积金贷款额", "paperwork_cost": "办理成本",
    "subsidy_horizon_years": "补贴损失折算年数", "saving_up_months": "购房前攒钱月数",
    "saving_up_factor": "购房前缴存倍数", "repayment_user_share": "还贷提取者比例",
    "mortgage_share_of_income": "房贷占收入比例", "max_repayment_share": "还款占收入上限",
    # fund and employee segment
    "bank_rate": "闲置资金收益率", "start_cash": "期初现金", "start_reserve": "期初风险准备金",
    "start_credit_line": "期初授信使用", "start_equity": "期初未分配增值收益",
    "management_cost_rate": "管理费用率", "credit_line_limit": "银行授信额度",
    "credit_line_rate": "授信利率", "house_price_growth": "房价年增长率",
    "deposit_balance": "缴存余额", "loan_balance": "贷款余额", "monthly_deposits": "月缴存额",
    "deposit_growth": "缴存年增长率", "withdrawal_ratio": "提取占缴存比例",
    "monthly_loan_demand": "月贷款需求", "loan_demand_growth": "贷款需求年增长率",
    "loan_rate": "贷款利率", "repayment_months": "平均还款月数", "average_loan": "平均贷款额",
    # policy
    "monthly_cap": "月缴存上限", "min_wage": "最低工资标准", "min_ratio": "缴存下限比例",
    "allowed_months": "允许的缴存月数", "rent_monthly_limit": "租房提取月限额",
    "admits_hmt_and_foreign_residents": "港澳台及外籍人员可参加",
    "excludes_employee_pension": "已参加职工养老保险者不可参加",
    "rate_second_short": "二套房贷款利率（5年以下）",
    "rate_second_long": "二套房贷款利率（5年以上）",
    "limit_formula": "贷款额度公式", "balance_multiple": "余额倍数",
    "duration_full_months": "缴存时长满额月数", "frequency_weight": "缴存频次权重",
    "max_ltv_first": "首套最高贷款成数", "max_ltv_second": "二套最高贷款成数",
    "ceiling": "贷款最高额度", "default_after_months": "逾期多少个月算违约",
    "recovery_rate": "违约回收率", "vai_share": "增值收益提取比例", "target_ratio": "目标比例",
    "stressed_default_rate": "压力违约率", "cash_floor_share": "现金下限比例",
    "rationing_thresholds": "贷款轮候触发阈值", "rationing_multiple": "轮候时的额度倍数",
    "holding_rate": "持有补贴率", "lifetime_cap": "终身补贴上限",
    # the pool's employees' book and liquidity lines (issue 20)
    "activity_noise": "购房活跃度月度波动",
    "ceiling_couple": "职工贷款最高额度（夫妻）",
    "ceiling_single": "职工贷款最高额度（单人）",
    "commercial_rate": "五年期以上 LPR（商业房贷利率）",
    "contributor_growth": "缴存职工人数年增长",
    "contributors": "缴存职工人数",
    "couple_share": "夫妻共同申贷比例",
    "default_rate": "年违约率",
    "family_help_share": "代际互助购房提取比例",
    "income_sensitivity": "贷款需求对收入的弹性",
    "loan_count": "在贷笔数",
    "loan_size_sigma": "贷款额离散度",
    "other_balance_multiple": "其他提取（余额倍数）",
    "other_rate": "其他提取（年发生率）",
    "prepayment_rate": "年提前还款率",
    "prepayment_turnover_share": "随住房交易变动的提前还款比例",
    "price_elasticity": "贷款需求对房价的弹性",
    "purchase_amount": "购房提取额",
    "purchase_rate": "购房提取年发生率",
    "queue_discouragement": "轮候对申贷的抑制",
    "rate_semi_elasticity": "贷款需求对利差的半弹性",
    "rent_amount": "租房提取额",
    "rent_rate": "租房提取年发生率",
    "repayment_amount": "还贷提取额",
    "repayment_rate": "还贷提取年发生率",
    "retirement_balance_multiple": "退休提取（余额倍数）",
    "retirement_rate": "退休提取年发生率",
    "term_months": "贷款期限（月）",
    "flexible_cap_level": "灵活就业贷款额度控制起始档位（F5）",
    "flexible_cap_ratio": "灵活就业贷款余额/缴存余额上限（F5）",
    "max_loan_to_deposit": "停止放贷的个贷率",
    "rationing_ceiling": "各档位职工贷款额度系数",
    "withdrawal_stop_level": "暂停代际互助提取的档位",
    # the pilot's deposits, joining pace, repayment buffer and pre-loan check (issue 21)
    "lump_months": "一次性缴存的月份数",
    "lump_share": "一次性缴存者比例",
    "minimum_share": "按最低额缴存者比例",
    "minimum_yuan": "最低月缴存额（元）",
    "pace": "参加节奏",
    "buffer_instalments": "还款储备（期数）",
    "saving_share": "补充还款储备的收入比例",
    "min_income_months": "贷前审查：近 12 个月有收入的月数",
}  # fmt: skip
"""The last part of a key path, in Chinese."""

STRESSES = {
    "combined_severe": "综合严重冲击", "employee_outflow": "职工资金外流", "exit_run": "集中退出",
    "house_price_fall": "房价下跌", "loan_rate_cut": "贷款降息", "loan_surge": "贷款激增",
    "policy_reversal": "政策反转", "recession": "收入衰退", "sector_crash": "电商产业链崩溃",
}  # fmt: skip
"""The stress library's names in Chinese (by file name)."""

VALUES = {"true": "是", "false": "否", '"deposit_more_borrow_more"': "多缴多贷", "central": "中",
          "none": "无", "low": "低", "high": "高"}  # fmt: skip
TERMS = {"withdrawals.to_deposits": "提取与缴存之比"}
"""Calibration targets named inside a basis."""


def param_name(key: str) -> str:
    """``behaviour.joining.base_annual_rate`` → ``参加行为·基础年参加率`` (else the key)."""
    m = re.fullmatch(r"cohorts\.([a-z_]+)\.([a-z_]+)", key)
    if m:
        cohort = ZH_VALUES["cohort"].get(m.group(1), m.group(1))
        return f"{cohort}·{NAMES.get(m.group(2), m.group(2))}"
    m = re.fullmatch(r"behaviour\.financing\.commercial_rate\.(\d{4}-\d\d)", key)
    if m:
        return f"商业房贷利率（{m.group(1)} 起）"
    m = re.fullmatch(r"([a-z_.]+)\.(\d{4}-\d\d)(?:-\d\d)?", key)
    if m and param_name(m.group(1)) != m.group(1):
        return f"{param_name(m.group(1))}（{m.group(2)} 起）"
    table, _, name = key.rpartition(".")
    if table in TABLES and name in NAMES:
        return f"{TABLES[table]}·{NAMES[name]}"
    return key


def stress_name(stem: str) -> str:
    """A library stress's Chinese name (else the name as given)."""
    return STRESSES.get(stem.replace(" ", "_").replace("-", "_"), stem)


def value_text(text: str) -> str:
    """A value as the Chinese report shows it: ``from 2023-07: 5000`` → ``2023-07 起：5000``."""
    text = re.sub(r"from (\d{4}-\d\d): ", r"\1 起：", text)
    return VALUES.get(text, text)


def basis_text(text: str) -> str:
    """A basis as the Chinese report shows it: no command line, no project file names."""
    text = re.sub(r"^--set [^=\s]+=(\S+?)（", r"命令行设定为 \1（", text)
    text = re.sub(r"[\w/]+\.py\b", "模型代码", text)
    text = re.sub(r"[\w/.-]*targets\.toml\b", "校准目标", text)
    text = re.sub(r"[\w/.-]+\.toml\b", "数据文件", text)
    text = re.sub(r"\b[a-z_]+(\.[a-z_]+)+\b", _named, text)
    return text.replace("FACTS.md", "公开资料汇编").replace("RULES.md", "规则汇编")


def _named(m: re.Match) -> str:
    """A key path inside a sentence, by its Chinese name when it has one."""
    key = m.group(0)
    return TERMS.get(key) or TABLES.get(key) or param_name(key)


def variant_name(label: str) -> str:
    """A run's variant as the Chinese tables head it: ``subsidy.holding_rate=0.012`` →
    ``持有补贴率 1.2%``, ``…|stress`` → ``…（压力）``, ``baseline`` → ``基准``."""
    base, stressed = label.removesuffix("|stress"), label.endswith("|stress")
    key, eq, value = base.partition("=")
    if not eq:
        shown = {"baseline": "基准"}.get(base, stress_name(base))
    elif key == "subsidy.holding_rate":
        shown = f"{param_name(key).split('·')[-1]} {float(value):.1%}"
    else:
        shown = f"{param_name(key)} = {value_text(value)}"
    return shown + ("（压力）" if stressed else "")
