"""Other cities' designs as policy files (issue 24): each loads, carries its rules (X1–X6)
with the published numbers of FACTS.md, and marks every gap as an assumption."""

import pytest

from sim.fund.policy import POLICY_DIR, load_policy

DESIGNS = ("suzhou-2025", "chongqing-2025", "chengdu-2025", "hainan-2025", "jinan-2025",
           "shenzhen-2025", "wuhan-2026")  # fmt: skip

PUBLISHED = {
    "suzhou-2025": {"subsidy.interest_share": 0.3, "deposit.capped": False,
                    "deposit.min_ratio": 0.10, "deposit.floor_basis": "min_wage_ratio"},
    "chongqing-2025": {"loan.min_deposit_months": 6, "loan.limit_formula": "balance_multiple",
                       "loan.balance_multiple": 25.0, "loan.ceiling": 500_000.0,
                       "loan.long_ceiling_months": 12, "loan.long_ceiling": 800_000.0,
                       "withdrawal.rent_limit_basis": "monthly",
                       "withdrawal.rent_monthly_limit": 1800.0},
    "chengdu-2025": {"subsidy.holding_rate": 0.01, "subsidy.lifetime_cap": 10_000.0,
                     "loan.balance_multiple": 25.0, "loan.ceiling": 600_000.0,
                     "loan.min_deposit_months": 6, "withdrawal.rent_monthly_limit": 1800.0},
    "hainan-2025": {"subsidy.holding_rate": 0.01, "subsidy.clean_months": 12,
                    "loan.balance_multiple": 12.0, "deposit.min_ratio": 0.10},
    "jinan-2025": {"subsidy.holding_rate": 0.01, "loan.balance_multiple": 25.0,
                   "loan.amount_floor": 200_000.0, "loan.ceiling": 900_000.0,
                   "withdrawal.rent_monthly_limit": 1500.0},
    "shenzhen-2025": {"loan.min_deposit_months": 36, "loan.min_consecutive_months": 12,
                      "loan.balance_multiple": 16.0, "withdrawal.rent_limit_basis": "deposit_share",
                      "withdrawal.rent_deposit_share": 0.8},
    "wuhan-2026": {"loan.balance_multiple": 20.0, "loan.limit_formula": "balance_multiple",
                   "loan.min_deposit_months": 12},
}  # fmt: skip


@pytest.mark.parametrize("name", DESIGNS)
def test_design_loads_with_its_published_numbers_sourced(name):
    p = load_policy(name)
    assert p.id == name
    for key, value in PUBLISHED[name].items():
        assert p[key] == value, key
        param = p.params[key]
        assert "FACTS.md" in param.source or "X" in param.source, key


@pytest.mark.parametrize("name", DESIGNS)
def test_design_marks_lianyungang_rules_it_keeps_as_assumptions(name):
    p = load_policy(name)
    for key, param in p.params.items():
        if " A §" in param.source or " B §" in param.source or param.source.startswith("A §"):
            assert param.assumption, f"{name}: {key} keeps a Lianyungang clause unmarked"


def test_lianyungang_files_keep_every_design_rule_off():
    for name in ("lyg-2023", "lyg-draft"):
        p = load_policy(name)
        assert p["subsidy.interest_share"] == 0.0
        assert p["subsidy.clean_months"] == 0
        assert p["loan.min_consecutive_months"] == 0
        assert p["loan.long_ceiling_months"] == 0
        assert p["deposit.capped"] is True
        assert p["withdrawal.rent_limit_basis"] == "yearly"
        assert p["loan.limit_formula"] == "deposit_more_borrow_more"


def test_every_design_file_is_listed():
    names = {f.stem for f in POLICY_DIR.glob("*.toml") if not f.stem.startswith("lyg-")}
    assert names == set(DESIGNS)
