"""What a policy file may contain: every parameter, its type, unit and range.

A policy file (``scenarios/policies/*.toml``) is data; this module is the
contract it is checked against. Each :class:`ParamSpec` says what one key path
holds. The *values* live in the files, with their sources; the *allowed
ranges* live here, so that no file can carry a rate of 150% or a floor in the
wrong unit past the loader.

A numeric parameter is given either as ``value = x`` or as a dated table
``values = { 2023-07-01 = x, 2024-07-01 = y }`` (in force from each date).
Parameters the documents say are published each year (the deposit cap, the
minimum wage, the floor, the deposit rate) *must* be dated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["float", "int", "str", "bool", "float_list", "int_list"]
Dated = Literal["required", "allowed", "never"]

EDUCATION_LEVELS = ("none", "college", "bachelor", "master", "doctor")


@dataclass(frozen=True)
class ParamSpec:
    """The contract for one key path of a policy file."""

    key: str
    kind: Kind
    unit: str
    rules: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    dated: Dated = "never"

    def allowed(self) -> str:
        """Human-readable statement of what values are allowed."""
        if self.choices is not None:
            return " | ".join(self.choices)
        if self.kind == "bool":
            return "true | false"
        kind = {"float_list": "a list of numbers", "int_list": "a list of whole numbers"}.get(
            self.kind, "a whole number" if self.kind == "int" else "a number"
        )
        return f"{kind} from {self.low:g} to {self.high:g}"


def _num(key, unit, rules, low, high, dated: Dated = "allowed", kind: Kind = "float"):
    return ParamSpec(key, kind, unit, rules, low=low, high=high, dated=dated)


def _choice(key, rules, *choices):
    return ParamSpec(key, "str", "choice", rules, choices=choices)


def _flag(key, rules):
    return ParamSpec(key, "bool", "flag", rules)


SPECS: tuple[ParamSpec, ...] = (
    # D — deposits
    _num("deposit.monthly_cap", "yuan/month", "D1", 1, 1_000_000, dated="required"),
    _num("deposit.floor", "yuan", "D1", 0, 100_000, dated="required"),
    _choice("deposit.floor_basis", "D1 D2", "fixed", "min_wage_ratio"),
    _num("deposit.min_wage", "yuan/month", "D2", 0, 100_000, dated="required"),
    _num("deposit.min_ratio", "fraction", "D2", 0, 1),
    ParamSpec("deposit.allowed_months", "int_list", "months", "D1 D2", low=1, high=12),
    # S — subsidies
    _num("subsidy.holding_rate", "1/year", "S1 S5", 0, 0.05),
    _num("subsidy.lifetime_cap", "yuan", "S2", 0, 1_000_000),
    _num("subsidy.min_holding_months", "months", "S1", 1, 36, dated="never", kind="int"),
    _choice("subsidy.ageing", "S1-i", "lifo", "fifo"),
    _choice("subsidy.accrual", "S1-ii", "monthly_average", "settlement_snapshot"),
    _flag("subsidy.stops_at_loan", "S3"),
    _flag("subsidy.forfeit_on_exit", "S4"),
    _flag("subsidy.cap_includes_bonus", "S2"),
    _num("subsidy.opening_bonus", "yuan", "S6", 0, 10_000),
    _num("subsidy.opening_bonus_two_children", "yuan", "S6", 0, 10_000),
    _num("subsidy.opening_bonus_talent", "yuan", "S7", 0, 10_000),
    _choice("subsidy.bonus_stacking", "S6-i", "max", "sum"),
    _choice("subsidy.talent_min_education", "S7", *EDUCATION_LEVELS),
    # F1 — interest and settlement
    _num("interest.deposit_rate", "1/year", "F1", 0, 0.2, dated="required"),
    _num("interest.settlement_month", "calendar month", "F1", 1, 12, dated="never", kind="int"),
    # W — withdrawals
    _num("withdrawal.rent_monthly_limit", "yuan/month", "W1", 0, 100_000),
    _flag("withdrawal.exit_requires_no_loan", "W3"),
    # E — eligibility
    _num("eligibility.min_age", "years", "E1 E2", 0, 30, dated="never", kind="int"),
    _flag("eligibility.requires_good_credit", "E2"),
    _flag("eligibility.excludes_employee_pension", "E1"),
    _flag("eligibility.admits_hmt_and_foreign_residents", "E2"),
    # L — loans (the rules of RULES.md with a number; the L2 formula is the loan book's)
    _num("loan.min_deposit_months", "months", "L1", 0, 120, dated="never", kind="int"),
    _flag("loan.counts_veteran_service", "E5 L1"),
    _num("loan.green_upgrade_multiplier", "multiplier", "L3", 1, 3),
    _num("loan.talent_first_home_multiplier", "multiplier", "L4", 1, 3),
    _choice("loan.multiplier_stacking", "L4-i", "max", "product"),
    _num("loan.rate_first_short", "1/year", "L2", 0, 0.2, dated="required"),
    _num("loan.rate_first_long", "1/year", "L2", 0, 0.2, dated="required"),
    _num("loan.rate_second_short", "1/year", "L2", 0, 0.2, dated="required"),
    _num("loan.rate_second_long", "1/year", "L2", 0, 0.2, dated="required"),
    _num("loan.short_term_years", "years", "L2", 1, 30, dated="never", kind="int"),
    _num("loan.max_term_years", "years", "L2", 1, 40, dated="never", kind="int"),
    _num("loan.age_limit_over_retirement", "years", "L2", 0, 20, dated="never", kind="int"),
    _choice("loan.limit_formula", "L2 X4", "deposit_more_borrow_more", "balance_multiple"),
    _num("loan.balance_multiple", "multiplier", "L2", 0, 100),
    _num("loan.duration_full_months", "months", "L2", 1, 240, dated="never", kind="int"),
    _num("loan.frequency_weight", "fraction", "L2", 0, 1),
    _num("loan.max_ltv_first", "fraction", "L2", 0, 1),
    _num("loan.max_ltv_second", "fraction", "L2", 0, 1),
    _num("loan.ceiling", "yuan", "L2", 0, 1e8),
    _num("loan.max_repayment_share", "fraction", "L2", 0, 1),
    _choice("loan.schedule", "L2", "equal_installment", "equal_principal"),
    _num("loan.default_after_months", "months", "F4", 1, 60, dated="never", kind="int"),
    _num("loan.min_income_months", "months", "F4", 0, 12, dated="never", kind="int"),
    _num("loan.recovery_rate", "fraction", "F4", 0, 1),
    # F4 — loan risk reserve
    _num("reserve.vai_share", "fraction", "F4", 0, 1),
    _num("reserve.target_ratio", "fraction", "F4", 0, 1),
    _num("reserve.stressed_default_rate", "1/year", "F4", 0, 1),
    # F5 — liquidity rules
    _num("liquidity.cash_floor_share", "fraction", "F5", 0, 1),
    _num("liquidity.max_loan_to_deposit", "fraction", "F5", 0, 2),
    _flag("liquidity.rationing", "F5"),
    ParamSpec("liquidity.rationing_thresholds", "float_list", "fraction", "F5", low=0, high=2),
    ParamSpec("liquidity.rationing_multiple", "float_list", "fraction", "F5", low=0, high=1),
    ParamSpec("liquidity.rationing_ltv", "float_list", "fraction", "F5", low=0, high=1),
    ParamSpec("liquidity.rationing_ceiling", "float_list", "fraction", "F5", low=0, high=1),
    _num("liquidity.withdrawal_stop_level", "level", "F5", 0, 3, kind="int"),
    _num("liquidity.flexible_cap_level", "level", "F5", 0, 3, kind="int"),
    _num("liquidity.flexible_cap_ratio", "fraction", "F5", 0, 5),
    # D3 — income tax deduction
    _num("tax.iit_basic_deduction", "yuan/year", "D3", 0, 1_000_000),
    ParamSpec("tax.iit_thresholds", "float_list", "yuan/year", "D3", low=0, high=1e8),
    ParamSpec("tax.iit_rates", "float_list", "fraction", "D3", low=0, high=1),
    # X — other cities' designs (docs/rules.md, "Other cities' designs"); off under lyg-*
    _num("subsidy.interest_share", "fraction", "X1", 0, 1),
    _num("subsidy.clean_months", "months", "X2", 0, 120, dated="never", kind="int"),
    _num("loan.min_consecutive_months", "months", "X3", 0, 120, dated="never", kind="int"),
    _num("loan.amount_floor", "yuan", "X4", 0, 1e8),
    _num("loan.long_ceiling_months", "months", "X4", 0, 240, dated="never", kind="int"),
    _num("loan.long_ceiling", "yuan", "X4", 0, 1e8),
    _flag("deposit.capped", "X5"),
    _choice("withdrawal.rent_limit_basis", "X6", "yearly", "monthly", "deposit_share"),
    _num("withdrawal.rent_deposit_share", "fraction", "X6", 0, 1),
)

SPEC_BY_KEY: dict[str, ParamSpec] = {s.key: s for s in SPECS}
